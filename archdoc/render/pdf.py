"""The PDF, laid out by WeasyPrint from the report's HTML (the only module importing it).

WeasyPrint may load nothing but ``data:`` URIs and files inside the spec's own output
folder: no network, no other local file, no redirect.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

# The document's base URL: the same for every folder, so that the PDF does not depend on
# where it was written (WeasyPrint names an image after its URL, in the PDF).
BASE = Path("/archdoc-output")


class OutputFolderFetcher(URLFetcher):
    """A URL fetcher confined to ``data:`` URIs and the files of one folder (named by their
    path, or under BASE)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=5)
        self.folder = folder.resolve()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:  # WeasyPrint's own result type
        if url.lower().startswith("file:"):
            path = Path(unquote(urlparse(url).path))
            if path.is_relative_to(BASE):
                path = self.folder / path.relative_to(BASE)
            path = path.resolve()
            if not path.is_relative_to(self.folder):
                raise ValueError(f"archdoc loads no file outside the output folder: {url}")
            url = path.as_uri()
        return super().fetch(url, headers)


@cache
def _fonts() -> FontConfiguration:
    """One font configuration per process. WeasyPrint makes a new one (a Pango font map) for
    every document unless given one, and those are not all freed: measured here, memory
    grew by 1.7 MiB a document, and each PDF took 10 % longer."""
    return FontConfiguration()


def write_pdf(html: str, folder: Path, target: Path) -> None:
    """Lay out ``html`` (resolving relative URLs in ``folder``) into the PDF ``target``."""
    document = HTML(string=html, base_url=f"{BASE.as_uri()}/", url_fetcher=OutputFolderFetcher(folder))
    # The same report always makes the same bytes: the identifier comes from the content.
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    document.write_pdf(target, font_config=_fonts(), pdf_identifier=identifier)


@cache
def warm_up() -> None:
    """Load what WeasyPrint loads on its first document (its stylesheets, the report's
    fonts in every style they take) by laying out a tiny one, kept in memory: done before
    forking workers, each of them starts warm, and by the PDF's process of a single spec
    while it waits for the page (a tenth of a second off the PDF of a small report)."""
    HTML(string='<!DOCTYPE html><html><head><style>@page { size: A4; } '
                'body { font-family: "DejaVu Sans", sans-serif; } '
                'code { font-family: "DejaVu Sans Mono", monospace; }</style></head>'
                "<body><h1>archdoc</h1><p>warm <b>up</b> <i>fonts</i> <code>code</code></p>"
                "<table><tr><th>x</th><td>y</td></tr></table></body></html>",
         url_fetcher=OutputFolderFetcher(BASE)).write_pdf(font_config=_fonts())
