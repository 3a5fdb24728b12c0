"""Ids of what the diagram draws: the same in the DOT source, the SVG and the report's links.

A component's element is ``c-<id>``, its tooltip ``t-<id>``, its first finding in the
report ``f-<id>``. Spec ids are already safe in HTML, SVG and CSS (lower-case letters,
digits, ``_`` and ``-``); anything else (archdoc's own ``_dns``, or an id a future format
allows) is spelled in hexadecimal after a ``-``, which no spec id starts with, so two
components never share an element id.
"""

from __future__ import annotations

import re

_SAFE = re.compile(r"[a-z0-9][a-z0-9_-]*")
ID_BODY = r"[a-z0-9_-]+"  # what follows the prefix of every id made here (the sanitizers check it)
ELEMENT_ID = r"[a-z]-" + ID_BODY


def _escaped(component_id: str) -> str:
    if _SAFE.fullmatch(component_id):
        return component_id
    return "-" + component_id.encode("utf-8").hex()


def element_id(component_id: str) -> str:
    """The id of the element that draws a component (a node, or a server's box)."""
    return "c-" + _escaped(component_id)


def icon_id(component_id: str) -> str:
    """The id of the icon drawn inside a server's box that holds nothing else."""
    return "i-" + _escaped(component_id)


def tooltip_id(component_id: str) -> str:
    return "t-" + _escaped(component_id)


def finding_id(component_id: str) -> str:
    """The id of a component's first finding in the report's list."""
    return "f-" + _escaped(component_id)
