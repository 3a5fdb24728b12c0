"""The walk of one request, from the user's browser through the design and back.

Each step follows from the spec: the DNS record's type and target, the client link's
protocol and port, and then the links hop by hop. Where a load balancer offers several
backends, the walk names them all and follows the first.
"""

from __future__ import annotations

from archdoc.explain.design import algorithm_of, backups, database_role, hops_between, multi_primary_clusters, through
from archdoc.explain.knowledge import ACCESS_VERBS, DEFAULT_PORTS
from archdoc.explain.naming import described, name, names
from archdoc.model import DnsRecord, Flow, Topology
from archdoc.model.components import Certificate, Cluster, Database, Firewall, LoadBalancer, Server
from archdoc.model.kinds import Kind
from archdoc.model.software import software_name
from archdoc.wording import noun, one_or_many, sentence_list, verb, verb_phrase


def address_of(topology: Topology, component_id: str) -> str | None:
    component = topology.components[component_id]
    if isinstance(component, Server):
        return component.ip
    if isinstance(component, Cluster):
        return component.vip
    host = topology.host_of(component_id)
    return address_of(topology, host) if host else None


def site_record(topology: Topology) -> DnsRecord | None:
    """The record users look up: www, else the apex, else the first."""
    for wanted in ("www", "@", ""):
        for record in topology.dns:
            if record.name == wanted:
                return record
    return topology.dns[0] if topology.dns else None


def _dns_step(topology: Topology, first: Flow) -> str | None:
    record = site_record(topology)
    if record is None:
        if topology.domain:
            return (f"The user opens {topology.domain} in the browser, which asks DNS for the address of that "
                    f"name (the spec lists no DNS records).")
        return None
    host = record.fqdn(topology.domain)
    opening = (f"The user opens {host} in the browser. The domain name is for people; computers connect to IP "
               f"addresses, so the browser first asks DNS to translate the name.")
    if record.type == "CNAME":
        return (f"{opening} The {host} record is a CNAME: it names another host name, {record.to}, which DNS "
                f"resolves in turn to an address.")
    if record.component is not None:
        address = address_of(topology, record.component)
        what = f"the address of {name(topology, record.component)}"
        if isinstance(topology.components[record.component], Cluster):
            what = f"the virtual IP of the cluster {name(topology, record.component)}"
        answer = f"{address}, {what}" if address else what
    else:
        answer = record.to
    kind = {"A": "an A record, which maps a name to an IPv4 address",
            "AAAA": "an AAAA record, which maps a name to an IPv6 address"}.get(record.type, f"a {record.type} record")
    return f"{opening} The {host} record is {kind}: it answers {answer}."


def _connect_step(topology: Topology, first: Flow, entry: str) -> str:
    """The TCP connection (and TLS handshake) to ``entry``, what answers the client's link
    once firewall hops are seen through; the hops are named as the filter on the way."""
    link = first.link
    port = link.port or DEFAULT_PORTS.get(link.protocol)
    answers = link.target if topology.kind(link.target) != Kind.FIREWALL else entry
    hops = hops_between(topology, first.source, entry)
    if hops:  # past the firewall hops, the link that reaches the entry: to it, or to its cluster
        answers = next((f.link.target for f in topology.flows_from.get(hops[-1], ()) if f.target == entry), entry)
    address = address_of(topology, answers) or address_of(topology, entry)
    where = f"{address} ({name(topology, answers)})" if address else name(topology, answers)
    on_port = f" on port {port}" if port else ""
    filtered = ""
    if hops:
        filtered = (f" On the way, the {noun(len(hops), 'firewall')} {names(topology, hops)} "
                    f"{verb(len(hops), 'check')} the connection against {one_or_many(len(hops), 'its', 'their')} "
                    f"rules and {verb(len(hops), 'let')} it through.")
    if link.encrypted:
        certificate = _certificate_phrase(topology, entry)
        return (f"The browser opens a TCP connection to {where}{on_port}.{filtered} It starts a TLS handshake: "
                f"{name(topology, entry)} presents {certificate}, the browser checks it and both agree on session "
                f"keys. The HTTP request then travels encrypted: HTTPS is HTTP over TLS, over TCP/IP.")
    return (f"The browser opens a TCP connection to {where}{on_port} and sends the HTTP request over it in plain "
            f"text ({link.protocol.upper()} over TCP/IP): anyone on the path can read it.{filtered}")


