"""User text made printable, before any renderer escapes it for its format."""

from __future__ import annotations

import re
import unicodedata

# Control characters, lone surrogates, and the bidirectional embeddings, overrides and
# isolates, with which a label could show text in an order other than its own ("Trojan Source")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_NOT_XML = re.compile("[\ufffe\uffff]")  # code points XML forbids that printable() lets through
MAX_TEXT = 200  # characters of one user text in a drawing; the report keeps it whole


def printable(text: object) -> str:
    """Control characters (not allowed in XML, and meaningless in a label), lone
    surrogates and bidirectional overrides become U+FFFD; line breaks and tabs stay
    (renderers fold them); the text is NFC-normalised, so the same words always make the
    same bytes."""
    return unicodedata.normalize("NFC", _UNPRINTABLE.sub("\ufffd", str(text)))


def printable_value(value: object) -> object:
    """Jinja's ``finalize``: every printed string made printable; markup already made safe
    (the report body) is left alone."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return printable(value)
    return value


def drawn_text(text: str) -> str:
    """User text as a drawing shows it (Graphviz's or Mermaid's), before its format's
    escaping: printable, what XML forbids made U+FFFD, line breaks and runs of spaces
    folded, and past MAX_TEXT characters cut with an ellipsis (dot refuses a quoted string
    over 16 KB, Mermaid a diagram over 50,000 characters, and nobody reads a paragraph in
    a box)."""
    flat = " ".join(_NOT_XML.sub("\ufffd", printable(text)).split())
    return flat[: MAX_TEXT - 1] + "…" if len(flat) > MAX_TEXT else flat
