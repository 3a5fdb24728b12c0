"""What a render run can be asked for: the command line's choices, light to import."""

from __future__ import annotations

from archdoc.render.theme import THEMES as THEMES

DEFAULT_FORMATS = ("png", "svg", "md", "html", "pdf", "json")  # the outputs docs/format.md promises
FORMATS = (*DEFAULT_FORMATS, "mermaid")
DIRECTIONS = ("LR", "TB", "RL", "BT")
MD_DIAGRAMS = ("image", "mermaid")  # how report.md shows the diagram: the PNG, or a ```mermaid block


def formats_named(text: str) -> list[str]:
    """The formats a --formats value names ("png, pdf" -> ["png", "pdf"]), checked or not."""
    return [f.strip() for f in text.split(",") if f.strip()]
