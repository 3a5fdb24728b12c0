"""DIR/index.html: every design of a run with its thumbnail, finding counts and links,
and the specs that failed with their reasons. One file, like the reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from archdoc.errors import BatchError
from archdoc.files import write_atomically
from archdoc.render.text import printable_value
from archdoc.run.job import RENDERED, SKIPPED, UNCHANGED, RenderResult
from archdoc.run.summary import format_totals

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("archdoc.run", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    finalize=printable_value,
)
LINKS = (("report.html", "report"), ("report.pdf", "PDF"), ("report.md", "Markdown"),
         ("diagram.svg", "SVG"), ("findings.json", "findings"))


@dataclass(frozen=True)
class _Card:
    result: RenderResult
    files: frozenset[str]

    def __getattr__(self, name: str) -> object:
        return getattr(self.result, name)


GENERATOR = '<meta name="generator" content="archdoc">'  # how archdoc knows an index.html as its own


def check_index_is_ours(out_root: Path) -> None:
    """Raises BatchError, before anything is rendered, when OUT/index.html is a file archdoc did not write."""
    target = out_root / "index.html"
    if not (target.exists() or target.is_symlink()):
        return
    if target.is_file() and not target.is_symlink():
        with target.open("rb") as file:
            if GENERATOR.encode() in file.read(4096):
                return
    raise BatchError(f"{target} exists and was not written by archdoc; archdoc never replaces it "
                     f"(move it away, or choose another output folder)")


def index_html(results: Sequence[RenderResult], out_root: Path, seconds: float, page: str = "report.html",
               theme: str = "light") -> str:
    """The run's index; each design's picture links to ``FOLDER/page`` (archdoc serve links its
    live page); ``theme`` the page's colours, as the reports'."""
    done = [r for r in results if r.status in (RENDERED, UNCHANGED)]
    cards = [_Card(r, frozenset(p.name for p in (out_root / r.folder).iterdir())) for r in done]
    return _ENV.get_template("index.html.j2").render(
        results=results,
        rendered=cards,
        failed=[r for r in results if r.status not in (RENDERED, UNCHANGED, SKIPPED)],
        totals=format_totals(results, seconds),
        links=LINKS,
        page=page,
        theme=theme,
    )


def write_index(results: Sequence[RenderResult], out_root: Path, seconds: float, theme: str = "light") -> Path:
    """Write (atomically) and return DIR/index.html."""
    target = out_root / "index.html"
    write_atomically(target, index_html(results, out_root, seconds, theme=theme))
    return target
