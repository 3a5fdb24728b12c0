"""The spec being fixed, edited in place with ruamel.yaml's round-trip mode.

The user's ids, order, comments and flow style stay; new parts are written as one-line
mappings next to what they serve. The editor knows YAML and the spec's shape, not the
rules: what to change is the recipes' business (``archdoc.fix.recipes``). What the
design *was* when last analysed, the recipes ask the model; the editor answers only
for what it has added since.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from archdoc.model.kinds import Kind
from archdoc.rules import Analysis, analyse
from archdoc.specfile import loads


def analyse_text(text: str, name: str) -> Analysis:
    return analyse(loads(text, name))


def flow(items: Iterable[str]) -> CommentedSeq:
    """A list written on one line: [a, b]."""
    value = CommentedSeq(items)
    value.fa.set_flow_style()
    return value


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

    @classmethod
    def load(cls, text: str, name: str) -> Draft:
        yaml = YAML()  # round-trip
        yaml.preserve_quotes = True
        yaml.width = 4096  # a flow mapping stays on its line
        yaml.indent(mapping=2, sequence=4, offset=2)
        return cls(yaml.load(text), name, yaml)

    def text(self) -> str:
        buffer = io.StringIO()
        self.yaml.dump(self.data, buffer)
        return buffer.getvalue()

    def analyse(self) -> Analysis:
        return analyse_text(self.text(), self.name)

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
        kept), nginx -> nginx-2."""
        if base not in self.components:
            return base
        match = re.fullmatch(r"(.*?)(\d+)", base)
        stem, number, width = (match.group(1), int(match.group(2)), len(match.group(2))) if match else (base + "-", 1, 1)
        while True:
            number += 1
            candidate = f"{stem}{number:0{width}d}"
            if candidate not in self.components:
                return candidate

    def add(self, new_id: str, fields: dict[str, Any], after: str | None = None, before: str | None = None) -> str:
        """Add a component (as a one-line mapping) after ``after`` and the components
        listed right after it that it hosts, or just before ``before``, or last."""
        # A kind goes into the YAML as its plain text: ruamel cannot write an enum.
        value = CommentedMap({k: v.value if isinstance(v, Kind) else v for k, v in fields.items()})
        value.fa.set_flow_style()
        keys = list(self.components)
        if before is not None:
            position = keys.index(before)
        elif after is not None:  # after it and the components listed right after it that it hosts
            position = keys.index(after) + 1
            while position < len(keys) and self.components[keys[position]].get("host") == after:
                position += 1
        else:
            position = len(keys)
        self.components.insert(position, new_id, value)
        return new_id

    def copy_of(self, component_id: str, **changes: Any) -> dict[str, Any]:
        fields = {k: v for k, v in self.components[component_id].items() if k != "label"}
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
        for component_id, component in list(self.components.items()):
            if component.get("kind") == Kind.FIREWALL and like in (component.get("protects") or ()):
                component["protects"].append(new_server)
            elif component.get("host") == like and component.get("kind") in kinds:
                copy = self.add(self.new_id(component_id), self.copy_of(component_id, host=new_server), after=new_server)
                self.origins[copy] = component_id

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

    def add_link(self, fields: dict[str, Any]) -> None:
        link = CommentedMap(fields)
        link.fa.set_flow_style()
        self.links.append(link)
