"""Read a spec file into plain Python values, remembering where each one stood.

libyaml's C parser does the parsing; this module turns its event stream into dicts,
lists and scalars. Working from events rather than PyYAML's constructors lets us

* keep the line and column of every key and value, for ``FILE:LINE:COLUMN`` messages;
* refuse aliases and tags where they stand, before anything is expanded;
* read scalars by the YAML 1.2 core schema, so ``on``, ``yes`` and ``no`` stay strings;
* report every duplicate key, and bound nesting depth without recursion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from archdoc.errors import InputProblem, SpecError
from archdoc.specfile.reading import display_name, read_spec_bytes

DEFAULT_MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64

FieldPath = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column

# The YAML 1.2 core schema, for plain (unquoted) scalars only.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT_DEC = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


# Every null, boolean and number of the core schema starts with one of these: a plain
# scalar starting otherwise ("web-01", "nginx") is a string without a regular expression tried.
_SCHEMA_STARTS = frozenset("~nNtTfF0123456789+-.")


# Any null, boolean or number of the core schema matches this: what does not ("10.0.0.1",
# "8.8.8.8", "-") is a string after one try, not eight.
_CORE_VALUE = re.compile("|".join(pattern.pattern for pattern in (
    _NULL, _INT_DEC, _INT_OCT, _INT_HEX, _FLOAT, _INF, _NAN)) + "|^(?:" + "|".join(_BOOL) + ")$")


def resolve_plain_scalar(text: str) -> Any:
    """The value of an unquoted scalar under the YAML 1.2 core schema."""
    if text and (text[0] not in _SCHEMA_STARTS or not _CORE_VALUE.match(text)):
        return text
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT_DEC.match(text):
        return int(text)
    if _INT_OCT.match(text):
        return int(text[2:], 8)
    if _INT_HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document stands in its file."""

    file: str
    values: dict[FieldPath, Position] = field(default_factory=dict)
    keys: dict[FieldPath, Position] = field(default_factory=dict)

    def position(self, path: FieldPath, prefer_key: bool = False) -> Position:
        """The position of ``path``, or of its nearest ancestor that exists in the file."""
        while True:
            if prefer_key and path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def problem(self, path: FieldPath, message: str, prefer_key: bool = False) -> InputProblem:
        line, column = self.position(path, prefer_key)
        return InputProblem(self.file, line, column, dotted(path), message)


