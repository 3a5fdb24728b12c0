"""The answers a reviewer ticks off: each question of a task (docs/course.md), in the
course's order, answered in one to three sentences about this design.

The course asks students not to be verbose; the full report stays beside the answer file.
Every answer is built from the design and its findings, so that it is true of it.
"""

from __future__ import annotations

from collections.abc import Callable

from archdoc.explain.design import algorithm_of, backups, multi_primary_clusters
from archdoc.explain.knowledge import DEFAULT_PORTS, QPS_GENERIC, QPS_HOW
from archdoc.explain.naming import name, names
from archdoc.explain.report.databases import application_view
from archdoc.explain.report.purpose import part_purposes
from archdoc.explain.walk import address_of, site_record
from archdoc.model.components import Certificate, Database, Monitoring
from archdoc.model.kinds import TIER_KINDS, Kind
from archdoc.model.software import software, software_key, software_name
from archdoc.rules import Analysis, Rule
from archdoc.rules.cannot_scale import CannotScale
from archdoc.rules.colocated_tiers import ColocatedTiers
from archdoc.rules.maintenance_downtime import MaintenanceDowntime
from archdoc.rules.no_firewall import NoFirewall
from archdoc.rules.no_https import NoHttps
from archdoc.rules.no_monitoring import NoMonitoring
from archdoc.rules.single_writer import SingleWriter
from archdoc.rules.spof import Spof
from archdoc.rules.tls_terminated_at_lb import TlsTerminatedAtLb
from archdoc.wording import noun, one_or_many, plural, sentence_list, upper_first, verb

Answer = Callable[[Analysis], str]


def _messages(analysis: Analysis, rule: type[Rule], limit: int = 2) -> list[str]:
    found = [f.message for f in analysis.findings if f.rule == rule.id]
    if len(found) > limit:
        found = found[:limit] + [f"({len(found) - limit} more in the report.)"]
    return found


def _first(analysis: Analysis, kind: Kind) -> str | None:
    ids = analysis.topology.of_kind(kind)
    return ids[0] if ids else None


# --- task 0 -----------------------------------------------------------------------
def what_server(analysis: Analysis) -> str:
    topology = analysis.topology
    servers = topology.of_kind(Kind.SERVER)
    text = (f"{Kind.SERVER.facts.what}")
    if len(servers) == 1:
        hosted = [topology.kind(c).singular for c in topology.hosted_on[servers[0]]
                  if topology.kind(c) in TIER_KINDS]
        runs = f", which runs {sentence_list(['the ' + h for h in dict.fromkeys(hosted)])}" if hosted else ""
        text += f" Here it is {name(topology, servers[0])}{_ip(analysis, servers[0])}{runs}."
    elif servers:
        text += f" This design has {plural(len(servers), 'server')}: {names(topology, servers)}."
    return text


def _ip(analysis: Analysis, component: str) -> str:
    address = address_of(analysis.topology, component)
    return f" ({address})" if address else ""


def domain_role(analysis: Analysis) -> str:
    topology = analysis.topology
    record = site_record(topology)
    address = record.to if record and record.type in ("A", "AAAA") else None
    if record and record.component:
        address = address_of(topology, record.component) or address
    domain = topology.domain or "The domain name"
    to = f" ({address})" if address else ""
    return (f"{domain} is a name people can remember for the site; DNS translates it into the IP address{to} "
            f"that the browser connects to, so the machines behind it can change without users noticing.")


def www_record(analysis: Analysis) -> str:
    topology = analysis.topology
    record = site_record(topology)
    if record is None:
        return "The spec lists no DNS record for www; the course expects an A record pointing at the server's IP."
    host = record.fqdn(topology.domain)
    if record.type == "CNAME":
        return (f"{host} is a CNAME to {record.to} here, but the course expects an A record: a CNAME names another "
                f"host name and can never point at an IP address.")
    target = f"{record.to}" if not record.component else (address_of(topology, record.component) or record.to)
    kind = {"A": "an IPv4 address", "AAAA": "an IPv6 address"}.get(record.type, "a value")
    return f"{host} is {_article_record(record.type)} record: it resolves the name to {kind}, {target}."


