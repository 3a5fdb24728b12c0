"""``archdoc fix``: a spec that resolves the findings it can, written over the user's own.

The spec is edited with ruamel.yaml's round-trip mode, so the user's ids, order, comments
and flow style stay; new parts are placed next to what they serve. Each fix answers one
rule and is applied on a fresh analysis of the spec as the fixes before it left it:

- colocated-tiers: each server's databases move to a database server of their own;
- cannot-scale: a load balancer in front of a tier that clients reach directly, and a
  second backend where a load balancer has one;
- maintenance-downtime: a second web or application server beside the only one;
- spof: each part a single point of failure depends on gets a twin: load balancers an
  active_passive cluster with the virtual IP, databases a cluster of two primaries,
  web and application servers a second one beside them (repeated until none is left);
- single-writer: the primary gets a second write-capable member in a cluster;
- write-to-replica: writes go to the replica's primary, reads stay on the replica;
- database-exposed: clients no longer link to databases; public database servers get a firewall;
- no-https (with tls-terminated-at-lb and missing-certificate): HTTPS from the clients,
  encryption from the load balancers to their backends, and a certificate;
- no-firewall and no-monitoring: a firewall and an agent per server that lacks one.

A new server takes what protects and watches the server it copies: the same firewalls,
an agent like its agents. So a fix never brings a finding the spec did not have.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from archdoc.model import Topology
from archdoc.rules import Analysis, analyse
from archdoc.spec.validate import build_topology
from archdoc.spec.yaml_source import parse_yaml

ENCRYPTED = {"https", "tls"}
SPOF_ROUNDS = 4  # each round can only add twins; real designs need two at most


@dataclass
class Fixed:
    """A fixed spec: its text, what was done, and the findings before and after."""

    text: str
    done: list[str]
    before: Analysis
    after: Analysis

    origins: dict[str, str] = field(default_factory=dict)  # a new component -> the one it copies

    def origin(self, component_id: str) -> str:
        while component_id in self.origins:
            component_id = self.origins[component_id]
        return component_id

    @property
    def introduced(self) -> list[tuple[str, str]]:
        """Findings the fixed spec has that the original did not (there should be none).

        A copy keeps what was wrong with its original until the fix for that is applied
        too (``--only``): its finding is the original's, carried, not a new one.
        """
        old = {(f.rule, f.component) for f in self.before.findings}
        return [(f.rule, f.component) for f in self.after.findings
                if (f.rule, self.origin(f.component)) not in old]


def analyse_text(text: str, name: str) -> Analysis:
    raw, source = parse_yaml(text, name)
    return analyse(build_topology(raw, source))


@dataclass
class _Draft:
    """The spec being fixed: ruamel.yaml's round-trip document and helpers to edit it."""

    data: CommentedMap
    name: str
    yaml: YAML
    done: list[str] = field(default_factory=list)
    twins: dict[str, str] = field(default_factory=dict)  # server -> the new server beside it, this fix
    origins: dict[str, str] = field(default_factory=dict)  # a copy -> what it copies
    wanted: frozenset[str] = frozenset()  # the rules whose fixes this run applies

    @classmethod
    def load(cls, text: str, name: str) -> _Draft:
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
        return self.data["components"]

    @property
    def links(self) -> CommentedSeq:
        if not self.data.get("links"):
            self.data["links"] = CommentedSeq()
        return self.data["links"]

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

    def hosted_on(self, server: str) -> list[str]:
        return [i for i, c in self.components.items() if c.get("host") == server]

    def add(self, new_id: str, fields: dict[str, Any], after: str | None = None, before: str | None = None) -> str:
        """Add a component (as a one-line mapping) after ``after`` and the components
        listed right after it that it hosts, or just before ``before``, or last."""
        value = CommentedMap(fields)
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
        fields = {"kind": "server", **({"public": True} if self.components[server].get("public") else {})}
        self.add(twin, fields, after=server)
        self.twins[server] = twin
        self.inherit(twin, server)
        return twin

    def inherit(self, new_server: str, like: str, certificates: bool = True) -> None:
        """Make a new server protected and watched as ``like`` is: the same firewalls, a
        copy of each firewall, agent (and certificate) running on it."""
        self.origins[new_server] = like
        kinds = ("firewall", "monitoring", "certificate") if certificates else ("firewall", "monitoring")
        for component_id, component in list(self.components.items()):
            if component.get("kind") == "firewall" and like in (component.get("protects") or ()):
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

    def cluster_of(self, component_id: str) -> str | None:
        for cluster_id, component in self.components.items():
            if component.get("kind") == "cluster" and component_id in component.get("members", ()):
                return cluster_id
        return None

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


# --- the fixes, one per rule ---------------------------------------------------------------
def _findings(analysis: Analysis, rule: str) -> list[str]:
    return [f.component for f in analysis.findings if f.rule == rule]


