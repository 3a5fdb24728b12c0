"""What an image name or a port says a component is: its kind, its software, its protocol.

One table, used by every importer: a Compose image ``postgres:16`` and an HAProxy
backend on port 5432 both become a PostgreSQL database reached over ``postgresql``.
"""

from __future__ import annotations

from dataclasses import dataclass

from archdoc.model.kinds import Kind
from archdoc.model.software import software_key


@dataclass(frozen=True)
class Role:
    kind: Kind
    software: str | None  # archdoc's spelling (archdoc.model.software), None: not known
    port: int | None  # the port it listens on by default
    protocol: str  # how others talk to it


PROXY = Kind.WEB_SERVER  # nginx, Apache, Caddy: a reverse proxy until its configuration spreads load
_ROLES = {
    "nginx": Role(PROXY, "nginx", 80, "http"),
    "apache": Role(PROXY, "apache", 80, "http"),
    "caddy": Role(PROXY, "caddy", 80, "http"),
    "haproxy": Role(Kind.LOAD_BALANCER, "haproxy", 80, "http"),
    "traefik": Role(Kind.LOAD_BALANCER, "traefik", 80, "http"),
    "envoy": Role(Kind.LOAD_BALANCER, "envoy", 80, "http"),
    "mysql": Role(Kind.DATABASE, "mysql", 3306, "mysql"),
    "mariadb": Role(Kind.DATABASE, "mariadb", 3306, "mysql"),
    "postgresql": Role(Kind.DATABASE, "postgresql", 5432, "postgresql"),
    "mongodb": Role(Kind.DATABASE, "mongodb", 27017, "mongodb"),
    "redis": Role(Kind.CACHE, "redis", 6379, "redis"),
    "memcached": Role(Kind.CACHE, "memcached", 11211, "memcached"),
    "prometheus": Role(Kind.MONITORING, "prometheus", 9090, "http"),
    "grafana": Role(Kind.MONITORING, "grafana", 3000, "http"),
    "datadog": Role(Kind.MONITORING, "datadog", None, "http"),
    "node-exporter": Role(Kind.MONITORING, "node-exporter", 9100, "http"),
    "php-fpm": Role(Kind.APP_SERVER, "php-fpm", 9000, "fastcgi"),
    "tomcat": Role(Kind.APP_SERVER, "tomcat", 8080, "http"),
    "nodejs": Role(Kind.APP_SERVER, "nodejs", None, "http"),
    "gunicorn": Role(Kind.APP_SERVER, "gunicorn", 8000, "http"),
    "uwsgi": Role(Kind.APP_SERVER, "uwsgi", None, "uwsgi"),
}
_IMAGE_ALIASES = {"mongo": "mongodb", "httpd": "apache", "postgis": "postgresql", "agent": "datadog",
                  "node": "nodejs", "percona": "mysql", "valkey": "redis"}
APPLICATION = Role(Kind.APP_SERVER, None, None, "http")
_PORTS: dict[int, Role] = {}
for _role in _ROLES.values():  # the first software of a port is its usual one: 3306 is MySQL, not MariaDB
    if _role.port and _role.kind in (Kind.DATABASE, Kind.CACHE):
        _PORTS.setdefault(_role.port, _role)
SHORT_NAMES = {Kind.APP_SERVER: "app", Kind.WEB_SERVER: "web", Kind.DATABASE: "db", Kind.CACHE: "cache"}


def role_of_software(name: str) -> Role | None:
    return _ROLES.get(software_key(_IMAGE_ALIASES.get(name, name)))


def role_of_image(image: str) -> Role:
    """What a container image runs: ``bitnami/postgresql:16`` is a PostgreSQL database;
    an image archdoc does not know runs the application."""
    path = image.split("@")[0].lower()
    repository = path.rsplit("/", 1)[-1]
    name, _, tag = repository.partition(":")
    if name == "php" and "fpm" in tag:
        name = "php-fpm"
    if "datadog" in path:
        name = "datadog"
    return role_of_software(name) or APPLICATION


def role_of_port(port: int | None) -> Role | None:
    """A well-known database or cache port; None for the rest (HTTP, most likely)."""
    return _PORTS.get(port) if port else None


def protocol_to(role: Role, tls: bool = False) -> str:
    if role.protocol == "http" and tls:
        return "https"
    return role.protocol