def dotted(path: FieldPath) -> str:
    """``('links', 2, 'to')`` -> ``links[2].to``: the field path as users read it."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


# Stands for a key whose value is parsed but dropped: a duplicate, an alias or a complex key.
_DROPPED = "\x00dropped"


@dataclass(slots=True)
class _Open:
    """A mapping or sequence being filled while events arrive."""

    value: dict[str, Any] | list[Any]
    path: FieldPath
    pending_key: str | None = None  # mappings: the key whose value comes next
    index: int = 0  # sequences: the index of the next item
    kept: bool = field(init=False)  # not inside a dropped value: its positions are recorded

    def __post_init__(self) -> None:
        self.kept = _DROPPED not in self.path


class _Builder:
    """Turns parser events into values, recording positions and problems."""

    def __init__(self, name: str) -> None:
        self.source = SourceMap(name)
        self.problems: list[InputProblem] = []
        self.stack: list[_Open] = []
        self.root: Any = None
        self.skip_depth = 0  # >0 while inside a collection nested past MAX_DEPTH

    def report(self, mark: Any, path: FieldPath, message: str) -> None:
        line, column = _position(mark)
        self.problems.append(InputProblem(self.source.file, line, column, dotted(path), message))

    def next_path(self) -> FieldPath | None:
        """The path of the value about to arrive, or None when a mapping key comes next."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return top.path + (top.index,)
        if top.pending_key is None:
            return None
        return top.path + (top.pending_key,)

    def place(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
            top.index += 1
            return
        if top.pending_key != _DROPPED:
            assert top.pending_key is not None
            top.value[top.pending_key] = value
        top.pending_key = None

    def record(self, path: FieldPath, mark: Any) -> None:
        if _DROPPED not in path:
            self.source.values[path] = _position(mark)

    def key(self, event: Any) -> None:
        top = self.stack[-1]
        key_path = top.path + (event.value,)
        if key_path in self.source.keys:
            first_line = self.source.keys[key_path][0]
            self.report(event.start_mark, key_path,
                        f"duplicate key '{event.value}' (first given on line {first_line})")
            top.pending_key = _DROPPED
        else:
            if _DROPPED not in key_path:
                self.source.keys[key_path] = _position(event.start_mark)
            top.pending_key = event.value

    def feed(self, event: Any) -> None:
        """Take one event: the common ones (an untagged scalar, the end of a collection)
        straight here, as a spec is mostly those; any other by ``event``."""
        kind = type(event)
        stack = self.stack
        if self.skip_depth or not stack:
            self.event(event)
        elif kind is yaml.ScalarEvent and event.tag is None and stack[-1].kept:
            top = stack[-1]
            mark = event.start_mark
            key = top.pending_key
            if isinstance(top.value, list) or (key is not None and key != _DROPPED):
                text = event.value
                try:
                    value = resolve_plain_scalar(text) if not event.style and event.implicit[0] else text
                except ValueError:  # a number too long for Python: ``event`` says so
                    self.event(event)
                    return
                if isinstance(top.value, list):
                    self.source.values[top.path + (top.index,)] = (mark.line + 1, mark.column + 1)
                    top.value.append(value)
                    top.index += 1
                elif key is not None:
                    self.source.values[top.path + (key,)] = (mark.line + 1, mark.column + 1)
                    top.value[key] = value
                    top.pending_key = None
            elif key is not None:
                self.event(event)  # the value of a dropped key
            elif (key_path := top.path + (event.value,)) not in self.source.keys:
                self.source.keys[key_path] = (mark.line + 1, mark.column + 1)
                top.pending_key = event.value
            else:
                self.key(event)  # a duplicate
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self.place(stack.pop().value)
        else:
            self.event(event)

    def event(self, event: Any) -> None:
        kind = type(event)
        opens = kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent)
        closes = kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        if self.skip_depth:
            self.skip_depth += 1 if opens else -1 if closes else 0
            if not self.skip_depth:
                self.place(None)
            return
        if closes:
            self.place(self.stack.pop().value)
            return
        path = self.next_path()
        where = path if path is not None else self.stack[-1].path
        if getattr(event, "tag", None) is not None:
            self.report(event.start_mark, where, f"tags ({event.tag}) are not allowed; write plain values")
        if kind is yaml.AliasEvent:
            self.report(event.start_mark, where, f"aliases (*{event.anchor}) are not allowed; write the value out")
            if path is None:
                self.stack[-1].pending_key = _DROPPED
            else:
                self.place(None)
            return
        if kind is yaml.ScalarEvent:
            if path is None:
                self.key(event)
                return
            plain = not event.style and event.implicit[0]  # libyaml gives plain scalars the style ""
            self.record(path, event.start_mark)
            try:
                self.place(resolve_plain_scalar(event.value) if plain else event.value)
            except ValueError:  # Python refuses to read integers of more than 4,300 digits
                self.report(event.start_mark, path, "a number with more than 4,300 digits; no field takes one")
                self.place(None)
            return
        # A mapping or a sequence starts.
        if path is None:
            self.report(event.start_mark, where, "a mapping key must be a plain value, not a mapping or a list")
            self.stack[-1].pending_key = _DROPPED
            path = where + (_DROPPED,)
        if len(self.stack) >= MAX_DEPTH:
            self.report(event.start_mark, path, f"nested more than {MAX_DEPTH} levels deep")
            self.skip_depth = 1
            return
        self.record(path, event.start_mark)
        self.stack.append(_Open({} if kind is yaml.MappingStartEvent else [], path))


_STRUCTURE = re.compile(r"[\[\]{}'\"#]")
_BLOCK_SCALAR_INDICATOR = re.compile(r"[|>][0-9+-]*$")


def _before(line: str, at: int) -> str:
    """The last character before ``at`` that is not a space ("" at the start of the line)."""
    while at > 0 and line[at - 1] in " \t":
        at -= 1
    return line[at - 1] if at else ""


def nesting_problem(text: str, name: str) -> InputProblem | None:
    """The first place where the text nests deeper than MAX_DEPTH, found by one linear scan
    before libyaml sees it: libyaml's work grows with the square of the depth, so a megabyte
    of "[" would take minutes to reject.

    Block collections count by indentation (and "- " entries that open a sequence on one
    line); flow collections by their brackets outside quotes and comments, across lines;
    block scalars (| and >) are text. It never counts less than the real depth; it counts
    more only for files no person writes (more than 64 ever deeper indentations)."""
    return None if _shallow(text, MAX_DEPTH) else _nesting_scan(text, name, MAX_DEPTH)