def fix_colocated_tiers(draft: _Draft, analysis: Analysis) -> None:
    for server in _findings(analysis, "colocated-tiers"):
        databases = [i for i in draft.hosted_on(server) if draft.components[i].get("kind") == "database"]
        db_server = draft.add(draft.new_id("db-01"), {"kind": "server"}, before=databases[0])
        draft.inherit(db_server, server, certificates=False)
        for database in databases:
            draft.components[database]["host"] = db_server
        draft.done.append(f"moved {', '.join(databases)} from {server} to a server of its own, {db_server}")


def fix_cannot_scale(draft: _Draft, analysis: Analysis) -> None:
    topology = analysis.topology
    reached_directly = [c for c in _findings(analysis, "cannot-scale") if topology.kind(c) != "load_balancer"]
    lone_backends: dict[str, None] = {}  # two balancers of a pair share theirs
    for balancer in _findings(analysis, "cannot-scale"):
        if topology.kind(balancer) == "load_balancer":
            lone_backends.update(dict.fromkeys(b for b in topology.backends(balancer) if b in draft.components))
    if reached_directly:
        _balancer_in_front(draft, topology, reached_directly)
        if len(reached_directly) == 1:
            lone_backends[reached_directly[0]] = None
    for backend in lone_backends:
        _second_backend(draft, backend)


def _balancer_in_front(draft: _Draft, topology: Topology, targets: list[str]) -> None:
    """Clients (and firewalls on their way) reach ``targets`` through a new load balancer
    on a server of its own, which takes over the public address."""
    hosts = [h for h in (topology.host_of(t) for t in targets) if h]
    server = draft.new_id("lb-01")
    fields: dict[str, Any] = {"kind": "server"}
    public = next((h for h in hosts if draft.components[h].get("public")), None)
    if public:
        fields.update({"ip": draft.components[public].get("ip"), "public": True})
        draft.components[public].pop("public", None)
        draft.components[public].pop("ip", None)
    draft.add(server, {k: v for k, v in fields.items() if v is not None}, before=hosts[0] if hosts else targets[0])
    balancer = draft.add(draft.new_id("haproxy"), {"kind": "load_balancer", "software": "haproxy",
                                                    "algorithm": "round_robin", "host": server}, after=server)
    draft.origins[balancer] = targets[0]
    if hosts:
        draft.inherit(server, hosts[0])
    else:
        draft.origins[server] = targets[0]
    backends: dict[tuple[str, int | None, bool | None], list[str]] = {}  # per protocol, port, tls; a target once
    forwarded: set[str] = set()
    for link in list(draft.links):
        reached = [t for t in draft.ends(link, "to") if t in targets]
        if reached and all(topology.kind(s) in ("client", "firewall") for s in draft.ends(link, "from")):
            draft.set_ends(link, "to", [balancer if i in targets else i for i in draft.ends(link, "to")])
            key = (link.get("protocol", "http"), link.get("port"), link.get("tls"))
            backends.setdefault(key, []).extend(t for t in reached if t not in forwarded)
            forwarded.update(reached)
    for (protocol, port, tls), reached in backends.items():
        if reached:
            draft.add_link({"from": balancer, "to": _flow(reached) if len(reached) > 1 else reached[0],
                            "protocol": protocol, **({"port": port} if port else {}), **({"tls": tls} if tls else {})})
    draft.point_dns({*targets, *hosts}, server)
    for component in list(draft.components.values()):  # a certificate for a target serves the balancer too
        if component.get("kind") == "certificate" and component.get("for") in targets:
            component["for"] = balancer
    draft.done.append(f"put the load balancer {balancer} (on {server}) in front of {', '.join(targets)}")
    _balancer_pair(draft, balancer)  # one balancer alone would be a single point of failure


def _second_backend(draft: _Draft, backend: str) -> str:
    """A twin of ``backend`` that takes traffic with it: in its cluster, or beside it in links."""
    kind = draft.components[backend].get("kind")
    cluster = draft.cluster_of(backend)
    new = draft.twin(backend)
    if cluster:
        draft.components[cluster]["members"].append(new)
    else:
        draft.alongside(backend, new)
    host = draft.components[backend].get("host")
    if kind == "app_server" and host:  # its code base comes along
        for files in draft.hosted_on(host):
            if draft.components[files].get("kind") == "app_files":
                draft.add(draft.new_id(files), draft.copy_of(files, host=draft.twins[host]), after=draft.twins[host])
    draft.done.append(f"added {new} beside {backend}" + (f" on the new server {draft.twins[host]}" if host else ""))
    return new


def fix_maintenance_downtime(draft: _Draft, analysis: Analysis) -> None:
    for component_id in _findings(analysis, "maintenance-downtime"):
        _second_backend(draft, component_id)