def _certificate_phrase(topology: Topology, target: str) -> str:
    for cert in topology.components.values():
        if isinstance(cert, Certificate) and (cert.for_ is not None or cert.host is not None):
            holders = {target, *topology.clusters_of.get(target, ()), topology.host_of(target)}
            if cert.for_ in holders or cert.host in holders:
                parts = ["its certificate"]
                if cert.domain:
                    parts.append(f"for {cert.domain}")
                if cert.issuer:
                    parts.append(f"signed by {cert.issuer}")
                return " ".join(parts)
    return "its certificate"


def _hop(topology: Topology, current: str, flows: list[Flow]) -> str:
    component = topology.components[current]
    targets = list(dict.fromkeys(t for f in flows for t in topology.beyond_firewalls(f.target)))
    who = described(topology, current)
    if isinstance(component, LoadBalancer):
        algorithm = algorithm_of(topology, current)
        clusters = [c for c in topology.clusters_of.get(current, ())]
        lead = ""
        if clusters:
            cluster = topology.components[clusters[0]]
            assert isinstance(cluster, Cluster)
            others = [name(topology, m) for m in cluster.members if m != current]
            if cluster.mode == "active_passive" or cluster.vip:
                lead = (f"The address belongs to the cluster {name(topology, clusters[0])}: {who}, the member that "
                        f"holds it, takes the connection while {sentence_list(others)} "
                        f"{verb(len(others), 'stand')} by. ")
                who = name(topology, current)
            else:
                lead = f"{who} is one of the members of the cluster {name(topology, clusters[0])}, which all take traffic. "
                who = name(topology, current)
        backends = topology.backends(current)
        waiting = backups(topology, current)
        spare = ""
        if waiting:
            spare = (f" The {noun(len(waiting), 'backup')} {names(topology, waiting)} {verb(len(waiting), 'wait')}, "
                     f"taking requests only when {names(topology, backends)} {verb(len(backends), 'be')} down.")
        who = who if lead else f"The load balancer {who}"
        if len(backends) > 1:
            how = f"with {algorithm.info.name}: it {algorithm.info.how}"
            if not algorithm.chosen:
                how = f"by an algorithm the spec does not name ({algorithm.default_note.split('; ')[1]})"
            return (f"{lead}{who} chooses a backend {how}. The backends are "
                    f"{names(topology, backends)}; say it picks {name(topology, backends[0])}"
                    f"{through(topology, current, backends[0])}.{spare}")
        if backends:
            return (f"{lead}{who} passes the request to its backend, {name(topology, backends[0])}"
                    f"{through(topology, current, backends[0])}.{spare}")
        return f"{lead}{who} has no backend to pass the request to."
    if isinstance(component, Firewall):
        return (f"The firewall {who} checks the connection against its rules and lets it through to "
                f"{sentence_list(name(topology, t) for t in targets)}.")
    if component.kind == Kind.WEB_SERVER:
        nexts = sentence_list(name(topology, t) for t in targets)
        protocol = flows[0].link.protocol.upper()
        return (f"The web server {who} answers requests for static files (HTML, CSS, images) itself and passes "
                f"dynamic requests to {nexts} over {protocol}.")
    if component.kind == Kind.APP_SERVER:
        code = [name(topology, c) for c in topology.hosted_on.get(topology.host_of(current) or "", ())
                if topology.kind(c) == Kind.APP_FILES]
        runs = f"runs the application code ({sentence_list(code)})" if code else "runs the application code"
        uses = []
        for link in dict.fromkeys(f.link for f in flows):
            access = verb_phrase(1, ACCESS_VERBS.get(link.access or "", "call"))
            target = topology.components[link.target]
            if topology.is_database_cluster(link.target):
                what = "the multi-primary database cluster" if link.target in multi_primary_clusters(topology) \
                    else "the database cluster"
            elif isinstance(target, Database):
                what = "the replica database" if target.role == "replica" else "the primary database"
            else:
                what = target.kind.singular
            uses.append(f"{access} {what} {name(topology, link.target)}{through(topology, current, link.target)}")
        return f"The application server {who} {runs} and {sentence_list(uses)}."
    if component.kind == Kind.CACHE:
        return f"The cache {who} answers from memory when it holds the data."
    nexts = sentence_list(name(topology, t) for t in targets)
    return f"{who} passes the request on to {nexts}."