def _article_record(record_type: str) -> str:
    return f"an {record_type}" if record_type[:1] in "AEFHILMNORSX" else f"a {record_type}"


def web_server_role(analysis: Analysis) -> str:
    topology = analysis.topology
    web = topology.of_kind(Kind.WEB_SERVER)
    if not web:
        return "The design has no web server; a web server would serve the static files and pass dynamic requests on."
    apps = topology.of_kind(Kind.APP_SERVER)
    to = f" to the application server {names(topology, apps)}" if apps else " to the application"
    who = _with_software(analysis, web)
    return (f"{who} {verb(len(web), 'answer')} the HTTP requests: {one_or_many(len(web), 'it serves', 'they serve')} "
            f"static content (HTML, CSS, images) directly and {verb(len(web), 'pass')} dynamic requests{to}.")


def _with_software(analysis: Analysis, ids: tuple[str, ...]) -> str:
    """'nginx-1 and nginx-2 (Nginx)': the names, with the software they run where the spec says."""
    found = sorted({software_name(analysis.topology.components[c].software) or "" for c in ids} - {""})
    return f"{names(analysis.topology, ids)} ({', '.join(found)})" if found else names(analysis.topology, ids)


def app_server_role(analysis: Analysis) -> str:
    topology = analysis.topology
    apps = topology.of_kind(Kind.APP_SERVER)
    if not apps:
        return "The design has no application server; one would run the code base to build the dynamic pages."
    code = topology.of_kind(Kind.APP_FILES)
    runs = f"the code base ({names(topology, code)})" if code else "the code base"
    dbs = topology.of_kind(Kind.DATABASE)
    data = f", reading and writing the data in {names(topology, dbs)}" if dbs else ""
    return f"{names(topology, apps)} {verb(len(apps), 'run')} {runs} to build the dynamic content{data}."


def database_role(analysis: Analysis) -> str:
    topology = analysis.topology
    dbs = topology.of_kind(Kind.DATABASE)
    if not dbs:
        return "The design has no database; one would store the application's data."
    who = _with_software(analysis, dbs)
    return (f"{who} {verb(len(dbs), 'store')} the application's data (users, content) durably and "
            f"{verb(len(dbs), 'answer')} the application server's queries to read and change it.")


def communication(analysis: Analysis) -> str:
    topology = analysis.topology
    flows = topology.client_flows
    if not flows:
        return "Over the network with TCP/IP, with HTTP (or HTTPS) on top; this design links no client yet."
    link = flows[0].link
    port = link.port or DEFAULT_PORTS.get(link.protocol)
    address = address_of(topology, flows[0].target) or name(topology, flows[0].target)
    over = "HTTPS (HTTP over TLS)" if link.encrypted else link.protocol.upper()
    return (f"Over the internet with TCP/IP: the browser opens a TCP connection to {address} on port {port} and "
            f"sends {over} requests over it; the responses come back on the same connection.")


def _issue(analysis: Analysis, rule: type[Rule], absent: str) -> str:
    found = _messages(analysis, rule)
    return " ".join(found) if found else absent


def issue_spof(analysis: Analysis) -> str:
    return _issue(analysis, Spof, "No single part's failure stops the site in this design.")


def issue_maintenance(analysis: Analysis) -> str:
    return _issue(analysis, MaintenanceDowntime,
                  "Deploys need no downtime here: the web and application servers can be restarted one at a time.")


def issue_scale(analysis: Analysis) -> str:
    return _issue(analysis, CannotScale, "The traffic can be spread over more backends behind the load balancer.")


