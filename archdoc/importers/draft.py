"""The spec an import is building: its components, links, notes and TODOs, and its text.

Every importer adds what its file says to one ``Draft``; the draft keeps where each part
came from (``compose.yaml:12``) and writes the spec as YAML text in a fixed layout, one
flow mapping a line (like the specs in specs/), each line ending with a comment naming
its source. What the files do not say is a TODO: a comment in the spec and a line on
standard error, never a silent guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from archdoc.importers.roles import Role, role_of_software
from archdoc.model.kinds import Kind

CLIENT_ID = "user"
_ID_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Source:
    """Where a fact came from: a file as the command line named it, and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Part:
    """One component of the spec being built; ``fields`` are written in their order."""

    id: str
    kind: Kind
    fields: dict[str, Any]
    source: Source | None
    notes: list[str] = field(default_factory=list)  # said after the source, in the same comment


@dataclass
class Link:
    start: str
    end: str
    protocol: str
    source: Source
    port: int | None = None
    tls: bool = False
    backup: bool = False
    note: str = ""
    # Inferred (depends_on, an environment variable): a link read from a proxy's own
    # configuration says more, and replaces it.
    inferred: bool = False

    @property
    def encrypted(self) -> bool:
        return self.tls or self.protocol in ("https", "tls")


@dataclass(frozen=True)
class Todo:
    source: Source | None
    text: str
    about: str | None = None  # the component id it is written above; None: the spec's head

    def __str__(self) -> str:
        return f"{self.source}: TODO: {self.text}" if self.source else f"TODO: {self.text}"


def yaml_scalar(value: Any) -> str:
    """One value as YAML writes it, quoted where it needs to be (a real emitter, not hand escaping)."""
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    text = str(yaml.safe_dump(value, default_flow_style=True, width=1 << 30, allow_unicode=True))
    return text.removesuffix("\n").removesuffix("\n...").strip()


def comment_text(text: str) -> str:
    """Text fit for a one-line YAML comment (a file name may hold anything)."""
    return _CONTROL.sub("?", text)


