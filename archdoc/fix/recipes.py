"""The fixes, one per rule: each edits the draft so that its rule's findings go away.

Each is applied on a fresh analysis of the spec as the fixes before it left it, and
asks that analysis (the model) what the design is; the draft only edits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from ruamel.yaml.comments import CommentedMap

from archdoc.fix.editor import Draft, flow
from archdoc.model import Topology
from archdoc.model.components import Server
from archdoc.model.kinds import Kind
from archdoc.model.topology import ENCRYPTED_PROTOCOLS
from archdoc.rules import RULES, Analysis, Rule
from archdoc.rules.cannot_scale import CannotScale
from archdoc.rules.colocated_tiers import ColocatedTiers
from archdoc.rules.database_exposed import DatabaseExposed
from archdoc.rules.maintenance_downtime import MaintenanceDowntime
from archdoc.rules.missing_certificate import MissingCertificate
from archdoc.rules.no_firewall import NoFirewall
from archdoc.rules.no_https import NoHttps
from archdoc.rules.no_monitoring import NoMonitoring
from archdoc.rules.single_writer import SingleWriter
from archdoc.rules.spof import Spof
from archdoc.rules.tls_terminated_at_lb import TlsTerminatedAtLb
from archdoc.rules.write_to_replica import WriteToReplica

Fix = Callable[[Draft, Analysis], None]


def fix_colocated_tiers(draft: Draft, analysis: Analysis) -> None:
    for server in analysis.found(ColocatedTiers):
        databases = [i for i in analysis.topology.hosted_on[server] if analysis.topology.kind(i) == Kind.DATABASE]
        db_server = draft.add(draft.new_id("db-01"), {"kind": Kind.SERVER}, before=databases[0])
        draft.inherit(db_server, server, certificates=False)
        for database in databases:
            draft.components[database]["host"] = db_server
        draft.done.append(f"moved {', '.join(databases)} from {server} to a server of its own, {db_server}")


def fix_cannot_scale(draft: Draft, analysis: Analysis) -> None:
    topology = analysis.topology
    reached_directly = [c for c in analysis.found(CannotScale) if topology.kind(c) != Kind.LOAD_BALANCER]
    lone_backends: dict[str, None] = {}  # two balancers of a pair share theirs
    for balancer in analysis.found(CannotScale):
        if topology.kind(balancer) == Kind.LOAD_BALANCER:
            lone_backends.update(dict.fromkeys(b for b in topology.backends(balancer) if b in draft.components))
    if reached_directly:
        _balancer_in_front(draft, topology, reached_directly)
        if len(reached_directly) == 1:
            lone_backends[reached_directly[0]] = None
    for backend in lone_backends:
        _second_backend(draft, topology, backend)


def _balancer_in_front(draft: Draft, topology: Topology, targets: list[str]) -> None:
    """Clients (and firewalls on their way) reach ``targets`` through a new load balancer
    on a server of its own, which takes over the public address."""
    hosts = [h for h in (topology.host_of(t) for t in targets) if h]
    server = draft.new_id("lb-01")
    fields: dict[str, Any] = {"kind": Kind.SERVER}
    public = next((h for h in hosts if draft.components[h].get("public")), None)
    if public:
        fields.update({"ip": draft.components[public].get("ip"), "public": True})
        draft.components[public].pop("public", None)
        draft.components[public].pop("ip", None)
    draft.add(server, {k: v for k, v in fields.items() if v is not None}, before=hosts[0] if hosts else targets[0])
    balancer = draft.add(draft.new_id("haproxy"), {"kind": Kind.LOAD_BALANCER, "software": "haproxy",
                                                    "algorithm": "round_robin", "host": server}, after=server)
    draft.origins[balancer] = targets[0]
    if hosts:
        draft.inherit(server, hosts[0])
    else:
        draft.origins[server] = targets[0]
    backends: dict[tuple[str, int | None, bool | None], list[str]] = {}  # per protocol, port, tls; a target once
    forwarded: set[str] = set()
    for link in list(draft.links):  # a target, or a cluster of them
        reached = [t for t in draft.ends(link, "to") if t in topology.components and
                   set(topology.members(t)) & set(targets)]
        if reached and all(topology.kind(s) in (Kind.CLIENT, Kind.FIREWALL) for s in draft.ends(link, "from")):
            draft.set_ends(link, "to", [balancer if i in reached else i for i in draft.ends(link, "to")])
            key = (link.get("protocol", "http"), link.get("port"), link.get("tls"))
            backends.setdefault(key, []).extend(t for t in reached if t not in forwarded)
            forwarded.update(reached)
    for (protocol, port, tls), reached in backends.items():
        if reached:
            draft.add_link({"from": balancer, "to": flow(reached) if len(reached) > 1 else reached[0],
                            "protocol": protocol, **({"port": port} if port else {}), **({"tls": tls} if tls else {})})
    draft.point_dns({*targets, *hosts}, server)
    for component in list(draft.components.values()):  # a certificate for a target serves the balancer too
        if component.get("kind") == Kind.CERTIFICATE and component.get("for") in targets:
            component["for"] = balancer
    draft.done.append(f"put the load balancer {balancer} (on {server}) in front of {', '.join(targets)}")
    _balancer_pair(draft, balancer)  # one balancer alone would be a single point of failure


def _second_backend(draft: Draft, topology: Topology, backend: str) -> str:
    """A twin of ``backend`` (a component of ``topology``, the design as last analysed) that
    takes traffic with it: in its cluster, or beside it in links."""
    clusters = topology.clusters_of.get(backend, ())
    new = draft.twin(backend)
    if clusters:
        draft.components[clusters[0]]["members"].append(new)
    else:
        draft.alongside(backend, new)
    host = topology.host_of(backend)
    if topology.kind(backend) == Kind.APP_SERVER and host:  # its code base comes along
        for files in topology.hosted_on[host]:
            if topology.kind(files) == Kind.APP_FILES:
                draft.add(draft.new_id(files), draft.copy_of(files, host=draft.twins[host]), after=draft.twins[host])
    draft.done.append(f"added {new} beside {backend}" + (f" on the new server {draft.twins[host]}" if host else ""))
    return new


def fix_maintenance_downtime(draft: Draft, analysis: Analysis) -> None:
    for component_id in analysis.found(MaintenanceDowntime):
        _second_backend(draft, analysis.topology, component_id)


def fix_spof(draft: Draft, analysis: Analysis) -> None:
    failures = analysis.failures
    topology = analysis.topology
    for unit in analysis.found(Spof):
        causes = dict.fromkeys(c for capability in failures.lost_if_failed(unit)
                               for c in failures.causes(unit, capability))
        for cause in causes:
            kind = topology.kind(cause)
            clustered = cause in topology.clusters_of
            if kind == Kind.LOAD_BALANCER and not clustered:
                _balancer_pair(draft, cause)
            elif kind == Kind.DATABASE and not clustered:
                _database_pair(draft, cause)
            elif kind in (Kind.WEB_SERVER, Kind.APP_SERVER, Kind.CACHE, Kind.DATABASE, Kind.LOAD_BALANCER, Kind.FIREWALL):
                _second_backend(draft, topology, cause)


def _balancer_pair(draft: Draft, balancer: str) -> None:
    host = draft.components[balancer].get("host")
    vip = draft.components[host].get("ip") if host and draft.components[host].get("public") else None
    second = draft.twin(balancer)
    cluster = draft.new_id("lb-cluster")
    fields: dict[str, Any] = {"kind": Kind.CLUSTER, "members": flow([balancer, second]), "mode": "active_passive"}
    if vip:
        fields["vip"] = vip
    draft.add(cluster, fields, after=second)
    draft.redirect(balancer, cluster, "to")
    draft.alongside(balancer, second, ends=("from",))  # it forwards to the same backends
    draft.point_dns({host}, cluster)
    for component in draft.components.values():  # its certificate now serves the pair
        if component.get("kind") == Kind.CERTIFICATE and (component.get("for") == balancer or
                                                         (host and component.get("host") == host)):
            component.pop("host", None)
            component["for"] = cluster
    draft.done.append(f"paired {balancer} with {second} in the active_passive cluster {cluster}"
                      + (f" behind the virtual IP {vip}" if vip else ""))


def _database_pair(draft: Draft, database: str) -> None:
    """Two write-capable members: the cluster survives the loss of either for reads and writes."""
    component = draft.components[database]
    if component.get("role", "primary") == "replica":
        second = draft.twin(database)
        mode = "active_active"
    else:
        second = draft.twin(database, role="primary" if "role" in component else None)
        mode = "active_passive"
    cluster = draft.new_id("db-cluster")
    draft.add(cluster, {"kind": Kind.CLUSTER, "members": flow([database, second]), "mode": mode}, after=second)
    draft.redirect(database, cluster, "to")
    draft.done.append(f"clustered {database} with {second} ({mode}), so either can take the "
                      + ("reads" if mode == "active_active" else "reads and writes"))


def fix_single_writer(draft: Draft, analysis: Analysis) -> None:
    for database in analysis.found(SingleWriter):
        if database not in analysis.topology.clusters_of:
            _database_pair(draft, database)


def fix_write_to_replica(draft: Draft, analysis: Analysis) -> None:
    topology = analysis.topology
    for source in analysis.found(WriteToReplica):
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


def fix_database_exposed(draft: Draft, analysis: Analysis) -> None:
    topology = analysis.topology
    exposed_databases = analysis.found(DatabaseExposed)
    exposed = set(exposed_databases)
    cut: dict[str, int] = {}  # a database -> how many links from clients no longer reach it
    emptied = []
    for index, link in enumerate(draft.links):  # one pass: a thousand databases by a thousand links is slow
        if not any(topology.kind(s) in (Kind.CLIENT, Kind.FIREWALL) for s in draft.ends(link, "from")):
            continue
        targets = draft.ends(link, "to")
        into = {t: [d for d in topology.members(t) if d in exposed] for t in targets if t in topology.components}
        if not any(into.values()):
            continue
        for databases in into.values():
            for database in databases:
                cut[database] = cut.get(database, 0) + 1
        rest = [t for t in targets if not into.get(t)]
        if rest:
            draft.set_ends(link, "to", rest)
        else:
            emptied.append(index)
    for index in reversed(emptied):
        del draft.links[index]
    for database in exposed_databases:
        draft.done.extend([f"clients no longer link to the database {database}"] * cut.get(database, 0))
        host = topology.host_of(database)
        server = topology.components[host] if host else None
        public = host is not None and isinstance(server, Server) and server.public and not topology.is_protected(host)
        if public and host and NoFirewall.id not in draft.wanted:  # else that fix gives every server its own
            _firewall_for(draft, host)


def fix_https(draft: Draft, analysis: Analysis) -> None:
    """HTTPS from the clients, then encryption past the load balancers, then certificates."""
    topology = analysis.topology
    for link in draft.links:
        if any(topology.kind(s) == Kind.CLIENT for s in draft.ends(link, "from")) and not _encrypted(link):
            _encrypt(link)
            draft.done.append(f"the clients reach {', '.join(draft.ends(link, 'to'))} over HTTPS")
    fix_tls_terminated(draft, draft.analyse())
    fix_missing_certificate(draft, draft.analyse())


def _encrypted(link: CommentedMap) -> bool:
    return link.get("protocol") in ENCRYPTED_PROTOCOLS or link.get("tls") is True


def _encrypt(link: CommentedMap) -> None:
    if link.get("protocol", "http") == "http":
        link["protocol"] = "https"
        if link.get("port") == 80:
            link["port"] = 443
    else:
        link["tls"] = True


def fix_tls_terminated(draft: Draft, analysis: Analysis) -> None:
    balancers = set(analysis.found(TlsTerminatedAtLb))
    for link in draft.links:
        sources = {m for s in draft.ends(link, "from") for m in analysis.topology.members(s)}
        if sources & balancers and not _encrypted(link):
            _encrypt(link)
            draft.done.append(f"{', '.join(draft.ends(link, 'from'))} forward to "
                              f"{', '.join(draft.ends(link, 'to'))} encrypted")


def fix_missing_certificate(draft: Draft, analysis: Analysis) -> None:
    domain = draft.data.get("domain")
    www = next((r.get("name") for r in draft.data.get("dns") or () if r.get("name") == "www"), None)
    for target in analysis.found(MissingCertificate):
        holder = next(iter(analysis.topology.clusters_of.get(target, ())), target)
        if any(c.get("kind") == Kind.CERTIFICATE and c.get("for") == holder for c in draft.components.values()):
            continue
        fields: dict[str, Any] = {"kind": Kind.CERTIFICATE}
        if domain:
            fields["domain"] = f"{www}.{domain}" if www else domain
        fields["for"] = holder
        cert = draft.add(draft.new_id("cert"), fields, after=holder)
        draft.done.append(f"added the certificate {cert} for {holder}")


def _firewall_for(draft: Draft, component_id: str) -> str:
    firewall = draft.add(draft.new_id(f"fw-{component_id}"[:60]),
                         {"kind": Kind.FIREWALL, "protects": flow([component_id])})
    draft.done.append(f"added the firewall {firewall} in front of {component_id}")
    return firewall


def fix_no_firewall(draft: Draft, analysis: Analysis) -> None:
    for component_id in analysis.found(NoFirewall):
        _firewall_for(draft, component_id)


def fix_no_monitoring(draft: Draft, analysis: Analysis) -> None:
    agents = [c for c in draft.components.values() if c.get("kind") == Kind.MONITORING]
    software = Counter(a.get("software") for a in agents if a.get("software")).most_common(1)
    to = Counter(a.get("to") for a in agents if a.get("to")).most_common(1)
    for component_id in analysis.found(NoMonitoring):
        fields: dict[str, Any] = {"kind": Kind.MONITORING}
        if software:
            fields["software"] = software[0][0]
        if to:
            fields["to"] = to[0][0]
        if analysis.topology.kind(component_id) == Kind.SERVER:
            fields["host"] = component_id
        else:
            fields["for"] = flow([component_id])
        agent = draft.add(draft.new_id(f"mon-{component_id}"[:60]), fields)
        draft.done.append(f"added the monitoring agent {agent} for {component_id}")


# In this order: what is removed or redirected first, so nothing wrong gets copied;
# then what adds servers; then what protects and watches every server, new ones included.
FIXES: dict[type[Rule], Fix] = {
    DatabaseExposed: fix_database_exposed,
    WriteToReplica: fix_write_to_replica,
    ColocatedTiers: fix_colocated_tiers,
    CannotScale: fix_cannot_scale,
    MaintenanceDowntime: fix_maintenance_downtime,
    Spof: fix_spof,
    SingleWriter: fix_single_writer,
    NoHttps: fix_https,
    TlsTerminatedAtLb: fix_tls_terminated,
    MissingCertificate: fix_missing_certificate,
    NoFirewall: fix_no_firewall,
    NoMonitoring: fix_no_monitoring,
}
SPOF_ROUNDS = 4  # each round can only add twins; real designs need two at most

_unregistered = [rule.__name__ for rule in FIXES if RULES.get(rule.id) is not rule]
if _unregistered:  # a fix for a rule archdoc does not run would never be applied
    raise TypeError(f"fixes for rules missing from the registry: {', '.join(_unregistered)}")