# --- tasks 1 to 3 -------------------------------------------------------------------
def every_element(analysis: Analysis, previous: tuple[str, Analysis] | None = None) -> str:
    """Each part added (since the previous task's design, when given) and what it adds."""
    lines = part_purposes(analysis, previous[1] if previous else None)
    since = f"since {previous[0]}" if previous else "beyond the one-server design"
    if not [line for line in lines if not line.startswith("Still ")]:
        return f"Nothing is added {since}."
    return f"Added {since}:\n" + "\n".join(f"- {line}" for line in lines)


def algorithm(analysis: Analysis) -> str:
    topology = analysis.topology
    lbs = topology.of_kind(Kind.LOAD_BALANCER)
    if not lbs:
        return "The design has no load balancer, so no distribution algorithm."
    chosen = algorithm_of(topology, lbs[0])
    who = names(topology, lbs)
    if not chosen.chosen:
        return (f"For {who}, {chosen.default_note}, which {chosen.info.how}. The course asks for a choice: name "
                f"the algorithm in the spec.")
    text = f"The {noun(len(lbs), 'load balancer')} {who} {verb(len(lbs), 'use')} {chosen.info.name}, which {chosen.info.how}."
    waiting = backups(topology, lbs[0])
    if waiting:
        text += (f" It applies among the active backends only; {names(topology, waiting)} "
                 f"{verb(len(waiting), 'wait')} as {noun(len(waiting), 'a backup', 'backups')}.")
    return text


def active_or_passive(analysis: Analysis) -> str:
    topology = analysis.topology
    lbs = topology.of_kind(Kind.LOAD_BALANCER)
    definition = ("In active-active every node serves at the same time; in active-passive one serves while a "
                  "standby waits and takes over when it fails (an HAProxy backup server, or a keepalived pair).")
    if not lbs:
        return f"This design has no load balancer. {definition}"
    lb = lbs[0]
    backends, waiting = topology.backends(lb), backups(topology, lb)
    info = algorithm_of(topology, lb).info
    if len(backends) > 1 and info.active_active:
        here = f"Active-active: {name(topology, lb)} sends requests to {names(topology, backends)} at the same time"
        if waiting:
            here += (f", and keeps {names(topology, waiting)} as {noun(len(waiting), 'a backup', 'backups')} "
                     f"(active-passive for {one_or_many(len(waiting), 'it', 'them')})")
    elif len(backends) > 1:
        here = (f"Active-passive in effect: {info.name} fills {name(topology, backends[0])} first, and the others "
                f"take traffic only when it is full")
    elif backends and waiting:
        here = (f"Active-passive: {name(topology, backends[0])} takes every request, and the backup "
                f"{names(topology, waiting)} takes over only when it fails")
    elif backends:
        here = f"Neither: {name(topology, lb)} has one backend, {name(topology, backends[0])}"
    else:
        here = f"Neither: {name(topology, lb)} has no backend"
    pairs = [c for c in topology.of_kind(Kind.CLUSTER) if topology.kind(topology.members(c)[0]) == Kind.LOAD_BALANCER]
    if pairs:
        cluster = topology.components[pairs[0]]
        mode = "active-passive" if getattr(cluster, "mode", "") == "active_passive" else "active-active"
        here += f"; the load balancers themselves form the {mode} cluster {name(topology, pairs[0])}"
    return f"{here}. {definition}"


def primary_replica(analysis: Analysis) -> str:
    topology = analysis.topology
    replicas = [d for d in topology.of_kind(Kind.DATABASE) if topology.is_replica(d)]
    clusters = multi_primary_clusters(topology)
    if clusters:
        return (f"{names(topology, topology.members(clusters[0]))} form a multi-primary cluster rather than a "
                f"primary-replica one: every member takes writes, and each transaction is certified (Group "
                f"Replication) or synchronously replicated (Galera) to the others before it commits.")
    if not replicas:
        return "This design has no replica: one database holds the only copy of the data."
    replica = topology.components[replicas[0]]
    assert isinstance(replica, Database) and replica.replica_of
    primary = topology.components[replica.replica_of]
    entry = software(primary.software)
    log = entry.replication_log if entry and entry.replication_log else "replication log"
    mode = {"async": "asynchronously, so it can lag a little behind", "semi_sync": "semi-synchronously",
            "sync": "synchronously"}[replica.replication]
    return (f"The primary {name(topology, replica.replica_of)} takes the writes and records each change in its "
            f"{log}; the replica {names(topology, replicas)} fetches that log and replays it {mode}.")