def fix_spof(draft: _Draft, analysis: Analysis) -> None:
    failures = analysis.failures
    topology = analysis.topology
    for unit in _findings(analysis, "spof"):
        causes = dict.fromkeys(c for capability in failures.lost_if_failed(unit)
                               for c in failures.causes(unit, capability))
        for cause in causes:
            kind = topology.kind(cause)
            if kind == "load_balancer" and draft.cluster_of(cause) is None:
                _balancer_pair(draft, cause)
            elif kind == "database" and draft.cluster_of(cause) is None:
                _database_pair(draft, cause)
            elif kind in ("web_server", "app_server", "cache", "database", "load_balancer", "firewall"):
                _second_backend(draft, cause)


def _balancer_pair(draft: _Draft, balancer: str) -> None:
    host = draft.components[balancer].get("host")
    vip = draft.components[host].get("ip") if host and draft.components[host].get("public") else None
    second = draft.twin(balancer)
    cluster = draft.new_id("lb-cluster")
    fields: dict[str, Any] = {"kind": "cluster", "members": _flow([balancer, second]), "mode": "active_passive"}
    if vip:
        fields["vip"] = vip
    draft.add(cluster, fields, after=second)
    draft.redirect(balancer, cluster, "to")
    draft.alongside(balancer, second, ends=("from",))  # it forwards to the same backends
    draft.point_dns({host}, cluster)
    for component in draft.components.values():  # its certificate now serves the pair
        if component.get("kind") == "certificate" and (component.get("for") == balancer or
                                                         (host and component.get("host") == host)):
            component.pop("host", None)
            component["for"] = cluster
    draft.done.append(f"paired {balancer} with {second} in the active_passive cluster {cluster}"
                      + (f" behind the virtual IP {vip}" if vip else ""))


def _database_pair(draft: _Draft, database: str) -> None:
    """Two write-capable members: the cluster survives the loss of either for reads and writes."""
    component = draft.components[database]
    if component.get("role", "primary") == "replica":
        second = draft.twin(database)
        mode = "active_active"
    else:
        second = draft.twin(database, role="primary" if "role" in component else None)
        mode = "active_passive"
    cluster = draft.new_id("db-cluster")
    draft.add(cluster, {"kind": "cluster", "members": _flow([database, second]), "mode": mode}, after=second)
    draft.redirect(database, cluster, "to")
    draft.done.append(f"clustered {database} with {second} ({mode}), so either can take the "
                      + ("reads" if mode == "active_active" else "reads and writes"))


def _flow(items: Iterable[str]) -> CommentedSeq:
    value = CommentedSeq(items)
    value.fa.set_flow_style()
    return value


def fix_single_writer(draft: _Draft, analysis: Analysis) -> None:
    for database in _findings(analysis, "single-writer"):
        if draft.cluster_of(database) is None:
            _database_pair(draft, database)


def fix_write_to_replica(draft: _Draft, analysis: Analysis) -> None:
    topology = analysis.topology
    for source in _findings(analysis, "write-to-replica"):
        for link in list(draft.links):
            if source not in draft.ends(link, "from") or link.get("access", "readwrite") == "read":
                continue
            for target in draft.ends(link, "to"):
                members = topology.members(target)
                replica = next((m for m in members if topology.is_replica(m)), None)
                primary = getattr(topology.components.get(replica), "replica_of", None) if replica else None
                if primary:
                    link["access"] = "read"
                    draft.add_link({"from": source, "to": primary, "protocol": link.get("protocol", "tcp"),
                                    "access": "write"})
                    draft.done.append(f"{source} now writes to the primary {primary} and reads from {target}")


def fix_database_exposed(draft: _Draft, analysis: Analysis) -> None:
    topology = analysis.topology
    for database in _findings(analysis, "database-exposed"):
        for link in list(draft.links):
            into = [t for t in draft.ends(link, "to") if database in topology.members(t)]
            if into and any(topology.kind(s) in ("client", "firewall") for s in draft.ends(link, "from")):
                rest = [t for t in draft.ends(link, "to") if t not in into]
                if rest:
                    draft.set_ends(link, "to", rest)
                else:
                    draft.links.remove(link)
                draft.done.append(f"clients no longer link to the database {database}")
        host = topology.host_of(database)
        exposed_host = host and topology.components[host].public and not topology.is_protected(host)
        if exposed_host and "no-firewall" not in draft.wanted:  # else that fix gives every server its own
            _firewall_for(draft, host)


def fix_https(draft: _Draft, analysis: Analysis) -> None:
    """HTTPS from the clients, then encryption past the load balancers, then certificates."""
    topology = analysis.topology
    for link in draft.links:
        if any(topology.kind(s) == "client" for s in draft.ends(link, "from")) and not _encrypted(link):
            _encrypt(link)
            draft.done.append(f"the clients reach {', '.join(draft.ends(link, 'to'))} over HTTPS")
    fix_tls_terminated(draft, draft.analyse())
    fix_missing_certificate(draft, draft.analyse())