def _nesting_scan(text: str, name: str, depth: int) -> InputProblem | None:
    """``nesting_problem``'s scan, line by line, for nesting deeper than ``depth``."""
    indents: list[int] = []  # the indentation of each open block level
    block_scalar_indent: int | None = None
    flow, quote, base = 0, "", 0
    for number, line in enumerate(text.split("\n"), start=1):
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        if not flow and not quote:
            if block_scalar_indent is not None:
                if not content.strip() or indent > block_scalar_indent:
                    continue  # a line of a block scalar's text
                block_scalar_indent = None
            if not content.strip() or content.startswith("#"):
                continue
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            base = len(indents)
            at = indent
            while line.startswith("- ", at) or line[at:] == "-":  # "- - x": a sequence in a sequence
                base += 1
                if base > depth:
                    return InputProblem(name, number, at + 1, "", f"nested more than {depth} levels deep")
                at += 2
                while line.startswith(" ", at):
                    at += 1
        for match in _STRUCTURE.finditer(line):
            char, at = match.group(), match.start()
            if quote:
                if char == quote:
                    quote = ""
                continue
            before = _before(line, at)
            if char == "#" and (at == 0 or line[at - 1] in " \t"):
                break
            if char in "'\"" and before in ("", "-", ":", "?", "[", "{", ","):
                quote = char
            elif char in "[{" and (flow or before in ("", "-", ":", "?")):
                flow += 1
                if base + flow > depth:
                    return InputProblem(name, number, at + 1, "", f"nested more than {depth} levels deep")
            elif char in "]}" and flow:
                flow -= 1
        if not flow and not quote:
            tail = line.rstrip()
            indicator = _BLOCK_SCALAR_INDICATOR.search(tail[-12:]) if tail[-1:] in "|>+-0123456789" else None
            if indicator and _before(tail, len(tail) - len(indicator.group())) in ("", ":", "-"):
                block_scalar_indent = indent
    return None


# What _shallow looks for, in the bytes of the text (a newline put first).
_ALL_BUT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}\n")
_BALANCED_LINES = re.compile(rb"(?:(?:[\[{](?:[\[{][\]}])*+[\]}])*+\n)*+(?:[\[{](?:[\[{][\]}])*+[\]}])*+")
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_QUOTES_LOOKED_AT = 1000


def _shallow(text: str, depth: int) -> bool:
    """Whether ``nesting_problem``'s scan would surely count no more than ``depth``, told by
    a few passes of C over the text instead of a Python loop over its lines (fifteen times
    as fast): what a large generated spec is, a line per component or link.

    The scan counts open block levels, each at an indentation of its own, "- " entries
    opened on one line, and open brackets. It holds when no line starts with as many
    spaces as 5/8 of ``depth`` (so fewer indentation levels), none with the rest of it in
    "-" entries, and every line's brackets close on that line, two deep at most; and the
    scan sees no comment, block scalar or quoted text that could hide a bracket: no "#",
    "|" or ">" at all, and every quote mark follows a letter or digit (as in "Let's"),
    where it starts no quoted text."""
    spaces = depth * 5 // 8
    entries = depth - spaces - 2  # fewer than this many "- " entries on a line, and 2 brackets
    data = b"\n" + text.encode("utf-8", "surrogatepass")
    if (b"#" in data or b"|" in data or b">" in data or b"\n" + b" " * spaces in data
            or re.search(rb"\n *+(?:- *+){%d}" % max(entries, 0), data)):
        return False
    looked_at = 0
    for quote in b"'\"":
        at = data.find(quote)
        while at != -1:
            looked_at += 1
            if looked_at > _QUOTES_LOOKED_AT or data[at - 1] not in _WORD_BYTES:
                return False
            at = data.find(quote, at + 1)
    return _BALANCED_LINES.fullmatch(data.translate(None, _ALL_BUT_BRACKETS)) is not None


def parse_yaml(text: str, name: str) -> tuple[dict[str, Any], SourceMap]:
    """Parse YAML text into Python values and their source map; raises SpecError."""
    too_deep = nesting_problem(text, name)
    if too_deep is not None:
        raise SpecError([too_deep])
    builder = _Builder(name)
    documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    builder.report(event.start_mark, (), "a spec is one YAML document; remove the second '---'")
                    break
            elif kind not in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                builder.feed(event)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = _position(mark) if mark else (1, 1)
        what = error.problem or "the text is not valid YAML"
        if error.context:
            what = f"{what} ({error.context})"
        builder.problems.append(InputProblem(name, line, column, "", f"YAML syntax error: {what}"))
    except yaml.reader.ReaderError as error:  # a character YAML forbids: no mark, but its offset
        before = text[: error.position]
        line, column = before.count("\n") + 1, error.position - (before.rfind("\n") + 1) + 1
        builder.problems.append(InputProblem(name, line, column, "", f"the character U+{error.character:04X} is "
                                             f"not allowed in a YAML file (control characters, U+FFFE and U+FFFF are not): "
                                             f"remove it"))
    except yaml.YAMLError as error:
        builder.problems.append(InputProblem(name, 1, 1, "", f"YAML error: {error}"))

    if builder.problems:
        raise SpecError(builder.problems)
    root = builder.root
    if root is None:
        raise SpecError([InputProblem(name, 1, 1, "", "the spec is empty; it must start with 'archdoc: 1'")])
    if not isinstance(root, dict):
        line, column = builder.source.values.get((), (1, 1))
        raise SpecError([InputProblem(name, line, column, "",
                                      "the spec must be a mapping of fields ('archdoc: 1', 'title: ...', ...)")])
    builder.source.values[()] = (1, 1)
    return root, builder.source