def primary_vs_replica(analysis: Analysis) -> str:
    topology = analysis.topology
    uses = application_view(topology)
    if not any(topology.is_replica(d) for d in topology.of_kind(Kind.DATABASE)):
        return "There is no replica here; " + (uses[0][0].lower() + uses[0][1:] if uses else "nothing uses the data.")
    return ("For the application, writes must go to the primary and reads may go to either; a replica is "
            "read-only and can be promoted if the primary fails. Here: " + " ".join(uses))


def issue_security(analysis: Analysis) -> str:
    found = _messages(analysis, NoFirewall, 1) + _messages(analysis, NoHttps, 1)
    return " ".join(found) if found else "Every server is behind a firewall and the users connect over HTTPS."


def issue_monitoring(analysis: Analysis) -> str:
    return _issue(analysis, NoMonitoring, "Every server is monitored.")


def firewalls_for(analysis: Analysis) -> str:
    topology = analysis.topology
    firewalls = topology.of_kind(Kind.FIREWALL)
    general = ("A firewall filters the traffic into and out of a machine by rules, letting through only what the "
               "design needs.")
    if not firewalls:
        return general + " This design has none."
    return (f"{general} Here {names(topology, firewalls)} {verb(len(firewalls), 'do')} it; the report's Security "
            f"section lists what each one lets through.")


def why_https(analysis: Analysis) -> str:
    topology = analysis.topology
    encrypted = [f for f in topology.client_flows if f.link.encrypted]
    certificates = [c for c in topology.components.values() if isinstance(c, Certificate)]
    if not encrypted:
        return "The users' traffic is not served over HTTPS in this design, so it can be read and changed on the way."
    domain = next((c.domain for c in certificates if c.domain), None)
    proof = f" and the certificate for {domain} proves to the browser that it is the real site" if domain else ""
    return f"So that the traffic between the users and the site cannot be read or changed on the way{proof}."


def monitoring_for(analysis: Analysis) -> str:
    return ("To know when something is broken or slow before the users do: alerts go to the people on call, and "
            "the metrics and logs help find the cause and plan capacity.")


def monitoring_collects(analysis: Analysis) -> str:
    topology = analysis.topology
    agents = [a for a in topology.components.values() if isinstance(a, Monitoring)]
    if not agents:
        return "The design has no monitoring agent yet."
    ids = topology.of_kind(Kind.MONITORING)
    services = sorted({a.to for a in agents if a.to})
    where = sentence_list(services) if services else "the monitoring service"
    hosts = [a.host for a in agents if a.host]
    on = f" on {names(topology, list(dict.fromkeys(hosts)))}" if hosts else ""
    return (f"An agent{on} ({names(topology, ids)}) collects the host's metrics and the services' logs and "
            f"counters, and sends them to {where} over HTTPS, which stores, graphs and alerts on them.")


def qps(analysis: Analysis) -> str:
    keys = sorted({software_key(analysis.topology.components[w].software)
                   for w in analysis.topology.of_kind(Kind.WEB_SERVER)})
    how = QPS_HOW.get(keys[0], QPS_GENERIC) if keys else QPS_GENERIC
    return upper_first(how.split(". ")[0]) + ". " + upper_first(". ".join(how.split(". ")[1:])).rstrip(".") + "."


def issue_ssl_termination(analysis: Analysis) -> str:
    found = _messages(analysis, TlsTerminatedAtLb, 1)
    if found:
        return (f"{found[0]} The leg inside the network is plain text, so anyone there can read or change the "
                f"requests, passwords and cookies included.")
    return "TLS does not end at a load balancer here: the links behind it are encrypted too."


