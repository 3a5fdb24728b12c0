"""Validate a parsed spec and build its topology, reporting every problem at once.

Validation goes part by part: the header, then each component, then each link, then
the ids they name. A component that fails its own checks still counts as existing (with
its kind, when that is readable), so one typo does not cascade into "unknown id" errors.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from pydantic import TypeAdapter, ValidationError

from archdoc.errors import MAX_PROBLEMS, InputProblem, NotASpec, SpecError
from archdoc.model.components import (
    ID_PATTERN,
    KINDS,
    MODEL_BY_KIND,
    Certificate,
    Cluster,
    Component,
    Database,
    Firewall,
    Monitoring,
)
from archdoc.model.kinds import Kind
from archdoc.model.software import software
from archdoc.model.topology import ENCRYPTED_PROTOCOLS, Accepted, DnsRecord, Link, Topology
from archdoc.specfile.document import DnsEntry, Header, LinkEntry
from archdoc.specfile.messages import ID_RULE, did_you_mean, problems_from
from archdoc.specfile.messages import quoted as q
from archdoc.specfile.yaml_source import FieldPath, SourceMap
from archdoc.wording import article, verb

_COMPONENT = TypeAdapter(Component)
_COMPONENTS = TypeAdapter(dict[str, Component])
_LINKS = TypeAdapter(list[LinkEntry])
NAMED_OTHERS = 5  # components a message names in a list of them (a shared label, a cycle); past that, "N more"
HINTS = MAX_PROBLEMS  # did-you-mean searches per spec: no more problems than these are shown
MAX_LINKS = 300_000  # (from, to) pairs once lists are expanded: 500 web servers each to 500 application servers make 250,000
_ID = re.compile(ID_PATTERN)

# The components whose only reference can be their host.
_REFERRING_NOTHING_ELSE = frozenset(MODEL_BY_KIND[kind] for kind in (
    Kind.CLIENT, Kind.SERVER, Kind.LOAD_BALANCER, Kind.WEB_SERVER, Kind.APP_SERVER, Kind.APP_FILES, Kind.CACHE))

# Kinds a field may name. None: any kind.
DNS_TARGET_KINDS = (Kind.SERVER, Kind.LOAD_BALANCER, Kind.CLUSTER)


class _Checker:
    """Collects the problems of one spec and builds its topology when there are none."""

    def __init__(self, raw: dict[str, Any], source: SourceMap) -> None:
        self.raw = raw
        self.source = source
        self.problems: list[InputProblem] = []
        self.components: dict[str, Component] = {}
        self.kinds: dict[str, Kind | None] = {}  # every id the spec defines -> its kind (None if unreadable)
        self.hints_left = HINTS
        self.targets: dict[str, tuple[bool, str]] = {}  # see target_facts
        self.warnings: list[InputProblem] = []

    def hint(self, unknown: str) -> str:
        """' (did you mean ...?)' for the first HINTS unknown ids only: each search goes
        over every id, and a spec with thousands of unknown ids would take minutes."""
        self.hints_left -= 1
        return did_you_mean(unknown, self.kinds) if self.hints_left >= 0 else ""

    def problem(self, path: FieldPath, message: str, prefer_key: bool = False) -> None:
        self.problems.append(self.source.problem(path, message, prefer_key))

    def warn(self, path: FieldPath, message: str, prefer_key: bool = False) -> None:
        """What is legal but likely a mistake: said where it stands, and the spec still rendered."""
        line, column = self.source.position(path, prefer_key)
        self.warnings.append(InputProblem(self.source.file, line, column, "", f"warning: {message}"))

    # --- parts ----------------------------------------------------------------------
    def header(self) -> Header | None:
        try:
            return Header.model_validate(self.raw)
        except ValidationError as error:
            self.problems += problems_from(error, self.source, (), self.raw, Header)
            return None

    def component_parts(self, raw_components: Any) -> None:
        if not isinstance(raw_components, dict):
            return
        if all(map(_ID.match, raw_components)):
            try:  # all at once: one call into pydantic's core, not one per component
                self.components = _COMPONENTS.validate_python(raw_components)
            except ValidationError:
                pass  # one by one below, to say which and where
            else:
                self.kinds = {component_id: c.kind for component_id, c in self.components.items()}
                return
        for component_id, body in raw_components.items():
            path: FieldPath = ("components", component_id)
            kind = body.get("kind") if isinstance(body, dict) else None
            kind = kind if isinstance(kind, str) else None  # `kind: []` is pydantic's to report
            self.kinds[component_id] = Kind(kind) if kind in KINDS else None
            if not _ID.match(component_id):
                self.problem(path, f"{q(component_id)} is not a valid id: {ID_RULE}", prefer_key=True)
            try:
                self.components[component_id] = _COMPONENT.validate_python(body)
            except ValidationError as error:
                model = MODEL_BY_KIND[Kind(kind)] if kind in KINDS else None
                self.problems += problems_from(error, self.source, path, body, model, KINDS)

    def link_parts(self, raw_links: Any) -> list[tuple[int, LinkEntry]]:
        if isinstance(raw_links, list):
            try:  # all at once, as the components
                return list(enumerate(_LINKS.validate_python(raw_links)))
            except ValidationError:
                pass
        entries = []
        for index, body in enumerate(raw_links if isinstance(raw_links, list) else []):
            try:
                entries.append((index, LinkEntry.model_validate(body)))
            except ValidationError as error:
                self.problems += problems_from(error, self.source, ("links", index), body, LinkEntry)
        return entries

    # --- references -----------------------------------------------------------------
    def refer(self, path: FieldPath, ref: str, kinds: tuple[Kind, ...] | None, what: str) -> bool:
        """Check that ``ref`` names a component of one of ``kinds``; True when it does."""
        if ref not in self.kinds:
            self.problem(path, f"unknown id {q(ref)}{self.hint(ref)}")
            return False
        kind = self.kinds[ref]
        if kinds is not None and kind and kind not in kinds:
            self.problem(path, f"{q(ref)} is {article(kind)}, but {what}")
            return False
        return True

    def references(self) -> None:
        kinds = self.kinds
        for component_id, component in self.components.items():
            path: FieldPath = ("components", component_id)
            host = component.__dict__.get("host")  # pydantic answers slowly for a field a model lacks
            if host is not None and kinds.get(host) != Kind.SERVER:
                self.refer(path + ("host",), host, (Kind.SERVER,), "a host must be a server")
            if type(component) in _REFERRING_NOTHING_ELSE:
                continue
            if isinstance(component, Database):
                self.database(path, component)
            elif isinstance(component, Firewall):
                for i, ref in self.once_each(component_id, "protects", component.protects):
                    self.hostless(path + ("protects", i), ref, "a firewall protects",
                                  "protect the server it runs on")
            elif isinstance(component, Monitoring):
                for i, ref in self.once_each(component_id, "for_", component.for_):
                    at = path + ("for", i)
                    if self.kinds.get(ref) == Kind.SERVER:
                        self.problem(at, f"{q(ref)} is a server: an agent watches a server by running "
                                     f"on it; write host: {ref}")
                    else:
                        self.hostless(at, ref, "an agent watches", "give the agent that host")
            elif isinstance(component, Certificate) and component.for_ is not None:
                self.refer(path + ("for",), component.for_, None, "")
            elif isinstance(component, Cluster):
                self.cluster(path, component)
        self.replica_cycles()

    def hostless(self, path: FieldPath, ref: str, verb: str, fix: str) -> None:
        if not self.refer(path, ref, None, ""):
            return
        component = self.components.get(ref)
        host = component.__dict__.get("host") if component is not None else None  # as in references
        if host is not None:
            self.problem(path, f"{q(ref)} runs on server {q(host)}; {verb} a server, or a component "
                         f"with no host: {fix} ({q(host)})")

    def database(self, path: FieldPath, db: Database) -> None:
        if db.role == "replica" and db.replica_of is None:
            self.problem(path, "a replica needs 'replica_of': the database it copies")
        if db.role == "primary" and db.replica_of is not None:
            self.problem(path + ("replica_of",), "only a replica copies another database; add 'role: replica'")
        if db.replica_of is not None:
            self.refer(path + ("replica_of",), db.replica_of, (Kind.DATABASE,), "replica_of must name a database")

    def listed_once(self, path: FieldPath, refs: list[str]) -> Iterator[tuple[int, str]]:
        """Each place and id of a list of ids, but for a repeat, which is a problem said
        here (found with a set, not list.index(): a cluster of 30,000 took minutes)."""
        listed: set[str] = set()
        for i, ref in enumerate(refs):
            if ref in listed:
                self.problem(path + (i,), f"{q(ref)} is listed twice")
                continue
            listed.add(ref)
            yield i, ref

    def once_each(self, component_id: str, field: str, refs: list[str]) -> list[tuple[int, str]]:
        """Each place and id of a firewall's ``protects`` or an agent's ``for``; a repeat is
        warned of and dropped from the component (the report said "protects s1, s2 and s1")."""
        kept: dict[str, int] = {}
        for i, ref in enumerate(refs):
            if ref in kept:
                name = "for" if field == "for_" else field
                self.warn(("components", component_id, name, i), f"{q(ref)} is listed twice in {component_id}'s "
                                                                 f"{name}; list it once")
            else:
                kept[ref] = i
        if len(kept) < len(refs):
            self.components[component_id] = self.components[component_id].model_copy(update={field: list(kept)})
        return [(i, ref) for ref, i in kept.items()]

    def cluster(self, path: FieldPath, cluster: Cluster) -> None:
        kinds: set[Kind] = set()
        for i, member in self.listed_once(path + ("members",), cluster.members):
            if not self.refer(path + ("members", i), member, None, ""):
                continue
            kind = self.kinds[member]
            if kind is None:  # unreadable: its own problem says why
                continue
            kinds.add(kind)
            if kind in (Kind.CLUSTER, Kind.CLIENT, Kind.CERTIFICATE):
                self.problem(path + ("members", i), f"{q(member)} is {article(kind)}, which cannot be a cluster member")
        if len(kinds) > 1:
            self.problem(path + ("members",), f"cluster members must be of one kind, not {', '.join(sorted(kinds))}")

    def replica_cycles(self) -> None:
        parent = {i: c.replica_of for i, c in self.components.items()
                  if isinstance(c, Database) and c.replica_of in self.components}
        reported: set[str] = set()
        walked: set[str] = set()  # what an earlier walk went through: its cycle, if any, is reported
        for start in parent:
            chain: dict[str, int] = {}  # each database of this walk -> its place in it
            current = start
            while current in parent and current not in chain and current not in walked:
                chain[current] = len(chain)
                current = parent[current]
            walked.update(chain)
            if current in chain and current not in reported:  # (each walk once: a chain of 8,000 took minutes)
                cycle = list(chain)[chain[current]:]
                reported.update(cycle)
                shown = cycle if len(cycle) <= NAMED_OTHERS + 1 else \
                    cycle[:NAMED_OTHERS] + [f"... {len(cycle) - NAMED_OTHERS - 1:,} more", cycle[-1]]
                self.problem(("components", current, "replica_of"),
                             "replica_of goes round in a cycle (" + " -> ".join(shown + [current]) +
                             "); one of them must be the primary")

    def dns(self, header: Header) -> list[DnsRecord]:
        records = []
        for i, entry in enumerate(header.dns):
            path: FieldPath = ("dns", i, "to")
            component = self.dns_target(path, entry)
            records.append(DnsRecord(entry.name, entry.type, entry.to, component))
        return records

    def dns_target(self, path: FieldPath, entry: DnsEntry) -> str | None:
        target = entry.to
        if target in self.kinds:
            self.refer(path, target, DNS_TARGET_KINDS, "a DNS record points at a server, a load balancer or a cluster")
            return target
        try:
            address = ipaddress.ip_address(target)
        except ValueError:
            address = None
        if entry.type == "CNAME" and address is not None:
            self.problem(path, f"a CNAME names another host name and can never point at an IP address "
                         f"({target}); use an A record (AAAA for IPv6)")
        elif entry.type == "A" and not isinstance(address, ipaddress.IPv4Address):
            hint = self.hint(target)
            self.problem(path, f"an A record points at an IPv4 address or a component id, not {target!r}{hint}")
        elif entry.type == "AAAA" and not isinstance(address, ipaddress.IPv6Address):
            self.problem(path, f"an AAAA record points at an IPv6 address or a component id, not {target!r}")
        elif address is None and "." not in target and _ID.match(target):
            self.problem(path, f"unknown id {q(target)}{self.hint(target)}")
        return None

    def links(self, entries: list[tuple[int, LinkEntry]]) -> list[Link]:
        links: list[Link] = []
        first_seen: dict[tuple[str, str], int] = {}
        expanded = 0
        linkable = {ref for ref, kind in self.kinds.items() if kind != Kind.CERTIFICATE}
        for index, entry in entries:
            path: FieldPath = ("links", index)
            expanded += len(entry.from_) * len(entry.to)
            if expanded > MAX_LINKS:  # before any pair is made: 1,000 x 1,000 would be a million
                self.problem(path, f"the links make more than {MAX_LINKS:,} (from, to) pairs once their lists are "
                                   f"expanded; this entry alone makes {len(entry.from_) * len(entry.to):,}")
                break
            ends = {"from": entry.from_, "to": entry.to}
            if not (linkable.issuperset(entry.from_) and linkable.issuperset(entry.to)):  # each end said apart
                for end, ids in (("from", entry.from_), ("to", entry.to)):
                    ends[end] = [ref for j, ref in enumerate(ids) if self.link_end(path + (end, j), ref)]
            for source in ends["from"]:
                for target in ends["to"]:
                    pair = (source, target)
                    if source == target:
                        self.problem(path, f"a link from {q(source)} to itself")
                    elif pair in first_seen:
                        self.problem(path, f"the link from {q(source)} to {q(target)} is already given in "
                                     f"links[{first_seen[pair]}]; give each pair once")
                    else:
                        first_seen[pair] = index
                        links.append(self.link(index, entry, source, target))
        return links

    def link_end(self, path: FieldPath, ref: str) -> bool:
        if not self.refer(path, ref, None, ""):
            return False
        if self.kinds[ref] == Kind.CERTIFICATE:
            self.problem(path, f"{q(ref)} is a certificate; link to the component that holds it")
            return False
        return True

    def link(self, index: int, entry: LinkEntry, source: str, target: str) -> Link:
        into_database, spoken = self.target_facts(target)
        if entry.access is not None and not into_database:
            self.problem(("links", index, "access"), f"access applies to links into a database, and "
                         f"{q(target)} is {article(self.kinds[target] or 'component')}")
        protocol = entry.protocol or spoken
        access = (entry.access or "readwrite") if into_database else None
        # source, target, protocol, port, access, backup, encrypted, label, entry
        return Link(source, target, protocol, entry.port, access, entry.backup,
                    entry.tls or protocol in ENCRYPTED_PROTOCOLS, entry.label, index)

    def accepted(self, header: Header) -> list[Accepted]:
        """The accepted findings; whether the rule exists and a finding matches is the
        analysis's to say (a warning, not an error: the design may have been fixed)."""
        entries = []
        for i, entry in enumerate(header.accepted):
            path: FieldPath = ("accepted", i)
            self.refer(path + ("component",), entry.component, None, "")
            until = None
            if entry.until is not None:
                try:
                    until = date.fromisoformat(entry.until)
                except ValueError:
                    self.problem(path + ("until",), f"{q(entry.until)} is not a day of the calendar (YYYY-MM-DD)")
            entries.append(Accepted(entry.rule, entry.component, entry.reason, until, self.source.position(path)))
        return entries

    def target_facts(self, target: str) -> tuple[bool, str]:
        """Whether a link's target is a database, and the protocol it speaks: asked once
        per target, however many links lead to it."""
        facts = self.targets.get(target)
        if facts is None:
            facts = self.targets[target] = (self.is_database(target), self.protocol_of(target))
        return facts

    def protocol_of(self, target: str) -> str:
        """A link's protocol when the spec leaves it out: what the target speaks. A database or
        a cache speaks its software's protocol (tcp when it names none), anything else http.
        A cluster speaks as its members do."""
        component = self.components.get(target)
        if isinstance(component, Cluster):
            component = self.components.get(component.members[0])
        if component is None or component.kind not in (Kind.DATABASE, Kind.CACHE):
            return "http"
        entry = software(component.software)
        return entry.protocol if entry and entry.protocol else "tcp"

    def shared_labels(self) -> None:
        """Two or more components showing one label: legal, but the diagram and the text
        cannot tell them apart by it (a warning)."""
        if not self.labels_shared():
            return
        by_label: dict[str, list[str]] = {}
        for component_id, component in self.components.items():
            by_label.setdefault((component.label or component_id).casefold(), []).append(component_id)
        for ids in by_label.values():
            if len(ids) < 2:
                continue
            label = self.components[ids[0]].label or ids[0]
            for component_id in ids:
                others = ", ".join([i for i in ids[:NAMED_OTHERS + 1] if i != component_id][:NAMED_OTHERS])
                if len(ids) - 1 > NAMED_OTHERS:  # each warning naming all others: 8,000 alike took 11 s
                    others += f" and {len(ids) - 1 - NAMED_OTHERS:,} more"
                path: FieldPath = ("components", component_id)
                if self.components[component_id].label is not None:
                    path = (*path, "label")
                self.warn(path, f"{component_id} has the label {label!r}, as {others} {verb(len(ids) - 1, 'do')}: "
                                f"the report names them as 'label (id)'; give each its own label",
                          prefer_key=len(path) == 2)

    def labels_shared(self) -> bool:
        """Whether two components show one label (ids are lower case and unique: only
        labels can make two alike)."""
        labelled = {i: c.label for i, c in self.components.items() if c.label is not None}
        folded = [label.casefold() for label in labelled.values()]
        return len(set(folded)) < len(folded) or any(f in self.components and f not in labelled for f in folded)

    def is_database(self, component_id: str) -> bool:
        component = self.components.get(component_id)
        if isinstance(component, Cluster):
            return self.kinds.get(component.members[0]) == Kind.DATABASE
        return self.kinds.get(component_id) == Kind.DATABASE


