"""What archdoc knows about web infrastructure, independent of any design.

Every sentence here is true of its subject in general; ``archdoc.explain.report`` picks
the ones that apply to a design and fills in its names.
"""

from __future__ import annotations

from dataclasses import dataclass

SOFTWARE_NAMES = {
    "nginx": "Nginx", "apache": "Apache", "httpd": "Apache", "haproxy": "HAProxy", "caddy": "Caddy",
    "traefik": "Traefik", "envoy": "Envoy", "gunicorn": "Gunicorn", "uwsgi": "uWSGI", "tomcat": "Tomcat",
    "nodejs": "Node.js", "node": "Node.js", "php-fpm": "PHP-FPM", "puma": "Puma", "mysql": "MySQL",
    "postgresql": "PostgreSQL", "postgres": "PostgreSQL", "mariadb": "MariaDB", "mongodb": "MongoDB",
    "redis": "Redis", "memcached": "Memcached", "datadog": "Datadog", "sumologic": "Sumo Logic",
    "prometheus": "Prometheus", "newrelic": "New Relic", "splunk": "Splunk", "zabbix": "Zabbix",
    "ufw": "ufw", "iptables": "iptables", "keepalived": "keepalived",
}


def software_name(software: str | None) -> str | None:
    if not software:
        return None
    return SOFTWARE_NAMES.get(software.strip().lower(), software)


@dataclass(frozen=True)
class KindInfo:
    heading: str  # plural, for the section heading
    singular: str
    what: str  # what it is, in general


KINDS = {
    "client": KindInfo(
        "Clients", "client",
        "The client is the user's web browser: it turns the domain name into an address, opens a connection "
        "to the site and sends HTTP requests, then shows the pages it gets back.",
    ),
    "server": KindInfo(
        "Servers", "server",
        "A server is a computer, physical or virtual, usually in a data center or a cloud, that runs an "
        "operating system and provides services to other computers (its clients) over the network.",
    ),
    "load_balancer": KindInfo(
        "Load balancers", "load balancer",
        "A load balancer receives the clients' requests and spreads them over several backend servers. It "
        "checks their health and stops sending traffic to a backend that fails, so users do not notice.",
    ),
    "web_server": KindInfo(
        "Web servers", "web server",
        "A web server answers HTTP requests: it serves static content (HTML, CSS, JavaScript, images) itself "
        "and passes dynamic requests on to the application server, acting as a reverse proxy.",
    ),
    "app_server": KindInfo(
        "Application servers", "application server",
        "An application server runs the application's code base to build dynamic content: it carries out "
        "the business logic, queries the database and hands the result back to the web server.",
    ),
    "app_files": KindInfo(
        "Application files", "application files",
        "The application files are the code base (source code, templates, configuration) that the "
        "application server runs; each server that runs the application holds its own deployed copy.",
    ),
    "database": KindInfo(
        "Databases", "database",
        "A database stores the application's data (users, orders, posts...) durably on disk and answers the "
        "application's queries to read and change it.",
    ),
    "cache": KindInfo(
        "Caches", "cache",
        "A cache keeps frequently used data in memory, so the application can answer without asking the "
        "database each time: pages get faster and the database gets less load.",
    ),
    "firewall": KindInfo(
        "Firewalls", "firewall",
        "A firewall filters network traffic by rules: it lets through only the connections the design needs "
        "and drops everything else, so a forgotten service or an administration port is not open to the "
        "internet.",
    ),
    "monitoring": KindInfo(
        "Monitoring agents", "monitoring agent",
        "A monitoring agent is a small program on a server that collects metrics (CPU, memory, disk, network, "
        "requests per second) and logs, and ships them to a monitoring service that stores, graphs and "
        "alerts on them.",
    ),
    "certificate": KindInfo(
        "TLS certificates", "TLS certificate",
        "A TLS certificate binds the site's domain name to a public key and is signed by a certificate "
        "authority that browsers trust. With it the server proves it is the real site, and browser and "
        "server agree on the keys that encrypt the connection (HTTPS).",
    ),
    "cluster": KindInfo(
        "Clusters", "cluster",
        "A cluster is a group of components that answer as one: clients use one address, and the members "
        "share the work or take over from each other.",
    ),
}

# The order in which kinds are explained: the way a request meets them.
KIND_ORDER = (
    "client", "server", "firewall", "load_balancer", "cluster", "web_server", "app_server", "app_files",
    "cache", "database", "certificate", "monitoring",
)


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

REPLICATION_LOG = {
    "mysql": "binary log (binlog)",
    "mariadb": "binary log (binlog)",
    "postgresql": "write-ahead log (WAL)",
    "postgres": "write-ahead log (WAL)",
}

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

ACCESS_VERBS = {"read": "reads from", "write": "writes to", "readwrite": "reads from and writes to"}

DEFAULT_PORTS = {
    "http": 80, "https": 443, "tls": 443, "mysql": 3306, "postgresql": 5432, "redis": 6379,
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

REFERENCES = {
    "dns": ("DNS records explained (Cloudflare Learning Center)", "https://www.cloudflare.com/learning/dns/dns-records/"),
    "http": ("An overview of HTTP (MDN)", "https://developer.mozilla.org/en-US/docs/Web/HTTP/Overview"),
    "tcp": ("TCP (MDN glossary)", "https://developer.mozilla.org/en-US/docs/Glossary/TCP"),
    "haproxy_balance": ("HAProxy configuration manual: balance",
                        "https://docs.haproxy.org/2.8/configuration.html#4.2-balance"),
    "nginx_lb": ("Nginx: using nginx as an HTTP load balancer", "https://nginx.org/en/docs/http/load_balancing.html"),
    "keepalived": ("keepalived: failover with VRRP and a virtual IP", "https://keepalived.readthedocs.io/en/latest/"),
    "mysql_replication": ("MySQL reference manual: replication", "https://dev.mysql.com/doc/refman/8.0/en/replication.html"),
    "postgresql_replication": ("PostgreSQL: high availability and replication",
                               "https://www.postgresql.org/docs/current/high-availability.html"),
    "mariadb_replication": ("MariaDB: standard replication", "https://mariadb.com/kb/en/standard-replication/"),
    "tls": ("Transport Layer Security (MDN)", "https://developer.mozilla.org/en-US/docs/Web/Security/Transport_Layer_Security"),
    "letsencrypt": ("Let's Encrypt: how it works", "https://letsencrypt.org/how-it-works/"),
    "firewall": ("Ubuntu: firewall (ufw)", "https://documentation.ubuntu.com/server/how-to/security/firewalls/"),
    "nginx_status": ("Nginx: the stub_status module", "https://nginx.org/en/docs/http/ngx_http_stub_status_module.html"),
    "apache_status": ("Apache: mod_status", "https://httpd.apache.org/docs/2.4/mod/mod_status.html"),
    "datadog_agent": ("Datadog Agent", "https://docs.datadoghq.com/agent/"),
    "sumologic_collector": ("Sumo Logic: installed collectors",
                            "https://help.sumologic.com/docs/send-data/installed-collectors/"),
    "spof": ("Single point of failure (Wikipedia)", "https://en.wikipedia.org/wiki/Single_point_of_failure"),
    "redis_replication": ("Redis replication", "https://redis.io/docs/latest/operate/oss_and_stack/management/replication/"),
}


def port_phrase(protocol: str, port: int | None) -> str:
    """'port 3306 (mysql)', with the protocol's usual port when the link gives none."""
    port = port or DEFAULT_PORTS.get(protocol)
    return f"port {port} ({protocol})" if port else protocol
