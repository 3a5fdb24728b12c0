"""User text made printable, before any renderer escapes it for its format."""

from __future__ import annotations

import re
import unicodedata

_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: object) -> str:
    """Control characters (not allowed in XML, and meaningless in a label) and lone
    surrogates become U+FFFD; line breaks and tabs stay (renderers fold them); the text
    is NFC-normalised, so the same words always make the same bytes."""
    return unicodedata.normalize("NFC", _UNPRINTABLE.sub("\ufffd", str(text)))


def printable_value(value: object) -> object:
    """Jinja's ``finalize``: every printed string made printable; markup already made safe
    (the report body) is left alone."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return printable(value)
    return value
