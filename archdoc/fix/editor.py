"""The spec being fixed, edited in place with ruamel.yaml's round-trip mode.

The user's ids, order, comments and flow style stay; new parts are written as one-line
mappings next to what they serve. The editor knows YAML and the spec's shape, not the
rules: what to change is the recipes' business (``archdoc.fix.recipes``). What the
design *was* when last analysed, the recipes ask the model; the editor answers only
for what it has added since.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarint import OctalInt
from ruamel.yaml.tag import Tag

from archdoc.errors import InputProblem, SpecError
from archdoc.model.kinds import Kind
from archdoc.rules import Analysis, analyse
from archdoc.specfile import loads
from archdoc.specfile.validate import build_topology
from archdoc.specfile.yaml_source import SourceMap, parse_yaml, resolve_plain_scalar

ID_LENGTH = 63  # ids match ^[a-z0-9][a-z0-9_-]{0,62}$

_TAGS = {type(None): "tag:yaml.org,2002:null", bool: "tag:yaml.org,2002:bool",
         int: "tag:yaml.org,2002:int", float: "tag:yaml.org,2002:float"}


class _CoreSchema(VersionedResolver):
    """Plain scalars read (and written back) as archdoc's loader reads them: the YAML 1.2
    core schema, whatever ``%YAML`` directive the file carries (under 1.1, ``on`` and
    ``yes`` would be the same key, ``True``)."""

    @property
    def processing_version(self) -> Any:
        return (1, 2)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            tag = _TAGS.get(type(resolve_plain_scalar(value)))
            return Tag(suffix=tag) if tag else self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


class _TextKeys(Composer):
    """Keys are text, as the loader reads them: component ``123`` or ``null`` is the id
    '123' or 'null', not a number or None."""

    def compose_mapping_node(self, anchor: Any) -> Any:
        node = super().compose_mapping_node(anchor)
        for key, _ in node.value:
            if isinstance(key, ScalarNode):
                key.tag = Tag(suffix="tag:yaml.org,2002:str")
        return node


class _Representer(RoundTripRepresenter):
    """Octal numbers keep their ``0o`` (ruamel writes ``017`` under a ``%YAML 1.1`` directive,
    which the loader reads as seventeen)."""

    def represent_octal_int(self, data: Any) -> Any:
        digits = f"{data:0{data._width}o}" if data._width is not None else format(data, "o")
        return self.insert_underscore("0o", digits, data._underscore, anchor=data.yaml_anchor(any=True))


_Representer.add_representer(OctalInt, _Representer.represent_octal_int)


def analyse_text(text: str, name: str) -> Analysis:
    return analyse(loads(text, name))


def plain(value: Any) -> Any:
    """ruamel.yaml's values as the loader's: dicts, lists, str, int, float, bool, None."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    for kind in (bool, int, float, str):  # bool first: it is an int
        if isinstance(value, kind):
            return kind(value)
    return value


class FixError(Exception):
    """A spec that ``fix`` cannot edit or cannot write (its YAML, the size limit); the message says why."""


class FixBug(Exception):
    """The spec ``fix`` wrote is not what it meant to write: a bug in archdoc, not in the spec."""


def flow(items: Iterable[str]) -> CommentedSeq:
    """A list written on one line: [a, b]."""
    value = CommentedSeq(items)
    value.fa.set_flow_style()
    return value