def quick_parse(text: str, name: str) -> tuple[dict[str, Any], SourceMap] | None:
    """The values of a spec with nothing unusual in it, read in half of ``parse_yaml``'s
    time, or None: then ``parse_yaml`` reads it carefully and says what is wrong.

    The same events from libyaml, taken by one tight loop that keeps no position but those
    a valid spec's analysis names: where each component and each accepted finding stands.
    Anything the careful reader would report or treat apart (nesting past MAX_DEPTH, a tag,
    an anchor or alias, a key that is a mapping or a list, a duplicate key, a number Python
    refuses, a second document, a syntax error) gives None, and so does a spec whose
    validation finds a problem (see ``load_spec``): the careful reading places it."""
    if nesting_problem(text, name) is not None:
        return None
    loader = yaml.CSafeLoader(text)
    try:
        return _quick_values(loader.get_event, name, marked="!" in text or "&" in text)
    except (yaml.YAMLError, ValueError):  # a syntax error; a number of more than 4,300 digits
        return None
    finally:
        loader.dispose()


_ITEM: Any = object()  # stands for the key of a list's next item


def _quick_values(next_event: Any, name: str, marked: bool) -> tuple[dict[str, Any], SourceMap] | None:
    """``quick_parse``'s loop. ``marked``: the text has a "!" or a "&", so a tag or an anchor may
    stand on any value (without them, no event can have one)."""
    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    schema_starts = _SCHEMA_STARTS
    if type(next_event()) is not yaml.StreamStartEvent or type(next_event()) is not yaml.DocumentStartEvent:
        return None
    event = next_event()
    if type(event) is not mapping_start or event.tag is not None or event.anchor is not None:
        return None
    source = SourceMap(name)
    source.values[()] = (1, 1)
    keys = source.keys
    root: dict[str, Any] = {}
    # The collection being filled and the key of what comes next in it (None: a key comes
    # next; _ITEM: it is a list), and those of the collections around it.
    container: Any = root
    key: Any = None
    outer: list[tuple[Any, Any]] = []
    top_key: str | None = None  # the top-level key being read
    in_components = False  # the collection being filled is the top-level `components` mapping
    while True:
        event = next_event()
        kind = type(event)
        if kind is scalar:
            if marked and (event.tag is not None or event.anchor is not None):
                return None
            value = event.value
            if key is None:
                if value in container:
                    return None
                key = value
                if in_components:
                    mark = event.start_mark
                    keys[("components", value)] = (mark.line + 1, mark.column + 1)
                elif not outer:
                    top_key = value
                continue
            if (not value or value[0] in schema_starts) and not event.style and event.implicit[0]:
                value = resolve_plain_scalar(value)
        elif kind is mapping_end or kind is sequence_end:
            if not outer:
                break
            value = container  # done: it goes into the collection around it
            container, key = outer.pop()
            in_components = len(outer) == 1 and top_key == "components"
        elif kind is mapping_start or kind is sequence_start:
            if key is None or len(outer) + 1 >= MAX_DEPTH or (
                    marked and (event.tag is not None or event.anchor is not None)):
                return None
            if key is _ITEM and len(outer) == 1 and top_key == "accepted":
                mark = event.start_mark
                source.values[("accepted", len(container))] = (mark.line + 1, mark.column + 1)
            outer.append((container, key))
            in_components = len(outer) == 1 and top_key == "components"
            container, key = ({}, None) if kind is mapping_start else ([], _ITEM)
            continue
        else:  # an alias
            return None
        if key is _ITEM:
            container.append(value)
        else:
            container[key] = value
            key = None
    if type(next_event()) is not yaml.DocumentEndEvent or type(next_event()) is not yaml.StreamEndEvent:
        return None
    return root, source


def _position(mark: Any) -> Position:
    return (mark.line + 1, mark.column + 1)


def read_source(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[dict[str, Any], SourceMap]:
    """Read and parse one spec file (or standard input, ``-``); raises SpecError with every problem found."""
    return parse_yaml(read_text(path, max_bytes), display_name(path))


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of a spec file (or standard input, ``-``), checked for size and encoding; raises SpecError."""
    return decode_utf8(read_spec_bytes(path, max_bytes), display_name(path))


def decode_utf8(raw: bytes, name: str) -> str:
    """The text of a spec file, which must be UTF-8 (a byte-order mark is allowed)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise SpecError([InputProblem(name, line, column, "",
                                      f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file as UTF-8")]) from None
