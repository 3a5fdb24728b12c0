"""Every kind of component, and every fact archdoc keeps about a kind, in one table.

``Kind`` names the kinds; ``KIND_FACTS`` holds, per kind, what the rest of archdoc needs
to know: its names in sentences, what it is in general, the icon that draws it, how
available it is taken to be, how to give it a stand-in, and where it comes in a
request's way. Tables elsewhere (the diagram's icons, the availability defaults, the
spof fixes, the report's order) are derived from this one; ``tests/test_kinds.py``
fails when a kind lacks a fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """The kinds of the spec format, in the order docs/format.md lists them. A StrEnum: a
    kind equals its spec text (``Kind.SERVER == "server"``)."""

    CLIENT = "client"
    SERVER = "server"
    LOAD_BALANCER = "load_balancer"
    WEB_SERVER = "web_server"
    APP_SERVER = "app_server"
    APP_FILES = "app_files"
    DATABASE = "database"
    CACHE = "cache"
    FIREWALL = "firewall"
    MONITORING = "monitoring"
    CERTIFICATE = "certificate"
    CLUSTER = "cluster"

    @property
    def facts(self) -> KindFacts:
        return KIND_FACTS[self]

    @property
    def singular(self) -> str:
        """'load balancer'."""
        return KIND_FACTS[self].singular

    @property
    def plural(self) -> str:
        """'load balancers'."""
        return KIND_FACTS[self].plural


@dataclass(frozen=True)
class KindFacts:
    """What archdoc knows of one kind. Every field must be given: None says "does not
    apply" in so many words."""

    singular: str  # in sentences: "load balancer"
    plural: str  # "load balancers"
    what: str  # what it is, in general, for the report
    icon: str | None  # the diagrams class that draws it (when its software has none); None: drawn as a box
    availability: float | None  # the share of time it is up when the spec gives none; None: carries no traffic
    spof_fix: str | None  # how to give it a stand-in, when it is a single point of failure
    request_rank: int  # where a request meets it: the report explains kinds in this order


KIND_FACTS: dict[Kind, KindFacts] = {
    Kind.CLIENT: KindFacts(
        "client", "clients",
        "The client is the user's web browser: it turns the domain name into an address, opens a connection "
        "to the site and sends HTTP requests, then shows the pages it gets back.",
        icon="onprem.client.Users", availability=None, spof_fix=None, request_rank=0,
    ),
    Kind.SERVER: KindFacts(
        "server", "servers",
        "A server is a computer, physical or virtual, usually in a data center or a cloud, that runs an "
        "operating system and provides services to other computers (its clients) over the network.",
        icon="onprem.compute.Server", availability=0.999, spof_fix=None, request_rank=1,
    ),
    Kind.LOAD_BALANCER: KindFacts(
        "load balancer", "load balancers",
        "A load balancer receives the clients' requests and spreads them over several backend servers. It "
        "checks their health and stops sending traffic to a backend that fails, so users do not notice.",
        icon="digitalocean.network.LoadBalancer", availability=0.9999,
        spof_fix="add a second load balancer on its own server and pair the two in an active_passive cluster "
                 "behind a virtual IP (keepalived, for instance)",
        request_rank=3,
    ),
    Kind.WEB_SERVER: KindFacts(
        "web server", "web servers",
        "A web server answers HTTP requests: it serves static content (HTML, CSS, JavaScript, images) itself "
        "and passes dynamic requests on to the application server, acting as a reverse proxy.",
        icon="programming.flowchart.Display", availability=0.9999,
        spof_fix="run a second web server on another server", request_rank=5,
    ),
    Kind.APP_SERVER: KindFacts(
        "application server", "application servers",
        "An application server runs the application's code base to build dynamic content: it carries out "
        "the business logic, queries the database and hands the result back to the web server.",
        icon="programming.flowchart.PredefinedProcess", availability=0.9995,
        spof_fix="run a second application server on another server", request_rank=6,
    ),
    Kind.APP_FILES: KindFacts(
        "application files", "application files",
        "The application files are the code base (source code, templates, configuration) that the "
        "application server runs; each server that runs the application holds its own deployed copy.",
        icon="programming.flowchart.MultipleDocuments", availability=None, spof_fix=None, request_rank=7,
    ),
    Kind.DATABASE: KindFacts(
        "database", "databases",
        "A database stores the application's data (users, orders, posts...) durably on disk and answers the "
        "application's queries to read and change it.",
        icon="generic.database.SQL", availability=0.9995,
        spof_fix="give the database a second member on another server (a replica that can be promoted, or a "
                 "primary-primary cluster)",
        request_rank=9,
    ),
    Kind.CACHE: KindFacts(
        "cache", "caches",
        "A cache keeps frequently used data in memory, so the application can answer without asking the "
        "database each time: pages get faster and the database gets less load.",
        icon="generic.storage.Storage", availability=0.9995,
        spof_fix="run the cache as a replicated pair, or let the application fall back to the database",
        request_rank=8,
    ),
    Kind.FIREWALL: KindFacts(
        "firewall", "firewalls",
        "A firewall filters network traffic by rules: it lets through only the connections the design needs "
        "and drops everything else, so a forgotten service or an administration port is not open to the "
        "internet.",
        icon="generic.network.Firewall", availability=0.9999,
        spof_fix="put a second firewall beside it, or protect each server with its own", request_rank=2,
    ),
    Kind.MONITORING: KindFacts(
        "monitoring agent", "monitoring agents",
        "A monitoring agent is a small program on a server that collects metrics (CPU, memory, disk, network, "
        "requests per second) and logs, and ships them to a monitoring service that stores, graphs and "
        "alerts on them.",
        icon="programming.flowchart.Inspection", availability=None, spof_fix=None, request_rank=11,
    ),
    Kind.CERTIFICATE: KindFacts(
        "TLS certificate", "TLS certificates",
        "A TLS certificate binds the site's domain name to a public key and is signed by a certificate "
        "authority that browsers trust. With it the server proves it is the real site, and browser and "
        "server agree on the keys that encrypt the connection (HTTPS).",
        icon="digitalocean.network.Certificate", availability=None, spof_fix=None, request_rank=10,
    ),
    Kind.CLUSTER: KindFacts(
        "cluster", "clusters",
        "A cluster is a group of components that answer as one: clients use one address, and the members "
        "share the work or take over from each other.",
        icon=None, availability=None, spof_fix=None, request_rank=4,
    ),
}

# Derived from the table.
KINDS_IN_REQUEST_ORDER: tuple[Kind, ...] = tuple(sorted(Kind, key=lambda kind: KIND_FACTS[kind].request_rank))
DEFAULT_AVAILABILITY: dict[Kind, float] = {
    kind: facts.availability for kind, facts in KIND_FACTS.items() if facts.availability is not None
}

# Groups of kinds that several parts of archdoc ask about.
SERVING_KINDS = (Kind.APP_SERVER, Kind.WEB_SERVER)  # what "serve" reaches (docs/format.md), app servers first
TIER_KINDS = (Kind.WEB_SERVER, Kind.APP_SERVER, Kind.DATABASE)  # the tiers a server should not mix