class _Order:
    """An order of ids as a doubly linked list (``None`` ends it both ways): placing one is O(1)."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.following: dict[str | None, str | None] = {None: None}
        self.preceding: dict[str | None, str | None] = {None: None}
        for component_id in ids:
            self.insert_after(self.preceding[None], component_id)

    def insert_after(self, place: str | None, new: str) -> None:
        following = self.following[place]
        self.following[place], self.following[new] = new, following
        self.preceding[following], self.preceding[new] = new, place

    def insert_before(self, place: str, new: str) -> None:
        self.insert_after(self.preceding[place], new)

    def __iter__(self) -> Iterator[str]:
        component_id = self.following[None]
        while component_id is not None:
            yield component_id
            component_id = self.following[component_id]


@dataclass
class _Index:
    protecting: dict[str, list[str]] = field(default_factory=dict)  # an id -> the firewalls naming it
    hosted: dict[str, list[str]] = field(default_factory=dict)  # a server -> what runs on it

    def note(self, component_id: str, component: Any) -> None:
        if isinstance(component.get("host"), str):
            self.hosted.setdefault(component["host"], []).append(component_id)
        for protected in component.get("protects") or () if component.get("kind") == Kind.FIREWALL else ():
            if isinstance(protected, str):
                self.protecting.setdefault(protected, []).append(component_id)


@dataclass
class Draft:
    """The spec being fixed: ruamel.yaml's round-trip document and helpers to edit it."""

    data: CommentedMap
    name: str
    yaml: YAML
    done: list[str] = field(default_factory=list)
    twins: dict[str, str] = field(default_factory=dict)  # server -> the new server beside it, this fix
    origins: dict[str, str] = field(default_factory=dict)  # a copy -> what it copies
    wanted: frozenset[str] = frozenset()  # the ids of the rules whose fixes this run applies

    order: _Order | None = None  # where the components stand, once one is added
    _index: _Index | None = None
    numbers: dict[str, int] = field(default_factory=dict)  # new_id's base -> the number it last gave

    @classmethod
    def load(cls, text: str, name: str) -> Draft:
        yaml = YAML()  # round-trip
        yaml.Resolver = _CoreSchema
        yaml.Composer = _TextKeys
        yaml.Representer = _Representer
        yaml.preserve_quotes = True
        yaml.width = 4096  # a flow mapping stays on its line
        yaml.indent(mapping=2, sequence=4, offset=2)
        try:
            data = yaml.load(text)
        except YAMLError as error:  # the loader accepted it: a corner of YAML ruamel.yaml reads otherwise
            raise FixError(f"{name}: archdoc cannot edit this spec's YAML: {str(error).splitlines()[0]}") from None
        return cls(data, name, yaml)

    def text(self) -> str:
        if "links" in self.data and not self.data["links"]:  # every link gone: ruamel.yaml would write
            self.data["links"] = CommentedSeq()  # the old list's comment, then `[]` on a line of its own
        if self.order is not None:
            for component_id in self.order:
                self.components.move_to_end(component_id)
        buffer = io.StringIO()
        self.yaml.dump(self.data, buffer)
        return buffer.getvalue()

    def values(self) -> dict[str, Any]:
        """The draft as the loader would read it once written."""
        values: dict[str, Any] = plain(self.data)
        return values

    def analyse(self) -> Analysis:
        """The draft analysed as it stands, without writing it out (for a large spec, writing
        takes far longer than the analysis); raises SpecError, positions unknown."""
        return analyse(build_topology(self.values(), SourceMap(f"the draft of {self.name}")))

    def written(self, max_bytes: int) -> tuple[str, Analysis]:
        """The draft's text and its analysis, read back as ``archdoc check`` reads it.

        Raises FixError when it is over ``max_bytes``, FixBug when the text is not the
        draft or not a valid spec: either is archdoc's mistake, reported under the draft's
        name, never at a line of the user's file.
        """
        text = self.text()
        size = len(text.encode("utf-8"))
        if size > max_bytes:
            raise FixError(f"{self.name}: the fixed spec would be {size:,} bytes, over the limit of {max_bytes:,} "
                           "a spec may have (--max-bytes); nothing was written. Fix fewer rules at once (--only).")
        name = f"the fixed spec of {self.name}"
        try:
            raw, source = parse_yaml(text, name)
            if raw != self.values():
                raise FixBug(f"{name} does not read back as the draft it was written from")
            return text, analyse(build_topology(raw, source))
        except SpecError as error:
            raise FixBug(draft_problems(error.problems)) from None

    # --- components -------------------------------------------------------------------
    @property
    def components(self) -> CommentedMap:
        components: CommentedMap = self.data["components"]
        return components

    @property
    def links(self) -> CommentedSeq:
        if not self.data.get("links"):
            self.data["links"] = CommentedSeq()
        links: CommentedSeq = self.data["links"]
        return links

    def new_id(self, base: str) -> str:
        """``base`` when it is free, else the next free number: web-01 -> web-02 (padding
        kept), nginx -> nginx-2; the stem is shortened so that the id fits in 63 characters."""
        base = base[:ID_LENGTH]
        if base not in self.components:
            return base
        match = re.fullmatch(r"(.*?)(\d+)", base)
        stem, number, width = (match.group(1), int(match.group(2)), len(match.group(2))) if match else (base + "-", 1, 1)
        number = max(number, self.numbers.get(base, 0))  # up to there, taken when last asked
        while True:
            number += 1
            digits = f"{number:0{width}d}"
            candidate = stem[:ID_LENGTH - len(digits)] + digits
            if candidate not in self.components:
                self.numbers[base] = number
                return candidate

    def add(self, new_id: str, fields: dict[str, Any], after: str | None = None, before: str | None = None) -> str:
        """Add a component (as a one-line mapping) after ``after`` and the components
        listed right after it that it hosts, or just before ``before``, or last.

        The mapping gets it at its end at once; its place is kept in ``order`` and the
        mapping put in that order when written (inserting into ruamel.yaml's mapping
        rewrites it: quadratic over a thousand new components)."""
        # A kind goes into the YAML as its plain text: ruamel cannot write an enum.
        value = CommentedMap({k: v.value if isinstance(v, Kind) else v for k, v in fields.items()})
        value.fa.set_flow_style()
        if self.order is None:
            self.order = _Order(self.components)
        if before is not None:
            self.order.insert_before(before, new_id)
        elif after is not None:  # after it and the components listed right after it that it hosts
            place = after
            while (following := self.order.following[place]) is not None and \
                    self.components[following].get("host") == after:
                place = following
            self.order.insert_after(place, new_id)
        else:
            self.order.insert_after(self.order.preceding[None], new_id)
        self.components[new_id] = value
        if self._index is not None:
            self._index.note(new_id, value)
        return new_id

    def copy_of(self, component_id: str, **changes: Any) -> dict[str, Any]:
        """Its fields but the label, with ``changes``; lists copied, never shared (ruamel.yaml
        would write a shared one as an anchor and an alias, which the loader refuses)."""
        fields = {k: flow(v) if isinstance(v, list) else copy.deepcopy(v)
                  for k, v in self.components[component_id].items() if k != "label"}
        fields.update(changes)
        return {k: v for k, v in fields.items() if v is not None}

    def twin_server(self, server: str) -> str:
        """A new server beside this one, behind the same firewalls and watched like it."""
        if server in self.twins:
            return self.twins[server]
        twin = self.new_id(server)
        fields = {"kind": Kind.SERVER, **({"public": True} if self.components[server].get("public") else {})}
        self.add(twin, fields, after=server)
        self.twins[server] = twin
        self.inherit(twin, server)
        return twin

    def inherit(self, new_server: str, like: str, certificates: bool = True) -> None:
        """Make a new server protected and watched as ``like`` is: the same firewalls, a
        copy of each firewall, agent (and certificate) running on it."""
        self.origins[new_server] = like
        kinds = (Kind.FIREWALL, Kind.MONITORING, Kind.CERTIFICATE) if certificates else (Kind.FIREWALL, Kind.MONITORING)
        index = self.index
        for component_id in list(dict.fromkeys(index.protecting.get(like, []) + index.hosted.get(like, []))):
            component = self.components[component_id]
            if component.get("kind") == Kind.FIREWALL and like in (component.get("protects") or ()):
                component["protects"].append(new_server)
                index.protecting.setdefault(new_server, []).append(component_id)
            elif component.get("host") == like and component.get("kind") in kinds:
                copy = self.add(self.new_id(component_id), self.copy_of(component_id, host=new_server), after=new_server)
                self.origins[copy] = component_id

    @property
    def index(self) -> _Index:
        """Who protects and who runs on each server, for ``inherit`` (kept as components are
        added; checked against the fields when used, since a fix may move a component)."""
        if self._index is None:
            self._index = _Index()
            for component_id, component in self.components.items():
                self._index.note(component_id, component)
        return self._index

    def twin(self, component_id: str, **changes: Any) -> str:
        """A copy of a component on a twin of its server (or hostless, as it is)."""
        host = self.components[component_id].get("host")
        new_host = self.twin_server(host) if host else None
        new_id = self.new_id(component_id)
        self.add(new_id, self.copy_of(component_id, host=new_host, **changes), after=new_host or component_id)
        self.origins[new_id] = component_id
        if not host:  # a unit of its own: behind the same firewalls, watched by the same agents
            for component in self.components.values():
                for watched in ("protects", "for"):
                    ids = component.get(watched)
                    if isinstance(ids, list) and component_id in ids:
                        ids.append(new_id)
        return new_id

    # --- links ------------------------------------------------------------------------
    @staticmethod
    def ends(link: CommentedMap, end: str) -> list[str]:
        value = link[end]
        return list(value) if isinstance(value, list) else [value]

    @staticmethod
    def set_ends(link: CommentedMap, end: str, ids: list[str]) -> None:
        ids = list(dict.fromkeys(ids))
        if len(ids) == 1:
            link[end] = ids[0]
        else:
            value = CommentedSeq(ids)
            value.fa.set_flow_style()
            link[end] = value

    def alongside(self, existing: str, new: str, ends: tuple[str, ...] = ("from", "to")) -> None:
        """Wherever a link starts (or ends) at ``existing``, it does at ``new`` too."""
        for link in self.links:
            for end in ends:
                ids = self.ends(link, end)
                if existing in ids:
                    self.set_ends(link, end, ids[:ids.index(existing) + 1] + [new] + ids[ids.index(existing) + 1:])

    def redirect(self, old: str, new: str, end: str = "to") -> None:
        """Links (at one end) and DNS records that named ``old`` name ``new``."""
        for link in self.links:
            ids = self.ends(link, end)
            if old in ids:
                self.set_ends(link, end, [new if i == old else i for i in ids])
        self.point_dns({old}, new)

    def point_dns(self, olds: Collection[str], new: str) -> None:
        for record in self.data.get("dns") or ():
            if record.get("to") in olds:
                record["to"] = new

    def drop_repeated_links(self) -> None:
        """A (from, to) pair given twice is an input error: once fixes have pointed two links
        at the same place (clients linked to each web server, now all to one load balancer),
        the later link loses the ends that repeat, or goes when nothing new is left of it."""
        seen: set[tuple[str, str]] = set()
        repeated = []
        for index, link in enumerate(self.links):
            sources, targets = self.ends(link, "from"), self.ends(link, "to")
            new_targets = [t for t in targets if any((s, t) not in seen for s in sources)]
            new_sources = [s for s in sources if any((s, t) not in seen for t in new_targets)]
            if not new_targets or not new_sources:
                repeated.append(index)
                continue
            if new_targets != targets:
                self.set_ends(link, "to", new_targets)
            if new_sources != sources:
                self.set_ends(link, "from", new_sources)
            seen.update((s, t) for s in new_sources for t in new_targets)
        for index in reversed(repeated):
            del self.links[index]

    def add_link(self, fields: dict[str, Any]) -> None:
        link = CommentedMap(fields)
        link.fa.set_flow_style()
        self.links.append(link)


def draft_problems(problems: Collection[InputProblem], at_lines: bool = True, most: int = 3) -> str:
    """The first problems of a spec archdoc wrote, at lines of that text (the user's file has
    other lines), or by field only for a draft never written out."""
    shown = [str(p) if at_lines else f"{p.field}: {p.message}" if p.field else p.message for p in list(problems)[:most]]
    more = f"; and {len(problems) - most} more" if len(problems) > most else ""
    return "; ".join(shown) + more