def protecting_firewalls(topology: Topology, unit: str) -> list[str]:
    return [i for i, c in topology.components.items() if isinstance(c, Firewall) and unit in c.protects]


def _guarded(topology: Topology, source: str, *targets: str) -> str:
    """'The firewall fw-1 checks the connection into web-01 ... ' when firewalls guard the way in
    (one sentence per firewall, naming every unit it guards here)."""
    by_guard: dict[str, list[str]] = {}
    for target in targets:
        unit = topology.failure_unit(target)
        if unit is None or topology.failure_unit(source) == unit:
            continue
        for guard in protecting_firewalls(topology, unit):
            by_guard.setdefault(guard, [])
            if unit not in by_guard[guard]:
                by_guard[guard].append(unit)
    return "".join(
        f"The firewall {name(topology, guard)} checks the {noun(len(units), 'connection')} into "
        f"{names(topology, units)} against its rules and lets {one_or_many(len(units), 'it', 'them')} in. "
        for guard, units in by_guard.items())


def _database_step(topology: Topology, caller: str, databases: list[str]) -> str:
    guards = _guarded(topology, caller, *databases)
    parts = []
    for db in databases:
        component = topology.components[db]
        assert isinstance(component, Database)
        software = software_name(component.software)
        host = topology.host_of(db)
        detail = ", ".join(x for x in (software, f"on {name(topology, host)}" if host else None) if x)
        parts.append(f"{name(topology, db)} ({detail + ', ' if detail else ''}{database_role(topology, db)})")
    count = len(parts)
    return (f"{guards}The {noun(count, 'database')} {sentence_list(parts)} {verb(count, 'run')} the "
            f"queries and {verb(count, 'return')} the results.")


def _next(topology: Topology, current: str, onward: list[Flow]) -> str:
    """Where the walk goes from ``current``: the backend a load balancer picks, else what
    answers the first link, firewall hops seen through."""
    if topology.kind(current) == Kind.LOAD_BALANCER and topology.backends(current):
        return topology.backends(current)[0]
    beyond = topology.beyond_firewalls(onward[0].target)
    return beyond[0] if beyond else onward[0].target


def request_walk(topology: Topology) -> list[str]:
    """The steps of one request from the first client, as sentences; empty without clients."""
    client_flows = [f for f in topology.flows if f.source in topology.clients]
    if not client_flows:
        return []
    first = client_flows[0]
    beyond = topology.beyond_firewalls(first.target)
    entry = beyond[0] if beyond else first.target
    steps = [s for s in (_dns_step(topology, first), _connect_step(topology, first, entry)) if s]
    visited = [first.source]
    current, came_from = entry, first.source
    databases: list[str] = []
    while current not in visited:
        visited.append(current)
        onward = [f for f in topology.flows_from.get(current, ()) if f.target not in visited]
        if topology.kind(current) == Kind.DATABASE:
            databases.append(current)
            break
        if not onward:
            steps.append(f"{described(topology, current)} handles the request.")
            break
        steps.append(_guarded(topology, came_from, current) + _hop(topology, current, onward))
        data = [f.target for f in onward if topology.kind(f.target) == Kind.DATABASE]
        if data and topology.kind(current) == Kind.APP_SERVER:
            databases.extend(dict.fromkeys(data))
            break
        came_from, current = current, _next(topology, current, onward)
    if databases:
        databases = list(dict.fromkeys(databases))
        steps.append(_database_step(topology, visited[-1], databases))
    path = [name(topology, c) for c in visited[1:] + databases[:1] if c not in databases[1:]]
    back = " → ".join(reversed(path))
    steps.append(f"The response travels back the same way ({back} → the browser), and the browser renders the page.")
    return steps
