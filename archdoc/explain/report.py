"""The written analysis of a design, as structured sections of sentences.

Everything said follows from the spec and the findings: which kinds are present, which
algorithm the load balancer uses, which tiers are active-active or active-passive,
how the databases replicate and what the application reads and writes where. The
renderers lay the sections out as Markdown, HTML and PDF; they add no sentences.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from archdoc.explain.knowledge import (
    ACCESS_VERBS,
    ACTIVE_ACTIVE,
    ACTIVE_PASSIVE,
    ALGORITHMS,
    KIND_ORDER,
    KINDS,
    QPS_GENERIC,
    QPS_HOW,
    REFERENCES,
    REPLICATION_LOG,
    REPLICATION_MODES,
    port_phrase,
    software_name,
)
from archdoc.explain.walk import described, name, request_walk
from archdoc.model import Topology
from archdoc.model.availability import DEFAULT_AVAILABILITY, HOURS_PER_YEAR
from archdoc.model.components import Certificate, Cluster, Database, Firewall, LoadBalancer, Monitoring, Server
from archdoc.rules import Analysis, Category, Finding
from archdoc.rules.base import sentence_list, upper_first


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()  # a numbered list
    bullets: tuple[str, ...] = ()
    table: Table | None = None
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class RuleGroup:
    """The findings of one rule; why and fix are given once when they are the same for all."""

    rule: str
    name: str
    severity: str
    findings: tuple[Finding, ...]
    why: str | None
    fix: str | None


@dataclass(frozen=True)
class FindingGroup:
    category: str
    rules: tuple[RuleGroup, ...]


@dataclass(frozen=True)
class Report:
    title: str
    description: str | None
    summary: str
    overview: Section | None  # the servers and what runs on them, shown before the diagram
    sections: tuple[Section, ...]
    issues: tuple[FindingGroup, ...]
    references: tuple[tuple[str, str], ...]
    counts: dict[str, int] = field(default_factory=dict)


LIST_LIMIT = 8  # past this, a sentence names the first few and counts the rest


def _names(topology: Topology, ids: Iterable[str], limit: int = LIST_LIMIT) -> str:
    """'a, b and c'; a long list as 'a, b, c, d, e, f and 12 more' (tables list them all)."""
    names = [name(topology, i) for i in ids]
    if len(names) > limit:
        names = names[: limit - 2] + [f"{len(names) - (limit - 2)} more"]
    return sentence_list(names)


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


# --- overview -------------------------------------------------------------------------
def summary(analysis: Analysis) -> str:
    topology = analysis.topology
    servers = topology.of_kind("server")
    found = ", ".join(f"{n} {severity}" for severity, n in analysis.counts().items() if n)
    issues = f"archdoc found {_plural(len(analysis.findings), 'issue')} ({found})." if analysis.findings \
        else "archdoc found no issue."
    machines = f"The design runs on {_plural(len(servers), 'server')}" if servers else "The design names no servers"
    return f"{machines} and has {_plural(len(topology.components), 'component')} in all. {issues}"


def servers_table(topology: Topology) -> Section | None:
    servers = topology.of_kind("server")
    if not servers:
        return None
    rows = []
    for server_id in servers:
        server = topology.components[server_id]
        assert isinstance(server, Server)
        runs = [described_short(topology, c) for c in topology.hosted_on[server_id]]
        rows.append((name(topology, server_id), server.ip or "", "yes" if server.public else "no",
                     ", ".join(runs) or "nothing"))
    return Section("Servers and what runs on them", table=Table(("server", "IP", "public", "runs"), tuple(rows)))


def described_short(topology: Topology, component_id: str) -> str:
    component = topology.components[component_id]
    kind = KINDS[component.kind].singular
    if isinstance(component, Database):
        kind = f"{component.role} {kind}"
    software = software_name(component.software)
    return f"{name(topology, component_id)} ({software + ' ' if software else ''}{kind})"


# --- components -----------------------------------------------------------------------
def _neighbours(topology: Topology, ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """Who sends requests to these components, and where they send theirs, in link order."""
    ids = list(ids)
    incoming = list(dict.fromkeys(f.source for c in ids for f in topology.flows_into.get(c, ())))
    outgoing = list(dict.fromkeys(f.target for c in ids for f in topology.flows_from.get(c, ())))
    return incoming, outgoing


def _role_here(topology: Topology, component_id: str) -> str:
    """What this component does in this design, from its links."""
    incoming, outgoing = _neighbours(topology, [component_id])
    parts = []
    if incoming:
        parts.append(f"receives requests from {_names(topology, incoming)}")
    if outgoing:
        parts.append(f"sends requests to {_names(topology, outgoing)}")
    who = f"The {KINDS[topology.kind(component_id)].singular} {described(topology, component_id)}"
    if not parts:
        return f"{who} takes no part in any link."
    return f"{who} {' and '.join(parts)}."


def _roles_here(topology: Topology, kind: str, ids: tuple[str, ...]) -> str:
    """Many components of one kind, in one sentence: who sends them requests, and where they send theirs."""
    incoming, outgoing = _neighbours(topology, ids)
    software = sorted({software_name(topology.components[c].software) or "" for c in ids} - {""})
    parts = []
    if incoming:
        parts.append(f"receive requests from {_names(topology, incoming)}")
    if outgoing:
        parts.append(f"send requests to {_names(topology, outgoing)}")
    what = f"The {len(ids)} {KINDS[kind].heading.lower()}{' (' + ', '.join(software) + ')' if software else ''}"
    return f"{what}, {_names(topology, ids)}, {' and '.join(parts) or 'take no part in any link'}."


def component_sections(topology: Topology) -> list[Section]:
    sections = []
    for kind in KIND_ORDER:
        ids = topology.of_kind(kind)
        if not ids:
            continue
        info = KINDS[kind]
        paragraphs = [info.what, *_why_here(topology, kind, ids)]
        sections.append(Section(info.heading, paragraphs=tuple(paragraphs)))
    return sections


def _why_here(topology: Topology, kind: str, ids: tuple[str, ...]) -> list[str]:
    if kind == "client":
        return [f"Here the client{' is' if len(ids) == 1 else 's are'} {_names(topology, ids)}."]
    if kind == "server":
        return [_servers_here(topology, ids)]
    if kind == "load_balancer":
        return _load_balancers_here(topology, ids)
    if kind in ("web_server", "app_server", "cache"):
        text = [_role_here(topology, c) for c in ids] if len(ids) <= 4 else [_roles_here(topology, kind, ids)]
        if len(ids) > 1:
            text.append(f"With {_plural(len(ids), KINDS[kind].singular)}, one can fail or be restarted for an "
                        f"update while the others serve, and their capacity adds up.")
        return text
    if kind == "app_files":
        hosts = [topology.host_of(c) for c in ids]
        where = ", ".join(f"{name(topology, c)} on {name(topology, h)}" if h else name(topology, c)
                          for c, h in zip(ids, hosts, strict=True))
        return [f"Here: {where}. Every server that runs the application server needs the same version of the "
                f"code, so a deploy updates them all."]
    if kind == "database":
        return _databases_here(topology, ids)
    if kind == "firewall":
        return [_firewall_here(topology, f) for f in ids]
    if kind == "monitoring":
        return [_monitoring_here(topology, ids)]
    if kind == "certificate":
        return [_certificate_here(topology, c) for c in ids]
    if kind == "cluster":
        return [_cluster_here(topology, c) for c in ids]
    return []


def _servers_here(topology: Topology, ids: tuple[str, ...]) -> str:
    roles_of = {}
    for server_id in ids:
        kinds = {topology.kind(c) for c in topology.hosted_on[server_id]}
        roles = [KINDS[k].singular for k in KIND_ORDER
                 if k in kinds and k in ("load_balancer", "web_server", "app_server", "database", "cache")]
        roles_of[server_id] = f"the {sentence_list(roles)}" if roles else "no traffic-carrying component"
    if len(ids) <= 6:
        described_servers = []
        for server_id in ids:
            server = topology.components[server_id]
            assert isinstance(server, Server)
            ip = f" ({server.ip}{', public' if server.public else ''})" if server.ip else ""
            described_servers.append(f"{name(topology, server_id)}{ip} runs {roles_of[server_id]}")
        listing = "; ".join(described_servers)
    else:
        groups: dict[str, list[str]] = {}
        for server_id in ids:
            groups.setdefault(roles_of[server_id], []).append(server_id)
        listing = "; ".join(f"{len(members)} run {roles} ({_names(topology, members)})"
                            for roles, members in groups.items())
    text = f"This design has {_plural(len(ids), 'server')}: {listing}."
    tiers = ("web_server", "app_server", "database")
    tier_servers = [s for s in ids if any(topology.kind(c) in tiers for c in topology.hosted_on[s])]
    separate = all(sum(1 for t in tiers if any(topology.kind(c) == t for c in topology.hosted_on[s])) == 1
                   for s in tier_servers)
    if separate and len(tier_servers) > 1:
        text += (" Each tier has a server of its own, so each can be sized, scaled and maintained on its own, "
                 "and a busy database no longer slows the web server down.")
    return text


def _load_balancers_here(topology: Topology, ids: tuple[str, ...]) -> list[str]:
    """What each load balancer does; balancers with the same backends and algorithm (the
    members of a pair, say) share a sentence."""
    groups: dict[tuple[tuple[str, ...], str], list[str]] = {}
    for lb in ids:
        component = topology.components[lb]
        assert isinstance(component, LoadBalancer)
        groups.setdefault((topology.backends(lb), component.algorithm), []).append(lb)
    text = []
    for (backends, algorithm_id), lbs in groups.items():
        many = len(lbs) > 1
        who = (f"The load balancers {_names(topology, lbs)}" if many
               else f"The load balancer {described(topology, lbs[0])}")
        algorithm = ALGORITHMS[algorithm_id].name
        if len(backends) > 1:
            text.append(f"{who} spread{'' if many else 's'} requests over {_names(topology, backends)} with "
                        f"{algorithm}, so no backend carries all the traffic, and stop{'' if many else 's'} "
                        f"sending requests to a backend whose health check fails.")
        elif backends:
            text.append(f"{who} send{'' if many else 's'} every request to {'their' if many else 'its'} one "
                        f"backend, {name(topology, backends[0])}; more backends can be added behind "
                        f"{'them' if many else 'it'} without changing the address users connect to.")
        else:
            text.append(f"{who} {'have' if many else 'has'} no backend in the links.")
    return text


def _databases_here(topology: Topology, ids: tuple[str, ...]) -> list[str]:
    text = []
    for db in ids:
        component = topology.components[db]
        assert isinstance(component, Database)
        if component.role == "replica":
            text.append(f"The database {described(topology, db)} is a replica of {name(topology, component.replica_of or '')}: "
                        f"a second, continuously updated copy of the data, which can serve reads and can be "
                        f"promoted to primary if the primary fails.")
        else:
            text.append(f"The database {described(topology, db)} is a primary: it takes the writes.")
    return text


def _firewall_here(topology: Topology, firewall_id: str) -> str:
    firewall = topology.components[firewall_id]
    assert isinstance(firewall, Firewall)
    protected = firewall.protects or ([firewall.host] if firewall.host else [])
    parts = []
    if protected:
        parts.append(f"protects {_names(topology, protected)}")
    if firewall_id in topology.linked:
        beyond = [f.target for f in topology.flows_from.get(firewall_id, ())]
        parts.append(f"filters the traffic on its way to {_names(topology, beyond)}")
    return f"The firewall {name(topology, firewall_id)} {' and '.join(parts) or 'protects nothing yet'}."


def _monitoring_here(topology: Topology, ids: tuple[str, ...]) -> str:
    placed: dict[str, list[str]] = {}  # destination -> what its agents watch
    for agent_id in ids:
        agent = topology.components[agent_id]
        assert isinstance(agent, Monitoring)
        watched = ([agent.host] if agent.host else []) + agent.for_
        if len(ids) <= 6:
            to = f", shipping to {agent.to}" if agent.to else ""
            placed.setdefault(f"{name(topology, agent_id)} watches {_names(topology, watched) or 'nothing'}{to}", [])
        else:
            placed.setdefault(agent.to or "", []).extend(watched)
    if len(ids) <= 6:
        return f"Here: {'; '.join(placed)}."
    return "Here: " + "; ".join(
        f"agents on {_names(topology, watched)}{' ship to ' + to if to else ''}" for to, watched in placed.items()
    ) + "."


def _certificate_here(topology: Topology, cert_id: str) -> str:
    cert = topology.components[cert_id]
    assert isinstance(cert, Certificate)
    domain = f" for {cert.domain}" if cert.domain else ""
    issuer = f", issued by {cert.issuer}" if cert.issuer else ""
    if cert.for_:
        where = f"held by {name(topology, cert.for_)}"
    elif cert.host:
        where = f"installed on {name(topology, cert.host)}"
    else:
        where = "not installed anywhere"
    return f"The certificate {name(topology, cert_id)} is the one{domain}{issuer}, {where}: TLS ends where it is."


def _cluster_here(topology: Topology, cluster_id: str, article: str = "The") -> str:
    cluster = topology.components[cluster_id]
    assert isinstance(cluster, Cluster)
    vip = f" behind the virtual IP {cluster.vip}" if cluster.vip else ""
    if cluster.mode == "active_passive":
        how = (f"{name(topology, cluster.members[0])} is active and {_names(topology, cluster.members[1:])} "
               f"stand{'s' if len(cluster.members) == 2 else ''} by, taking over when it fails")
    else:
        how = "every member takes traffic at once"
    return f"{article} cluster {name(topology, cluster_id)} groups {_names(topology, cluster.members)}{vip}: {how}."


# --- failures ---------------------------------------------------------------------------
LOST_WORDS = {"serve": "serving requests", "read": "reading data", "write": "writing data"}


def failure_section(analysis: Analysis) -> Section | None:
    """What the clients lose when each machine (or hostless component) fails alone."""
    topology = analysis.topology
    scenarios = analysis.scenarios()
    if not scenarios:
        return None
    rows, harmless = [], []
    for scenario in scenarios:
        unit = scenario["fail"][0]  # type: ignore[index]
        lost = scenario["lost"]
        if not lost:
            harmless.append(unit)
            continue
        on_it = [name(topology, c) for c in topology.on_unit(unit) if c != unit and c in topology.linked]
        keeps = scenario["keeps"]
        rows.append((name(topology, unit), ", ".join(on_it) or "-",
                     sentence_list([LOST_WORDS[c] for c in lost]),  # type: ignore[union-attr]
                     sentence_list([LOST_WORDS[c] for c in keeps]) or "nothing"))  # type: ignore[union-attr]
    paragraphs = []
    if rows:
        paragraphs.append("When one of these fails alone, the clients lose what the table says, until it is back:")
    if harmless:
        paragraphs.append(f"Something else takes over, and the clients lose nothing, when one of these "
                          f"fails alone: {_names(topology, harmless)}.")
    table = Table(("fails", "carrying", "the clients lose", "they keep"), tuple(rows)) if rows else None
    if table is not None:
        return Section("If a part fails", paragraphs=tuple(paragraphs[:1]), table=table,
                       subsections=(Section("What can fail unnoticed", paragraphs=tuple(paragraphs[1:])),)
                       if harmless else ())
    return Section("If a part fails", paragraphs=tuple(paragraphs))


def percent(value: float) -> str:
    """99.7901 %, with 'over 99.9999 %' rather than a rounded 100."""
    if value < 1 and round(value * 100, 4) >= 100:
        return "over 99.9999 %"
    return f"{value * 100:.4f} %"


def yearly_downtime(hours: float) -> str:
    """'18 h 23 min', '31 min', 'under a minute'."""
    minutes = round(hours * 60)
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes} min" if minutes else "under a minute"


def _default_availabilities() -> str:
    """'servers 99.9 %, load balancers, web servers and firewalls 99.99 %, ...'."""
    by_value: dict[float, list[str]] = {}
    for kind, value in DEFAULT_AVAILABILITY.items():
        by_value.setdefault(value, []).append(KINDS[kind].heading.lower())
    return ", ".join(f"{sentence_list(kinds)} {value * 100:g} %" for value, kinds in by_value.items())


def availability_section(analysis: Analysis) -> Section | None:
    """How much of the time the clients can do what the design is for, and what limits it."""
    topology, results = analysis.topology, analysis.availability
    if not results:
        return None
    rows = []
    for result in results:
        if not result.error:
            how = "exact"
        elif result.error * 100 < 0.00005:  # cannot move the fourth decimal shown
            how = "exact to the digits shown"
        else:
            how = f"± {result.error * 100:.2g} %"
        rows.append((result.capability.action, percent(result.value), yearly_downtime(result.downtime_hours), how))
    assumptions = (f"Each part is taken to be up the share of the time its availability field gives (when "
                   f"the spec gives none: {_default_availabilities()}), parts fail independently and failover "
                   f"is immediate; a server is down when anything it runs is.")
    paragraphs = []
    by_needs: dict[tuple[tuple[str, float], ...], list[str]] = {}
    for result in results:
        by_needs.setdefault(result.single_points, []).append(LOST_WORDS[result.capability.value])
    for single_points, doings in by_needs.items():
        doing = upper_first(sentence_list(doings))
        if not single_points:
            paragraphs.append(f"{doing} survive{'s' if len(doings) == 1 else ''} the loss of any one part: "
                              f"only parts failing together stop {'it' if len(doings) == 1 else 'them'}, "
                              f"which is rare.")
            continue
        named = [f"{name(topology, u)} (down {yearly_downtime((1 - a) * HOURS_PER_YEAR)} a year)"
                 for u, a in single_points[:LIST_LIMIT]]
        if len(single_points) > LIST_LIMIT:
            named.append(f"{len(single_points) - LIST_LIMIT} more")
        need = "needs" if len(doings) == 1 else "need"
        paragraphs.append(f"{doing} {need} {sentence_list(named)} with nothing to take over"
                          + (", so their downtimes add up." if len(single_points) > 1 else "."))
    best, worst = max(results, key=lambda r: r.value), min(results, key=lambda r: r.value)
    extra = {u for u, _ in worst.single_points} - {u for u, _ in best.single_points}
    if worst.value < best.value and extra:
        least = [LOST_WORDS[r.capability.value] for r in results if r.value == worst.value]
        are, it = ("is", "it") if len(least) == 1 else ("are", "they")
        paragraphs.append(f"{upper_first(sentence_list(least))} {are} the least available: beyond what "
                          f"{LOST_WORDS[best.capability.value]} needs, {it} also depend"
                          f"{'s' if len(least) == 1 else ''} on {_names(topology, sorted(extra))}, "
                          f"which nothing replaces.")
    return Section("How available the design is", paragraphs=(assumptions,),
                   table=Table(("the clients can", "of the time", "down a year", "how exact"), tuple(rows)),
                   subsections=(Section("What limits it", paragraphs=tuple(paragraphs)),))


# --- load balancing -------------------------------------------------------------------
def load_balancing(topology: Topology) -> Section | None:
    lbs = topology.of_kind("load_balancer")
    if not lbs:
        return None
    subsections = []
    by_algorithm: dict[str, list[str]] = {}
    for lb in lbs:
        component = topology.components[lb]
        assert isinstance(component, LoadBalancer)
        by_algorithm.setdefault(component.algorithm, []).append(lb)
    for algorithm_id, members in by_algorithm.items():
        algorithm = ALGORITHMS[algorithm_id]
        who = f"The load balancer{'' if len(members) == 1 else 's'} {_names(topology, members)}"
        subsections.append(Section(
            f"The algorithm: {algorithm.name}",
            paragraphs=(
                f"{who} use{'s' if len(members) == 1 else ''} {algorithm.name}: it {algorithm.how}.",
                f'In HAProxy this is "{algorithm.haproxy}".' if _uses(topology, members, "haproxy") else
                f'In HAProxy terms this is "{algorithm.haproxy}".',
            ),
        ))
    subsections.append(Section(
        "Active-active or active-passive",
        paragraphs=(ACTIVE_ACTIVE, ACTIVE_PASSIVE, "In this design:"),
        bullets=tuple(tier_modes(topology)),
    ))
    return Section("Load balancing", subsections=tuple(subsections))


def _uses(topology: Topology, ids: Iterable[str], software: str) -> bool:
    return any((topology.components[i].software or "").lower() == software for i in ids)


def tier_modes(topology: Topology) -> list[str]:
    """One sentence per tier: active-active, active-passive, or a single node."""
    lines = []
    lbs = topology.of_kind("load_balancer")
    lb_clusters = [c for c in topology.of_kind("cluster") if topology.kind(topology.members(c)[0]) == "load_balancer"]
    if lb_clusters:
        for cluster_id in lb_clusters:
            lines.append("The load balancers: " + _cluster_here(topology, cluster_id, article="the"))
    elif len(lbs) == 1:
        lines.append(f"The load balancers: only {name(topology, lbs[0])}, so this tier is neither: it has no "
                     f"redundancy at all and is a single point of failure.")
    else:
        lines.append(f"The load balancers: {_names(topology, lbs)} each take their own traffic (active-active).")
    for lb in lbs:
        component = topology.components[lb]
        assert isinstance(component, LoadBalancer)
        backends = topology.backends(lb)
        spares = [f.target for f in topology.flows_from.get(lb, ()) if f.link.backup]
        algorithm = ALGORITHMS[component.algorithm]
        if len(backends) > 1 and algorithm.active_active:
            line = (f"Behind {name(topology, lb)}: active-active. {algorithm.name.capitalize()} sends requests "
                    f"to {_names(topology, backends)} at the same time.")
        elif len(backends) > 1:
            line = (f"Behind {name(topology, lb)}: {algorithm.name} fills {name(topology, backends[0])} first; "
                    f"the other backends take traffic only when it is full.")
        elif backends:
            line = f"Behind {name(topology, lb)}: one backend, {name(topology, backends[0])}, so no redundancy."
        else:
            line = f"Behind {name(topology, lb)}: no backend."
        if spares:
            line += (f" {_names(topology, spares)} {'is a backup' if len(spares) == 1 else 'are backups'} "
                     f"(active-passive): traffic goes there only when the others are down.")
        lines.append(line)
    primaries = [d for d in topology.of_kind("database") if not topology.is_replica(d)]
    replicas = [d for d in topology.of_kind("database") if topology.is_replica(d)]
    if primaries and replicas:
        lines.append(f"The databases: for writes active-passive: {_names(topology, primaries)} "
                     f"take{'s' if len(primaries) == 1 else ''} every write, while {_names(topology, replicas)} "
                     f"serve{'s' if len(replicas) == 1 else ''} reads and stand{'s' if len(replicas) == 1 else ''} "
                     f"by to be promoted.")
    return lines


# --- databases ------------------------------------------------------------------------
def database_section(topology: Topology) -> Section | None:
    databases = topology.of_kind("database")
    if not databases:
        return None
    replicas = [d for d in databases if topology.is_replica(d)]
    paragraphs: list[str] = []
    if replicas:
        for replica_id in replicas:
            replica = topology.components[replica_id]
            assert isinstance(replica, Database) and replica.replica_of
            primary = topology.components[replica.replica_of]
            log = REPLICATION_LOG.get((primary.software or "").lower(), "replication log")
            mode_name, mode_text = REPLICATION_MODES[replica.replication]
            paragraphs.append(
                f"{name(topology, replica.replica_of)} is the primary (the master) and {name(topology, replica_id)} "
                f"a replica (a slave) that copies it with {mode_name} replication. The primary records every change "
                f"in its {log}; the replica fetches that log and replays it, so it holds the same data. {mode_text}"
            )
    else:
        paragraphs.append(f"{_names(topology, databases)} {'has' if len(databases) == 1 else 'have'} no replica: "
                          f"there is one copy of each database's data, and a failure loses access to it.")
    uses = application_view(topology)
    if replicas:
        paragraphs.append(
            "For the application, the primary and a replica are not the same: every write (INSERT, UPDATE, DELETE) "
            "must go to the primary; reads may go to either; a replica is read-only, and when the primary fails "
            "one is promoted to take the writes."
        )
    return Section("The database" + ("s" if len(databases) > 1 else "") + (" and replication" if replicas else ""),
                   paragraphs=tuple(paragraphs), bullets=tuple(uses))


def application_view(topology: Topology) -> list[str]:
    """Who reads and writes which database, from the links; alike callers share a line."""
    by_use: dict[str, list[str]] = {}
    for source in topology.components:
        flows = [f for f in topology.flows_from.get(source, ()) if topology.kind(f.target) == "database"]
        if not flows:
            continue
        parts = []
        for flow in flows:
            role = topology.components[flow.target].role  # type: ignore[union-attr]
            parts.append(f"{ACCESS_VERBS[flow.link.access or 'readwrite']} {name(topology, flow.target)} (the {role})")
        by_use.setdefault(sentence_list(parts), []).append(source)
    return [f"{_names(topology, sources)} {use}." for use, sources in by_use.items()]


# --- security and monitoring ----------------------------------------------------------
def security_section(topology: Topology) -> Section | None:
    subsections = []
    firewalls = topology.of_kind("firewall")
    if firewalls:
        bullets = [firewall_rules(topology, f) for f in firewalls]
        subsections.append(Section(
            "Firewalls",
            paragraphs=(KINDS["firewall"].what,
                        "Each firewall should let in exactly the traffic the links need, and nothing else:"),
            bullets=tuple(bullets),
        ))
    client_flows = topology.client_flows
    if client_flows:
        encrypted = [f for f in client_flows if f.link.encrypted]
        plain = [f for f in client_flows if not f.link.encrypted]
        paragraphs = []
        if encrypted:
            targets = list(dict.fromkeys(f.target for f in encrypted))
            paragraphs.append(
                f"Users reach {_names(topology, targets)} over HTTPS. HTTPS protects the traffic between the users "
                f"and the site: an eavesdropper on the path (public Wi-Fi, an ISP) cannot read or change it, and "
                f"the certificate proves to the browser that it talks to the real site."
            )
            for lb in topology.of_kind("load_balancer"):
                inbound = any(f.link.encrypted for f in topology.flows_into.get(lb, ()))
                plain_out = [f.target for f in topology.flows_from.get(lb, ()) if not f.link.encrypted]
                if inbound and plain_out:
                    paragraphs.append(
                        f"TLS ends at {name(topology, lb)}: from there to {_names(topology, list(dict.fromkeys(plain_out)))} "
                        f"the requests travel unencrypted inside the network."
                    )
        if plain:
            targets = list(dict.fromkeys(f.target for f in plain))
            paragraphs.append(f"Users reach {_names(topology, targets)} over plain {plain[0].link.protocol.upper()}: "
                              f"passwords and cookies cross the network as readable text.")
        subsections.append(Section("HTTPS", paragraphs=tuple(paragraphs)))
    if not subsections:
        return None
    return Section("Security", subsections=tuple(subsections))


def firewall_rules(topology: Topology, firewall_id: str) -> str:
    """What a firewall should let in: the links that cross it, grouped by port and sources."""
    firewall = topology.components[firewall_id]
    assert isinstance(firewall, Firewall)
    protected = firewall.protects or ([firewall.host] if firewall.host else [])
    crossing: dict[tuple[str, str], list[str]] = {}  # (port, source) -> targets
    for unit in protected:
        inside = set(topology.on_unit(unit))
        for component in topology.on_unit(unit):
            for flow in topology.flows_into.get(component, ()):
                if flow.source not in inside:
                    port = port_phrase(flow.link.protocol, flow.link.port)
                    crossing.setdefault((port, flow.source), []).append(component)
    if firewall_id in topology.linked:
        for flow in topology.flows_from.get(firewall_id, ()):
            crossing.setdefault((port_phrase(flow.link.protocol, flow.link.port), ""), []).append(flow.target)
    grouped: dict[tuple[str, tuple[str, ...]], list[str]] = {}  # (port, targets) -> sources
    for (port, source), targets in crossing.items():
        grouped.setdefault((port, tuple(dict.fromkeys(targets))), []).append(source)
    allowed = []
    for (port, targets), sources in sorted(grouped.items()):
        origin = f" from {_names(topology, sources)}" if any(sources) else ""
        allowed.append(f"{port}{origin} {'on ' if not any(sources) else ''}to {_names(topology, targets)}")
    target = _names(topology, protected) if protected else "the traffic that passes it"
    if not allowed:
        return f"{name(topology, firewall_id)} ({target}): no link enters; it can drop all inbound traffic."
    return f"{name(topology, firewall_id)} ({target}): allow {'; '.join(allowed)}."


def monitoring_section(topology: Topology) -> Section | None:
    agents = topology.of_kind("monitoring")
    if not agents:
        return None
    services = sorted({a.to for a in topology.components.values() if isinstance(a, Monitoring) and a.to})
    destination = sentence_list(services) if services else "the monitoring service"
    paragraphs = [
        "Monitoring is there to know that something is broken or slow before the users say so: it alerts the "
        "people on call, gives them the metrics and logs to find the cause, and shows the trends that tell when "
        "to add capacity.",
        f"How the data is collected: {_monitoring_here(topology, agents)[len('Here: '):-1]}. Each agent runs on "
        f"its server, samples the host's metrics (CPU, memory, disk, network) and the logs and counters of the "
        f"services there, and sends them to {destination}, which stores, graphs and alerts on them.",
    ]
    web_software = sorted({(topology.components[w].software or "").lower() for w in topology.of_kind("web_server")})
    for software in web_software or [""]:
        who = software_name(software) or "the web server"
        how = QPS_HOW.get(software, QPS_GENERIC)
        paragraphs.append(f"To monitor {who}'s queries per second (QPS): {how}.")
    return Section("Monitoring", paragraphs=tuple(paragraphs))


# --- issues and references ------------------------------------------------------------
CATEGORY_TITLES = {
    Category.RELIABILITY: "Reliability",
    Category.SECURITY: "Security",
    Category.PERFORMANCE: "Performance",
    Category.OBSERVABILITY: "Observability",
    Category.DESIGN: "Design",
}


def issue_groups(analysis: Analysis) -> tuple[FindingGroup, ...]:
    from archdoc.rules import RULES

    groups = []
    for category, title in CATEGORY_TITLES.items():
        rules = []
        for rule_id, rule in RULES.items():
            findings = tuple(f for f in analysis.findings if f.category is category and f.rule == rule_id)
            if not findings:
                continue
            why = findings[0].why if len({f.why for f in findings}) == 1 else None
            fix = findings[0].fix if len({f.fix for f in findings}) == 1 else None
            rules.append(RuleGroup(rule_id, rule.name, rule.severity.value, findings, why, fix))
        if rules:
            groups.append(FindingGroup(title, tuple(rules)))
    return tuple(groups)


def references(topology: Topology, analysis: Analysis) -> tuple[tuple[str, str], ...]:
    keys = []
    if topology.dns or topology.domain:
        keys.append("dns")
    keys += ["tcp", "http"]
    lbs = topology.of_kind("load_balancer")
    if lbs:
        keys.append("haproxy_balance" if _uses(topology, lbs, "haproxy") or not _uses(topology, lbs, "nginx")
                    else "nginx_lb")
    if any(isinstance(c, Cluster) and c.mode == "active_passive" for c in topology.components.values()):
        keys.append("keepalived")
    database_software = {(topology.components[d].software or "").lower() for d in topology.of_kind("database")}
    if topology.of_kind("database"):
        for software, key in (("postgresql", "postgresql_replication"), ("postgres", "postgresql_replication"),
                              ("mariadb", "mariadb_replication")):
            if software in database_software:
                keys.append(key)
        if "mysql" in database_software or not database_software - {""}:
            keys.append("mysql_replication")
    if any(f.link.encrypted for f in topology.flows):
        keys.append("tls")
    if any(isinstance(c, Certificate) and "encrypt" in (c.issuer or "").lower() for c in topology.components.values()):
        keys.append("letsencrypt")
    if topology.of_kind("firewall") or any(f.rule == "no-firewall" for f in analysis.findings):
        keys.append("firewall")
    monitoring_software = {(topology.components[m].software or "").lower() for m in topology.of_kind("monitoring")}
    if topology.of_kind("monitoring"):
        web_software = {(topology.components[w].software or "").lower() for w in topology.of_kind("web_server")}
        if "apache" in web_software:
            keys.append("apache_status")
        if "nginx" in web_software or "apache" not in web_software:
            keys.append("nginx_status")
        keys += [k for s, k in (("datadog", "datadog_agent"), ("sumologic", "sumologic_collector"))
                 if s in monitoring_software]
    if any(f.rule == "spof" for f in analysis.findings):
        keys.append("spof")
    return tuple(REFERENCES[k] for k in dict.fromkeys(keys))


def build_report(analysis: Analysis) -> Report:
    """The report of one analysed design."""
    topology = analysis.topology
    sections: list[Section] = []
    walk = request_walk(topology)
    if walk:
        sections.append(Section("How a request travels", steps=tuple(walk)))
    for section in (failure_section(analysis), availability_section(analysis)):
        if section:
            sections.append(section)
    sections.append(Section("The components", subsections=tuple(component_sections(topology))))
    for section in (load_balancing(topology), database_section(topology), security_section(topology),
                    monitoring_section(topology)):
        if section:
            sections.append(section)
    return Report(
        title=topology.title,
        description=topology.description,
        summary=summary(analysis),
        overview=servers_table(topology),
        sections=tuple(sections),
        issues=issue_groups(analysis),
        references=references(topology, analysis),
        counts=analysis.counts(),
    )

