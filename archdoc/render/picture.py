"""The diagram's PNG as the other outputs use it: decoded once, whatever asks.

dot writes the PNG (often with an alpha channel: its canvas is a fraction of a pixel
taller than its last row). The HTML report inlines that PNG as it is. The PDF gets a
JPEG on a white background: WeasyPrint embeds a JPEG as it is, while it decodes a PNG,
splits its alpha channel into a mask and compresses both again (half the PDF's time for
a small report). The index's thumbnail comes from the same decoded picture.
"""

from __future__ import annotations

import base64
import io
import struct
from dataclasses import dataclass, field
from typing import Any

OPAQUE_ENOUGH = 128  # alpha above which a pixel is drawn as it is, not blended with white
JPEG_QUALITY = 92  # with full-resolution colour (no chroma subsampling): thin coloured text stays sharp


def _least(extrema: Any) -> int:
    """The least value of one channel, from PIL's getextrema() of a one-band image."""
    least: int = extrema[0]
    return least


@dataclass
class Picture:
    png: bytes
    size: tuple[int, int] | None = None  # its size in CSS pixels (96 dpi), when drawn at another dpi
    _flat: Any = field(default=None, repr=False)  # the decoded picture on white, once asked for

    @property
    def css_size(self) -> tuple[int, int]:
        if self.size is not None:
            return self.size
        width, height = struct.unpack(">II", self.png[16:24])  # the PNG's IHDR chunk
        return width, height

    def flat(self) -> Any:
        """The picture decoded, on a white background, without alpha (a PIL image)."""
        if self._flat is None:
            from PIL import Image

            with Image.open(io.BytesIO(self.png)) as drawn:
                drawn.load()
                if drawn.mode == "RGB":
                    self._flat = drawn.copy()
                elif drawn.mode == "RGBA" and _least(drawn.getchannel("A").getextrema()) >= OPAQUE_ENOUGH:
                    self._flat = drawn.convert("RGB")  # dot's canvas is opaque but for its last row
                else:
                    rgba = drawn.convert("RGBA")
                    self._flat = Image.new("RGB", rgba.size, "white")
                    self._flat.paste(rgba, mask=rgba.getchannel("A"))
        return self._flat

    def jpeg(self) -> bytes:
        """The picture for the PDF."""
        buffer = io.BytesIO()
        self.flat().save(buffer, "JPEG", quality=JPEG_QUALITY, subsampling=0)
        return buffer.getvalue()

    def thumbnail(self, width: int = 360, height: int = 240) -> str:
        """A small JPEG of the diagram, base64, for the run's index page."""
        small = self.flat().copy()
        small.thumbnail((width, height))
        buffer = io.BytesIO()
        small.save(buffer, "JPEG", quality=80, optimize=True)
        return base64.b64encode(buffer.getvalue()).decode("ascii")
