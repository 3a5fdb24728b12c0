"""Pydantic's validation errors, said the way a spec's author needs to hear them.

Each error becomes an InputProblem at the position of the field it is about: the key
for an unknown field, the enclosing mapping for a missing one, the value otherwise.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from archdoc.errors import InputProblem
from archdoc.model.components import KINDS
from archdoc.specfile.yaml_source import FieldPath, SourceMap, dotted

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}

ID_RULE = "an id is 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter or a digit"


def describe(value: Any) -> str:
    """A short, quoted description of a value, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


QUOTE_LIMIT = 60  # characters of the user's text a message repeats
CANDIDATES = 2000  # names one did-you-mean compares with, at most


def quoted(text: object) -> str:
    """'text', cut to QUOTE_LIMIT characters: a message never repeats a long piece of the file."""
    text = str(text)
    return f"'{text}'" if len(text) <= QUOTE_LIMIT else f"'{text[:QUOTE_LIMIT - 3]}...'"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the nearest choice, or nothing. Short ids lose too much to a
    swap of two letters for difflib's ratio ('bd' for 'db'), so a swap is tried first."""
    choices = list(choices)
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(min(len(word), 64) - 1)} - {word}
    if len(choices) > CANDIDATES:  # thousands of ids: compare only with those of about the same length
        slack = max(2, len(word) // 3)
        choices = [c for c in choices if abs(len(c) - len(word)) <= slack][:CANDIDATES]
    close = [c for c in choices if c in swapped][:1] or difflib.get_close_matches(word[:200], choices, n=1, cutoff=0.6)
    return f" (did you mean {quoted(close[0])}?)" if close else ""


def field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _existing(raw: Any, loc: tuple[Any, ...]) -> FieldPath:
    """The longest prefix of a pydantic location that exists in the raw document."""
    path: list[str | int] = []
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
        path.append(part)
    return tuple(path)


def problems_from(error: ValidationError, source: SourceMap, prefix: FieldPath, raw: Any,
                  model: type[BaseModel] | None = None, kinds: Iterable[str] = ()) -> list[InputProblem]:
    """Translate a pydantic ValidationError about ``raw`` (found at ``prefix``) into problems.

    ``model`` names the fields that were allowed, for "did you mean" hints; ``kinds``
    are the tags of a discriminated union, which pydantic puts into error locations.
    """
    kinds = set(kinds)
    problems = []
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        if loc and loc[0] in kinds:  # drop the union tag: ('server', 'ip') -> ('ip',)
            loc = loc[1:]
        # Point at what exists in the file (an unknown key, the mapping missing a field),
        # but name the field the error is about.
        if detail["type"] == "union_tag_invalid":
            loc = loc + ("kind",)  # pydantic places it on the mapping; point at the kind itself
        at = prefix + _existing(raw, loc)
        line, column = source.position(at, prefer_key=detail["type"] == "extra_forbidden")
        problems.append(InputProblem(source.file, line, column, dotted(prefix + loc), _message(detail, model)))
    return problems


def _message(detail: ErrorDetails, model: type[BaseModel] | None) -> str:
    kind, loc, value = detail["type"], detail["loc"], detail.get("input")
    ctx = detail.get("ctx") or {}
    name = str(loc[-1]) if loc else ""
    if kind == "missing":
        return f"missing required field '{name}'"
    if kind == "extra_forbidden":
        hint = did_you_mean(name, field_names(model)) if model else ""
        return f"unknown field {quoted(name)}{hint}"
    if kind == "union_tag_invalid":
        return (f"unknown kind {describe(ctx.get('tag'))}{did_you_mean(str(ctx.get('tag')), KINDS)}; "
                f"the kinds are: {', '.join(KINDS)}")
    if kind == "union_tag_not_found":
        return "missing required field 'kind'"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        return f"{describe(value)} is not allowed here{hint}; expected {ctx.get('expected')}"
    if kind == "string_pattern_mismatch" and "a-z0-9_-" in str(ctx.get("pattern", "")):
        return f"{describe(value)} is not a valid id: {ID_RULE}"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {describe(value)}"
    if kind == "too_short" and name == "members":
        return "a cluster needs two or more members"
    return detail["msg"][0].lower() + detail["msg"][1:]
