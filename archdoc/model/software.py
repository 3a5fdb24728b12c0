"""Every piece of software archdoc recognises, with its aliases, in one table.

A spec's ``software:`` is free text; ``software("Postgres")`` finds its entry whatever
the spelling the table knows (``postgresql``, ``postgres``). The entry gives the name to
print, the icon to draw and what the report can say of it. Software the table does not
know is printed as the spec wrote it and drawn with its kind's icon.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Software:
    key: str  # the canonical spelling: "postgresql"
    name: str | None  # as printed: "PostgreSQL"; None: as the spec wrote it
    icon: str | None  # the diagrams class that draws it; None: its kind's icon
    aliases: tuple[str, ...] = ()  # other spellings: "postgres"
    replication_log: str | None = None  # what a replica replays: "write-ahead log (WAL)"
    protocol: str | None = None  # what a link to it speaks when the spec does not say (databases, caches)


_TABLE = (
    Software("nginx", "Nginx", "onprem.network.Nginx"),
    Software("apache", "Apache", "onprem.network.Apache", ("httpd",)),
    Software("caddy", "Caddy", "onprem.network.Caddy"),
    Software("traefik", "Traefik", "onprem.network.Traefik"),
    Software("envoy", "Envoy", "onprem.network.Envoy"),
    Software("haproxy", "HAProxy", "onprem.network.Haproxy"),
    Software("gunicorn", "Gunicorn", "onprem.network.Gunicorn"),
    Software("uwsgi", "uWSGI", None),
    Software("tomcat", "Tomcat", "onprem.network.Tomcat"),
    Software("jetty", None, "onprem.network.Jetty"),
    Software("wildfly", None, "onprem.network.Wildfly"),
    Software("nodejs", "Node.js", "programming.language.Nodejs", ("node",)),
    Software("php-fpm", "PHP-FPM", "programming.language.Php"),
    Software("php", None, "programming.language.Php"),
    Software("puma", "Puma", None),
    Software("django", None, "programming.framework.Django"),
    Software("flask", None, "programming.framework.Flask"),
    Software("rails", None, "programming.framework.Rails"),
    Software("mysql", "MySQL", "onprem.database.Mysql", replication_log="binary log (binlog)", protocol="mysql"),
    Software("postgresql", "PostgreSQL", "onprem.database.Postgresql", ("postgres",),
             replication_log="write-ahead log (WAL)", protocol="postgresql"),
    Software("mariadb", "MariaDB", "onprem.database.Mariadb", replication_log="binary log (binlog)",
             protocol="mariadb"),
    Software("mongodb", "MongoDB", "onprem.database.Mongodb", protocol="mongodb"),
    Software("mssql", None, "onprem.database.Mssql", protocol="mssql"),
    Software("oracle", None, "onprem.database.Oracle", protocol="oracle"),
    Software("redis", "Redis", "onprem.inmemory.Redis", protocol="redis"),
    Software("memcached", "Memcached", "onprem.inmemory.Memcached", protocol="memcached"),
    Software("datadog", "Datadog", "onprem.monitoring.Datadog"),
    Software("sumologic", "Sumo Logic", None),
    Software("prometheus", "Prometheus", "onprem.monitoring.Prometheus"),
    Software("grafana", None, "onprem.monitoring.Grafana"),
    Software("newrelic", "New Relic", "onprem.monitoring.Newrelic", ("new relic",)),
    Software("splunk", "Splunk", "onprem.monitoring.Splunk"),
    Software("zabbix", "Zabbix", "onprem.monitoring.Zabbix"),
    Software("nagios", None, "onprem.monitoring.Nagios"),
    Software("pfsense", None, "onprem.network.Pfsense"),
    Software("opnsense", None, "onprem.network.Opnsense"),
    Software("ufw", "ufw", None),
    Software("iptables", "iptables", None),
    Software("keepalived", "keepalived", None),
    Software("letsencrypt", None, "onprem.certificates.LetsEncrypt"),
)
SOFTWARE: dict[str, Software] = {spelling: entry for entry in _TABLE for spelling in (entry.key, *entry.aliases)}


def software(text: str | None) -> Software | None:
    """The table's entry for a spec's ``software:`` text, or None when archdoc does not know it."""
    return SOFTWARE.get((text or "").strip().lower())


def software_key(text: str | None) -> str:
    """The canonical spelling ("postgresql" for "Postgres"); unknown software lower-cased as written."""
    entry = software(text)
    return entry.key if entry else (text or "").strip().lower()


def software_name(text: str | None) -> str | None:
    """How to print a spec's software: 'PostgreSQL' for 'postgres'; unknown software as written."""
    if not text:
        return None
    entry = software(text)
    return entry.name if entry and entry.name else text
