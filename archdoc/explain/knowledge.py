"""What archdoc knows about web infrastructure, independent of any design.

Every sentence here is true of its subject in general; ``archdoc.explain.report`` picks
the ones that apply to a design and fills in its names. What each kind of component is
lives in the kind table (``archdoc.model.kinds``), what each piece of software is called
in the software table (``archdoc.model.software``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archdoc.model.kinds import Kind
from archdoc.rules.no_firewall import NoFirewall
from archdoc.rules.spof import Spof


@dataclass(frozen=True)
class AlgorithmInfo:
    name: str
    how: str
    haproxy: str  # the HAProxy configuration that selects it
    active_active: bool = True  # whether it spreads load over all backends at once


ALGORITHMS = {
    "round_robin": AlgorithmInfo(
        "round robin",
        "sends each new request to the next backend in turn (first, second, ..., then the first again), "
        "so each backend gets an equal share; it suits requests that cost about the same",
        "balance roundrobin",
    ),
    "weighted_round_robin": AlgorithmInfo(
        "weighted round robin",
        "sends requests to the backends in turn, each in proportion to its weight, so a bigger machine can "
        "take a bigger share",
        "balance roundrobin, with a weight on each server line",
    ),
    "least_connections": AlgorithmInfo(
        "least connections",
        "sends each new request to the backend that has the fewest open connections at that moment; it "
        "suits long or uneven requests, where taking turns would pile work on a busy backend",
        "balance leastconn",
    ),
    "source": AlgorithmInfo(
        "source (client IP hash)",
        "hashes the client's IP address to choose the backend, so the same client keeps reaching the same "
        "backend (its session stays there) as long as the set of backends does not change",
        "balance source",
    ),
    "uri": AlgorithmInfo(
        "URI hash",
        "hashes the requested path, so the same URL always goes to the same backend, which keeps that "
        "backend's cache warm for it",
        "balance uri",
    ),
    "random": AlgorithmInfo(
        "random",
        "picks a backend at random for each request (HAProxy draws two and keeps the less loaded one), which "
        "spreads load evenly over many backends without shared state",
        "balance random",
    ),
    "first": AlgorithmInfo(
        "first available",
        "fills the first backend up to its connection limit before it uses the next one, which keeps as few "
        "servers busy as possible; the others take traffic only when the first ones are full",
        "balance first",
        active_active=False,
    ),
}

ACTIVE_ACTIVE = (
    "In an active-active setup every node serves traffic at the same time: their capacity adds up, and when "
    "one fails the others carry its share."
)
ACTIVE_PASSIVE = (
    "In an active-passive setup one node serves while a standby waits; when the active node fails, the "
    "standby takes over, often by claiming a floating (virtual) IP address with keepalived and VRRP. The "
    "standby's capacity sits idle until then, but there is no need to share state between two live nodes."
)

REPLICATION_MODES = {
    "async": (
        "asynchronous",
        "The primary confirms each write as soon as it has committed it, without waiting for the replica, "
        "which applies the change moments later. Writes stay fast, but the replica can lag behind: a read from "
        "the replica just after a write to the primary may not see it yet, and writes the replica has not "
        "copied are lost if the primary dies.",
    ),
    "semi_sync": (
        "semi-synchronous",
        "The primary waits until at least one replica has received each transaction before it confirms the "
        "commit, so no confirmed write is lost if the primary dies. Each commit costs a network round trip, "
        "and the replica still applies the change a moment later, so reads from it can lag slightly.",
    ),
    "sync": (
        "synchronous",
        "The primary confirms a write only when the replica has it too, so the replica is never behind. Every "
        "write waits for the replica, and a slow or missing replica slows down or stops the writes.",
    ),
}

# In the base form: wording.verb_phrase makes them agree with their subject.
ACCESS_VERBS = {"read": "read from", "write": "write to", "readwrite": "read from and write to"}

MULTI_PRIMARY = (
    "In a multi-primary cluster (MySQL Group Replication in multi-primary mode, Galera Cluster for MySQL and "
    "MariaDB) every member takes writes. A transaction is sent to all the members before it commits: Group "
    "Replication has the group certify it, Galera replicates it synchronously, and a transaction that "
    "conflicts with one already committed on another member is refused and rolled back. So the members hold "
    "the same data, the application can write to any of them, and when one fails the others go on taking "
    "writes; the cost is a round trip to the other members on every commit, and writes to the same rows from "
    "two members at once can fail and must be retried."
)

TWO_MEMBER_QUORUM = (
    "With two members, a failure leaves the survivor without a majority: to avoid a split brain, Group "
    "Replication and Galera stop it from taking writes until an operator forces it on. A third voter (a third "
    "member, or Galera's arbitrator garbd on another machine) lets the cluster keep its majority when one "
    "member fails. This report's failure table and availability figures count the survivor as taking writes, "
    "as it does with that third voter; without one, either member's failure stops the writes until an "
    "operator steps in."
)

ONE_VIP_ONE_HOLDER = (
    "a virtual IP sits on one member at a time (keepalived with VRRP moves it when that member fails), so "
    "whoever connects to it reaches only the member holding it"
)

DEFAULT_PORTS = {
    "http": 80, "https": 443, "tls": 443, "mysql": 3306, "mariadb": 3306, "postgresql": 5432, "redis": 6379,
    "memcached": 11211, "ssh": 22, "dns": 53, "mongodb": 27017,
}

QPS_HOW = {
    "nginx": (
        "enable Nginx's stub_status module: its 'requests' counter grows by one per request. The agent reads "
        "it every few seconds, the monitoring service turns the counter's rise into requests per second (QPS) "
        "per server, graphs it and alerts when it crosses a threshold; the access log, one line per request, "
        "gives the same count by status code"
    ),
    "apache": (
        "enable Apache's mod_status: its 'Total Accesses' counter grows by one per request. The agent reads it "
        "every few seconds and the monitoring service turns its rise into requests per second (QPS) per "
        "server, graphs it and alerts when it crosses a threshold"
    ),
}
QPS_GENERIC = (
    "have the agent count the web server's requests (its status counter or its access log, one line per "
    "request); the monitoring service turns the count into requests per second (QPS) per server, graphs it "
    "and alerts when it crosses a threshold"
)

@dataclass(frozen=True)
class Topics:
    """What a design holds that further reading can be about."""

    kinds: frozenset[Kind]
    software: dict[Kind, frozenset[str]]  # per kind, the canonical software names ("" where none is given)
    fired: frozenset[str]  # the rules that found something
    dns: bool  # DNS records or a domain
    encrypted: bool  # some link is encrypted
    active_passive: bool  # some cluster is active-passive
    issuers: frozenset[str]  # the certificates' issuers, lower case

    def uses(self, kind: Kind, software: str) -> bool:
        return software in self.software.get(kind, frozenset())


@dataclass(frozen=True)
class Reference:
    title: str
    url: str
    wanted: Callable[[Topics], bool]  # whether a design with these topics lists it


def _load_balancers_are_nginx(topics: Topics) -> bool:
    return topics.uses(Kind.LOAD_BALANCER, "nginx") and not topics.uses(Kind.LOAD_BALANCER, "haproxy")


# In the order the report lists them.
REFERENCES = (
    Reference("DNS records explained (Cloudflare Learning Center)", "https://www.cloudflare.com/learning/dns/dns-records/",
              lambda t: t.dns),
    Reference("TCP (MDN glossary)", "https://developer.mozilla.org/en-US/docs/Glossary/TCP", lambda t: True),
    Reference("An overview of HTTP (MDN)", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Overview", lambda t: True),
    Reference("HAProxy configuration manual: balance", "https://docs.haproxy.org/2.8/configuration.html#4.2-balance",
              lambda t: Kind.LOAD_BALANCER in t.kinds and not _load_balancers_are_nginx(t)),
    Reference("Nginx: using nginx as an HTTP load balancer", "https://nginx.org/en/docs/http/load_balancing.html",
              _load_balancers_are_nginx),
    Reference("keepalived: failover with VRRP and a virtual IP", "https://keepalived.readthedocs.io/en/latest/",
              lambda t: t.active_passive),
    Reference("PostgreSQL: high availability and replication",
              "https://www.postgresql.org/docs/current/high-availability.html",
              lambda t: t.uses(Kind.DATABASE, "postgresql")),
    Reference("MariaDB: standard replication", "https://mariadb.com/kb/en/standard-replication/",
              lambda t: t.uses(Kind.DATABASE, "mariadb")),
    Reference("MySQL reference manual: replication", "https://dev.mysql.com/doc/refman/8.0/en/replication.html",
              lambda t: t.uses(Kind.DATABASE, "mysql") or t.software.get(Kind.DATABASE) == frozenset({""})),
    Reference("Transport Layer Security (MDN)",
              "https://developer.mozilla.org/en-US/docs/Web/Security/Transport_Layer_Security", lambda t: t.encrypted),
    Reference("Let's Encrypt: how it works", "https://letsencrypt.org/how-it-works/",
              lambda t: any("encrypt" in issuer for issuer in t.issuers)),
    Reference("Ubuntu: firewall (ufw)", "https://documentation.ubuntu.com/server/how-to/security/firewalls/",
              lambda t: Kind.FIREWALL in t.kinds or NoFirewall.id in t.fired),
    Reference("Apache: mod_status", "https://httpd.apache.org/docs/2.4/mod/mod_status.html",
              lambda t: Kind.MONITORING in t.kinds and t.uses(Kind.WEB_SERVER, "apache")),
    Reference("Nginx: the stub_status module", "https://nginx.org/en/docs/http/ngx_http_stub_status_module.html",
              lambda t: Kind.MONITORING in t.kinds and (t.uses(Kind.WEB_SERVER, "nginx")
                                                          or not t.uses(Kind.WEB_SERVER, "apache"))),
    Reference("Datadog Agent", "https://docs.datadoghq.com/agent/", lambda t: t.uses(Kind.MONITORING, "datadog")),
    Reference("Sumo Logic: installed collectors", "https://help.sumologic.com/docs/send-data/installed-collectors/",
              lambda t: t.uses(Kind.MONITORING, "sumologic")),
    Reference("Single point of failure (Wikipedia)", "https://en.wikipedia.org/wiki/Single_point_of_failure",
              lambda t: Spof.id in t.fired),
)


def port_phrase(protocol: str, port: int | None) -> str:
    """'port 3306 (mysql)', with the protocol's usual port when the link gives none."""
    port = port or DEFAULT_PORTS.get(protocol)
    return f"port {port} ({protocol})" if port else protocol