def _encrypted(link: CommentedMap) -> bool:
    return link.get("protocol") in ENCRYPTED or link.get("tls") is True


def _encrypt(link: CommentedMap) -> None:
    if link.get("protocol", "http") == "http":
        link["protocol"] = "https"
        if link.get("port") == 80:
            link["port"] = 443
    else:
        link["tls"] = True


def fix_tls_terminated(draft: _Draft, analysis: Analysis) -> None:
    balancers = set(_findings(analysis, "tls-terminated-at-lb"))
    for link in draft.links:
        sources = {m for s in draft.ends(link, "from") for m in analysis.topology.members(s)}
        if sources & balancers and not _encrypted(link):
            _encrypt(link)
            draft.done.append(f"{', '.join(draft.ends(link, 'from'))} forward to "
                              f"{', '.join(draft.ends(link, 'to'))} encrypted")


def fix_missing_certificate(draft: _Draft, analysis: Analysis) -> None:
    domain = draft.data.get("domain")
    www = next((r.get("name") for r in draft.data.get("dns") or () if r.get("name") == "www"), None)
    for target in _findings(analysis, "missing-certificate"):
        holder = draft.cluster_of(target) or target
        if any(c.get("kind") == "certificate" and c.get("for") == holder for c in draft.components.values()):
            continue
        fields: dict[str, Any] = {"kind": "certificate"}
        if domain:
            fields["domain"] = f"{www}.{domain}" if www else domain
        fields["for"] = holder
        cert = draft.add(draft.new_id("cert"), fields, after=holder)
        draft.done.append(f"added the certificate {cert} for {holder}")


def _firewall_for(draft: _Draft, component_id: str) -> str:
    firewall = draft.add(draft.new_id(f"fw-{component_id}"[:60]),
                         {"kind": "firewall", "protects": _flow([component_id])})
    draft.done.append(f"added the firewall {firewall} in front of {component_id}")
    return firewall


def fix_no_firewall(draft: _Draft, analysis: Analysis) -> None:
    for component_id in _findings(analysis, "no-firewall"):
        _firewall_for(draft, component_id)


def fix_no_monitoring(draft: _Draft, analysis: Analysis) -> None:
    agents = [c for c in draft.components.values() if c.get("kind") == "monitoring"]
    software = Counter(a.get("software") for a in agents if a.get("software")).most_common(1)
    to = Counter(a.get("to") for a in agents if a.get("to")).most_common(1)
    for component_id in _findings(analysis, "no-monitoring"):
        fields: dict[str, Any] = {"kind": "monitoring"}
        if software:
            fields["software"] = software[0][0]
        if to:
            fields["to"] = to[0][0]
        if analysis.topology.kind(component_id) == "server":
            fields["host"] = component_id
        else:
            fields["for"] = _flow([component_id])
        agent = draft.add(draft.new_id(f"mon-{component_id}"[:60]), fields)
        draft.done.append(f"added the monitoring agent {agent} for {component_id}")


# In this order: what is removed or redirected first, so nothing wrong gets copied;
# then what adds servers; then what protects and watches every server, new ones included.
FIXES: dict[str, Callable[[_Draft, Analysis], None]] = {
    "database-exposed": fix_database_exposed,
    "write-to-replica": fix_write_to_replica,
    "colocated-tiers": fix_colocated_tiers,
    "cannot-scale": fix_cannot_scale,
    "maintenance-downtime": fix_maintenance_downtime,
    "spof": fix_spof,
    "single-writer": fix_single_writer,
    "no-https": fix_https,
    "tls-terminated-at-lb": fix_tls_terminated,
    "missing-certificate": fix_missing_certificate,
    "no-firewall": fix_no_firewall,
    "no-monitoring": fix_no_monitoring,
}


def fix_spec(text: str, name: str, only: Iterable[str] = ()) -> Fixed:
    """The spec with the fixes applied (all, or those of the rules in ``only``)."""
    before = analysis = analyse_text(text, name)  # a bad spec stops here, with its positions
    draft = _Draft.load(text, name)
    wanted = frozenset(only) or frozenset(FIXES)
    draft.wanted = wanted
    for rule, fix in FIXES.items():
        if rule not in wanted:
            continue
        rounds = SPOF_ROUNDS if rule == "spof" else 1
        for _ in range(rounds):
            if not _findings(analysis, rule):
                break
            draft.twins = {}
            fix(draft, analysis)
            analysis = draft.analyse()
    return Fixed(draft.text(), draft.done, before, analysis, draft.origins)


__all__ = ["FIXES", "Fixed", "fix_spec", "analyse_text"]