def build_topology(raw: dict[str, Any], source: SourceMap) -> Topology:
    """Validate a parsed spec and return its topology; raises SpecError with every problem
    (NotASpec, quoting nothing of the file, when it has neither an ``archdoc`` nor a
    ``components`` key: some other YAML file, a stranger's secrets perhaps)."""
    if "archdoc" not in raw and "components" not in raw:
        raise NotASpec([InputProblem(source.file, 1, 1, "", "not an archdoc spec: its top level has no 'archdoc' "
                                                            "key (a spec starts with 'archdoc: 1')")])
    checker = _Checker(raw, source)
    header = checker.header()
    checker.component_parts(raw.get("components"))
    entries = checker.link_parts(raw.get("links"))
    checker.references()
    dns = checker.dns(header) if header else []
    links = checker.links(entries)
    accepted = checker.accepted(header) if header else []
    if checker.problems or header is None:
        raise SpecError(checker.problems)
    checker.shared_labels()
    keys = source.keys
    positions: Mapping[str, tuple[int, int]] = {
        component_id: keys.get(("components", component_id)) or source.position(("components", component_id), True)
        for component_id in checker.components
    }
    return Topology(
        title=header.title,
        description=header.description,
        domain=header.domain,
        dns=tuple(dns),
        components=MappingProxyType(checker.components),
        links=tuple(links),
        file=source.file,
        positions=MappingProxyType(dict(positions)),
        accepted=tuple(accepted),
        warnings=tuple(checker.warnings),
    )