class Draft:
    """The spec under construction; importers call ``add``, ``link``, ``todo`` and ``note``."""

    def __init__(self) -> None:
        self.parts: dict[str, Part] = {}
        self.links: list[Link] = []
        self.todos: list[Todo] = []
        self.notes: list[str] = []  # comments at the head of the spec
        self.warnings: list[str] = []  # standard error only
        self.files: list[str] = []
        self.addresses: dict[str, str] = {}  # a host name (a service, a server) -> the id that answers at it
        self.mounts: dict[Path, list[str]] = {}  # a configuration file containers mount -> their ids

    # --- ids -------------------------------------------------------------------------
    def new_id(self, name: str, fallback: str = "part") -> str:
        """A fresh valid id made from a service or server name: lower-cased, other characters
        as '-', at most 63 characters, a number added when it is taken."""
        base = _ID_UNSAFE.sub("-", name.lower()).strip("-_")[:55] or fallback
        if not base[0].isalnum():
            base = f"{fallback}-{base}"[:55]
        candidate, number = base, 2
        while candidate in self.parts or candidate == CLIENT_ID:
            candidate, number = f"{base}-{number}", number + 1
        return candidate

    # --- parts -----------------------------------------------------------------------
    def add(self, name: str, kind: Kind, source: Source | None, **fields: Any) -> Part:
        part = Part(self.new_id(name, kind.value.replace("_", "-")), kind,
                    {k.rstrip("_"): v for k, v in fields.items() if v is not None}, source)
        self.parts[part.id] = part
        return part

    def client(self) -> str:
        """The users' browsers, added the first time a link starts from them."""
        if CLIENT_ID not in self.parts:
            self.parts[CLIENT_ID] = Part(CLIENT_ID, Kind.CLIENT, {"label": "Users"}, None)
        return CLIENT_ID

    def cluster(self, name: str, members: list[str], source: Source | None, mode: str = "active_active") -> str:
        """The address members answer at: a cluster of two or more, or the one member itself."""
        if len(members) == 1:
            return members[0]
        return self.add(name, Kind.CLUSTER, source, members=members, mode=mode).id

    def role(self, part_id: str) -> Role:
        """What a component is, from its software (a cluster: its first member's)."""
        part = self.parts[part_id]
        if part.kind == Kind.CLUSTER:
            return self.role(part.fields["members"][0])
        found = role_of_software(str(part.fields.get("software", "")))
        return found if found and found.kind == part.kind else Role(part.kind, None, None, "http")

    # --- links -----------------------------------------------------------------------
    def link(self, start: str, end: str, protocol: str, source: Source, **options: Any) -> None:
        """A link, once per (from, to) pair: a link read from a configuration replaces an
        inferred one; otherwise the first one given stays."""
        if start == end or Kind.CERTIFICATE in (self.parts[start].kind, self.parts[end].kind):
            return
        new = Link(start, end, protocol, source, **options)
        for index, old in enumerate(self.links):
            if (old.start, old.end) == (start, end):
                if old.inferred and not new.inferred:
                    self.links[index] = new
                elif not new.inferred and new.port != old.port:
                    # A spec gives a pair once: the encrypted port is the link, the other is said.
                    kept, other = (new, old) if new.encrypted and not old.encrypted else (old, new)
                    kept.note = "; ".join(filter(None, [kept.note, f"also port {other.port} ({other.protocol}"
                                                        f"{', ' + other.note if other.note else ''}) at {other.source}"]))
                    self.links[index] = kept
                return
        self.links.append(new)

    # --- what the files do not say ---------------------------------------------------
    def todo(self, source: Source | None, text: str, about: str | None = None) -> None:
        self.todos.append(Todo(source, text, about))

    def warn(self, source: Source | None, text: str) -> None:
        self.warnings.append(f"{source}: warning: {text}" if source else f"warning: {text}")

    def finish(self) -> None:
        """What no input said, once every input is read: a load balancer's algorithm."""
        for part in self.parts.values():
            if part.kind == Kind.LOAD_BALANCER and "algorithm" not in part.fields:
                part.fields["algorithm"] = "round_robin"
                self.todo(part.source, f"the algorithm of {part.id} is not said (no configuration of it was "
                          f"given): written as round_robin", about=part.id)

    # --- the text --------------------------------------------------------------------
    def text(self) -> str:
        """The spec as YAML: a valid archdoc spec whatever the inputs were."""
        lines = ["archdoc: 1", f"title: {yaml_scalar('Imported from ' + ', '.join(self.files))}"]
        lines += [f"# {comment_text(note)}" for note in self.notes]
        lines += [f"# {comment_text(str(todo))}" for todo in self.todos if todo.about is None]
        lines.append("components:")
        width = max((len(i) for i in self.parts), default=0) + 1
        for part in self._ordered_parts():
            lines += [f"  # {comment_text(str(todo))}" for todo in self.todos if todo.about == part.id]
            body = ", ".join(f"{key}: {yaml_scalar(value)}" for key, value in
                             {"kind": part.kind.value, **part.fields}.items())
            said = [str(part.source)] if part.source else []
            lines.append(_with_comment(f"  {part.id + ':':<{width}} {{{body}}}", said + part.notes))
        lines.append("links:" if self.links else "links: []")
        for link in self.links:
            lines.append(_with_comment(f"  - {{{_link_body(link)}}}", [str(link.source)] + ([link.note] if link.note else [])))
        return "\n".join(lines) + "\n"

    def _ordered_parts(self) -> list[Part]:
        """The clients first, then the machines, then the rest as the files gave them."""
        rank = {Kind.CLIENT: 0, Kind.SERVER: 1}
        return sorted(self.parts.values(), key=lambda p: rank.get(p.kind, 2))


def _link_body(link: Link) -> str:
    fields: dict[str, Any] = {"from": link.start, "to": link.end, "protocol": link.protocol}
    if link.port is not None:
        fields["port"] = link.port
    if link.tls and link.protocol not in ("https", "tls"):
        fields["tls"] = True
    if link.backup:
        fields["backup"] = True
    return ", ".join(f"{key}: {yaml_scalar(value)}" for key, value in fields.items())


def _with_comment(line: str, said: list[str]) -> str:
    return f"{line}  # {comment_text(', '.join(said))}" if said else line
