"""The components: what each kind is in general, and what it does in this design."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from archdoc.explain.design import algorithm_of, backup_only, backups, database_role, senders, through
from archdoc.explain.knowledge import ONE_VIP_ONE_HOLDER
from archdoc.explain.naming import described, name, names
from archdoc.explain.report.document import Section
from archdoc.model import Topology
from archdoc.model.components import Certificate, Cluster, Database, Firewall, Monitoring, Server
from archdoc.model.kinds import KINDS_IN_REQUEST_ORDER, TIER_KINDS, Kind
from archdoc.model.software import software_name
from archdoc.wording import noun, one_or_many, plural, sentence_list, upper_first, verb

# What a server can run that carries traffic, named in the sentence about servers.
TRAFFIC_ROLES = (Kind.LOAD_BALANCER, Kind.WEB_SERVER, Kind.APP_SERVER, Kind.DATABASE, Kind.CACHE)

def _neighbours(topology: Topology, ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """Who sends requests to these components, and where they send theirs, in link order,
    firewall hops seen through (the firewalls are named where they filter)."""
    ids = list(ids)
    incoming = list(dict.fromkeys(s for c in ids for s in senders(topology, c)))
    outgoing = list(dict.fromkeys(t for c in ids for f in topology.flows_from.get(c, ())
                                  for t in topology.beyond_firewalls(f.target)))
    return incoming, outgoing


def _role_here(topology: Topology, component_id: str) -> str:
    """What this component does in this design, from its links."""
    incoming, outgoing = _neighbours(topology, [component_id])
    parts = []
    if incoming:
        parts.append("receives requests from " + sentence_list(
            name(topology, s) + through(topology, s, component_id) for s in incoming))
    if outgoing:
        parts.append("sends requests to " + sentence_list(
            name(topology, t) + through(topology, component_id, t) for t in outgoing))
    who = f"The {topology.kind(component_id).singular} {described(topology, component_id)}"
    if not parts:
        return f"{who} takes no part in any link."
    return f"{who} {' and '.join(parts)}."


def _roles_here(topology: Topology, kind: Kind, ids: tuple[str, ...]) -> str:
    """Many components of one kind, in one sentence: who sends them requests, and where they send theirs."""
    incoming, outgoing = _neighbours(topology, ids)
    software = sorted({software_name(topology.components[c].software) or "" for c in ids} - {""})
    parts = []
    if incoming:
        parts.append(f"receive requests from {names(topology, incoming)}")
    if outgoing:
        parts.append(f"send requests to {names(topology, outgoing)}")
    what = f"The {len(ids)} {kind.plural}{' (' + ', '.join(software) + ')' if software else ''}"
    return f"{what}, {names(topology, ids)}, {' and '.join(parts) or 'take no part in any link'}."


def component_sections(topology: Topology) -> list[Section]:
    sections = []
    for kind in KINDS_IN_REQUEST_ORDER:
        ids = topology.of_kind(kind)
        if not ids:
            continue
        paragraphs = [kind.facts.what, *WHY_HERE[kind](topology, ids)]
        sections.append(Section(upper_first(kind.plural), paragraphs=tuple(paragraphs)))
    return sections


def _clients_here(topology: Topology, ids: tuple[str, ...]) -> list[str]:
    return [f"Here the {noun(len(ids), 'client')} {verb(len(ids), 'be')} {names(topology, ids)}."]


def _workers_here(topology: Topology, ids: tuple[str, ...]) -> list[str]:
    """Web servers, application servers, caches: what each does, and what several give."""
    kind = topology.kind(ids[0])
    text = [_role_here(topology, c) for c in ids] if len(ids) <= 4 else [_roles_here(topology, kind, ids)]
    everywhere = backup_only(topology)
    waiting = [c for c in ids if c in everywhere]
    active = [c for c in ids if c not in waiting]
    direct = {b for lb in topology.of_kind(Kind.LOAD_BALANCER) for b in backups(topology, lb)}
    behind = [c for c in waiting if c not in direct]
    if waiting and active:
        when = f"only when {names(topology, active)} {verb(len(active), 'be')} down"
        if behind:
            fronts = [s for c in behind for s in senders(topology, c)]
            when = f"only through the {noun(len(fronts), 'backup')} {names(topology, list(dict.fromkeys(fronts)))}"
        text.append(f"The {noun(len(waiting), 'backup')} "
                    f"{names(topology, waiting)} {verb(len(waiting), 'take')} requests {when}, so "
                    f"{one_or_many(len(waiting), 'it adds', 'they add')} redundancy but no capacity: the "
                    f"capacity is that of {plural(len(active), kind.singular)}.")
    elif len(ids) > 1:
        text.append(f"With {plural(len(ids), kind.singular)}, one can fail or be restarted for an "
                    f"update while the others serve, and their capacity adds up.")
    return text


def _app_files_here(topology: Topology, ids: tuple[str, ...]) -> list[str]:
    hosts = [topology.host_of(c) for c in ids]
    where = ", ".join(f"{name(topology, c)} on {name(topology, h)}" if h else name(topology, c)
                      for c, h in zip(ids, hosts, strict=True))
    return [f"Here: {where}. Every server that runs the application server needs the same version of the "
            f"code, so a deploy updates them all."]


def _servers_here(topology: Topology, ids: tuple[str, ...]) -> str:
    roles_of = {}
    for server_id in ids:
        kinds = {topology.kind(c) for c in topology.hosted_on[server_id]}
        roles = [k.singular for k in KINDS_IN_REQUEST_ORDER if k in kinds and k in TRAFFIC_ROLES]
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
        listing = "; ".join(f"{len(members)} run {roles} ({names(topology, members)})"
                            for roles, members in groups.items())
    text = f"This design has {plural(len(ids), 'server')}: {listing}."
    tier_servers = [s for s in ids if any(topology.kind(c) in TIER_KINDS for c in topology.hosted_on[s])]
    separate = all(sum(1 for t in TIER_KINDS if any(topology.kind(c) == t for c in topology.hosted_on[s])) == 1
                   for s in tier_servers)
    if separate and len(tier_servers) > 1:
        text += (" Each tier has a server of its own, so each can be sized, scaled and maintained on its own, "
                 "and a busy database no longer slows the web server down.")
    return text


def _load_balancers_here(topology: Topology, ids: tuple[str, ...]) -> list[str]:
    """What each load balancer does; balancers with the same backends and algorithm (the
    members of a pair, say) share a sentence."""
    groups: dict[tuple[tuple[str, ...], tuple[str, ...], str], list[str]] = {}
    for lb in ids:
        algorithm = algorithm_of(topology, lb)
        algorithm_name = algorithm.info.name if algorithm.chosen else f"the default algorithm ({algorithm.default_note})"
        groups.setdefault((topology.backends(lb), backups(topology, lb), algorithm_name), []).append(lb)
    text = []
    for (backends, waiting, algorithm_name), lbs in groups.items():
        count = len(lbs)
        who = (f"The load balancers {names(topology, lbs)}" if count > 1
               else f"The load balancer {described(topology, lbs[0])}")
        spare = ""
        if waiting:
            spare = (f" The {noun(len(waiting), 'backup')} {names(topology, waiting)} {verb(len(waiting), 'take')} "
                     f"requests only when {names(topology, backends)} {verb(len(backends), 'be')} down.")
        if len(backends) > 1:
            text.append(f"{who} {verb(count, 'spread')} requests over {names(topology, backends)} with "
                        f"{algorithm_name}, so no backend carries all the traffic, and {verb(count, 'stop')} "
                        f"sending requests to a backend whose health check fails.{spare}")
        elif backends and waiting:
            text.append(f"{who} {verb(count, 'send')} every request to {name(topology, backends[0])} and "
                        f"{verb(count, 'keep')} {names(topology, waiting)} as {noun(len(waiting), 'a backup', 'backups')}: "
                        f"an active-passive setup, where {names(topology, waiting)} {verb(len(waiting), 'take')} over "
                        f"when the health check of {name(topology, backends[0])} fails.")
        elif backends:
            text.append(f"{who} {verb(count, 'send')} every request to {one_or_many(count, 'its', 'their')} one "
                        f"backend, {name(topology, backends[0])}; more backends can be added behind "
                        f"{one_or_many(count, 'it', 'them')} without changing the address users connect to.")
        else:
            text.append(f"{who} {verb(count, 'have')} no backend in the links.")
    return text


def _databases_here(topology: Topology, ids: tuple[str, ...]) -> list[str]:
    text = []
    for db in ids:
        component = topology.components[db]
        assert isinstance(component, Database)
        role = database_role(topology, db)
        if component.role == "replica":
            text.append(f"The database {described(topology, db)} is {role}: a second, continuously updated copy "
                        f"of the data, which can serve reads and can be promoted to primary if the primary fails.")
        elif role.startswith("a member of the multi-primary"):
            text.append(f"The database {described(topology, db)} is {role}: it takes reads and writes, like "
                        f"the other members.")
        elif role == "the primary":
            text.append(f"The database {described(topology, db)} is a primary: it takes the writes.")
        else:
            text.append(f"The database {described(topology, db)} is {role}.")
    return text


def _firewall_here(topology: Topology, firewall_id: str) -> str:
    firewall = topology.components[firewall_id]
    assert isinstance(firewall, Firewall)
    protected = firewall.protects or ([firewall.host] if firewall.host else [])
    parts = []
    if protected:
        parts.append(f"protects {names(topology, protected)}")
    if firewall_id in topology.linked:
        beyond = [f.target for f in topology.flows_from.get(firewall_id, ())]
        parts.append(f"filters the traffic on its way to {names(topology, beyond)}")
    return f"The firewall {name(topology, firewall_id)} {' and '.join(parts) or 'protects nothing yet'}."


def monitoring_here(topology: Topology, ids: tuple[str, ...]) -> str:
    placed: dict[str, list[str]] = {}  # destination -> what its agents watch
    for agent_id in ids:
        agent = topology.components[agent_id]
        assert isinstance(agent, Monitoring)
        watched = ([agent.host] if agent.host else []) + agent.for_
        if len(ids) <= 6:
            to = f", shipping to {agent.to}" if agent.to else ""
            placed.setdefault(f"{name(topology, agent_id)} watches {names(topology, watched) or 'nothing'}{to}", [])
        else:
            placed.setdefault(agent.to or "", []).extend(watched)
    if len(ids) <= 6:
        return f"Here: {'; '.join(placed)}."
    return "Here: " + "; ".join(
        f"agents on {names(topology, watched)}{' ship to ' + to if to else ''}" for to, watched in placed.items()
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


def cluster_here(topology: Topology, cluster_id: str, article: str = "The") -> str:
    cluster = topology.components[cluster_id]
    assert isinstance(cluster, Cluster)
    vip = f" behind the virtual IP {cluster.vip}" if cluster.vip else ""
    if cluster.mode == "active_passive":
        how = (f"{name(topology, cluster.members[0])} is active and {names(topology, cluster.members[1:])} "
               f"{verb(len(cluster.members) - 1, 'stand')} by, taking over when it fails")
    elif cluster.vip and any(topology.kind(s) == Kind.LOAD_BALANCER for s in senders(topology, cluster.members[0])):
        balancers = [s for s in senders(topology, cluster.members[0]) if topology.kind(s) == Kind.LOAD_BALANCER]
        how = (f"every member takes traffic at once: {names(topology, balancers)} {verb(len(balancers), 'send')} "
               f"requests to each member at its own address; {ONE_VIP_ONE_HOLDER}, so the virtual IP serves only "
               f"what connects to it directly")
    elif cluster.vip:
        how = (f"the members are meant to take traffic at once, but {ONE_VIP_ONE_HOLDER}. As drawn, only the "
               f"member holding {cluster.vip} takes traffic and the others stand by; for every member to take "
               f"traffic, the clients need each member's own address: several DNS A records, or a load balancer "
               f"(or connection router) in front")
    else:
        how = "every member takes traffic at once"
    return f"{article} cluster {name(topology, cluster_id)} groups {names(topology, cluster.members)}{vip}: {how}."


WHY_HERE: dict[Kind, Callable[[Topology, tuple[str, ...]], list[str]]] = {
    Kind.CLIENT: _clients_here,
    Kind.SERVER: lambda topology, ids: [_servers_here(topology, ids)],
    Kind.LOAD_BALANCER: _load_balancers_here,
    Kind.WEB_SERVER: _workers_here,
    Kind.APP_SERVER: _workers_here,
    Kind.CACHE: _workers_here,
    Kind.APP_FILES: _app_files_here,
    Kind.DATABASE: _databases_here,
    Kind.FIREWALL: lambda topology, ids: [_firewall_here(topology, f) for f in ids],
    Kind.MONITORING: lambda topology, ids: [monitoring_here(topology, ids)],
    Kind.CERTIFICATE: lambda topology, ids: [_certificate_here(topology, c) for c in ids],
    Kind.CLUSTER: lambda topology, ids: [cluster_here(topology, c) for c in ids],
}