def issue_single_writer(analysis: Analysis) -> str:
    found = _messages(analysis, SingleWriter, 1)
    if found:
        return f"{found[0]} If it fails, the application cannot write until a replica is promoted."
    if multi_primary_clusters(analysis.topology):
        return "Not here: the database cluster is multi-primary, so every member accepts writes."
    return "The design has no replica, so the one database is the only writer and the only copy."


def issue_same_components(analysis: Analysis) -> str:
    found = _messages(analysis, ColocatedTiers, 1)
    if found:
        return (f"{found[0]} The tiers compete for CPU, memory and disk, cannot be scaled apart, and a maintenance "
                f"of one disturbs the others.")
    return "Not here: the web, application and database tiers run on servers of their own."


QUESTIONS: dict[str, tuple[tuple[str, Answer], ...]] = {
    "alx-0": (
        ("What is a server?", what_server),
        ("What is the role of the domain name?", domain_role),
        ("What type of DNS record is www in www.foobar.com?", www_record),
        ("What is the role of the web server?", web_server_role),
        ("What is the role of the application server?", app_server_role),
        ("What is the role of the database?", database_role),
        ("What is the server using to communicate with the computer of the user requesting the website?",
         communication),
        ("Issue: single point of failure (SPOF)", issue_spof),
        ("Issue: downtime when maintenance is needed", issue_maintenance),
        ("Issue: cannot scale if there is too much incoming traffic", issue_scale),
    ),
    "alx-1": (
        ("For every additional element, why you are adding it", every_element),
        ("What distribution algorithm the load balancer is configured with and how it works", algorithm),
        ("Active-Active or Active-Passive, and the difference between them", active_or_passive),
        ("How a database Primary-Replica (Master-Slave) cluster works", primary_replica),
        ("The difference between the Primary and the Replica for the application", primary_vs_replica),
        ("Issue: single points of failure (SPOF)", issue_spof),
        ("Issue: security (firewall, HTTPS)", issue_security),
        ("Issue: no monitoring", issue_monitoring),
    ),
    "alx-2": (
        ("For every additional element, why you are adding it", every_element),
        ("What are firewalls for", firewalls_for),
        ("Why is the traffic served over HTTPS", why_https),
        ("What monitoring is used for", monitoring_for),
        ("How the monitoring tool is collecting data", monitoring_collects),
        ("What to do to monitor the web server's QPS", qps),
        ("Issue: why terminating SSL at the load balancer is an issue", issue_ssl_termination),
        ("Issue: why having only one MySQL server capable of accepting writes is an issue", issue_single_writer),
        ("Issue: why servers with all the same components might be a problem", issue_same_components),
    ),
    "alx-3": (
        ("For every additional element, why you are adding it", every_element),
    ),
}


def answers(analysis: Analysis, task_key: str,
            previous: tuple[str, Analysis] | None = None) -> list[tuple[str, str]]:
    """(question, answer) pairs of a task, in the course's order. ``previous`` is the previous
    task's design, (what to call it, its analysis): "every additional element" is added since it."""
    return [(question, every_element(analysis, previous) if answer is every_element else answer(analysis))
            for question, answer in QUESTIONS[task_key]]


def answer_file(analysis: Analysis, task_key: str, image: str, report_file: str,
                previous: tuple[str, Analysis] | None = None) -> str:
    """The answer file: the diagram's link on the first line (what the course checks), then
    each question and its short answer, then where the full explanation is."""
    lines = [image, ""]
    for question, answer in answers(analysis, task_key, previous):
        lines += [f"Q: {question}", f"A: {answer}" if "\n" not in answer else f"A:\n{answer}", ""]
    lines.append(f"The full explanation, with the diagram, the failure analysis and every issue: {report_file}")
    return "\n".join(lines) + "\n"


__all__ = ["QUESTIONS", "answer_file", "answers"]
