"""Course mode: ALX and Holberton's "web infrastructure design" project.

Each task (``alx-0`` to ``alx-3``) has a starter spec (``archdoc new``), the
requirements its design must meet (``archdoc grade``: the kinds and counts the task asks
for, and the spec mistakes the course lists), and the name of its answer file
(``archdoc handin``). The requirements follow shared/course/web-infrastructure-design.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

from archdoc.explain.walk import address_of, site_record
from archdoc.model.components import Cluster
from archdoc.rules import Analysis

COURSES = ("alx",)


@dataclass(frozen=True)
class Requirement:
    """One thing a task asks of the design, and how to tell it is there."""

    what: str  # "a load balancer (HAProxy)"
    met: Callable[[Analysis], bool]


def _count(kind: str, least: int, software: str | None = None) -> Callable[[Analysis], bool]:
    def met(analysis: Analysis) -> bool:
        found = [c for c in analysis.topology.components.values() if c.kind == kind and
                 (software is None or (getattr(c, "software", None) or "").lower() == software)]
        return len(found) >= least
    return met


def _www_to(kinds: tuple[str, ...]) -> Callable[[Analysis], bool]:
    """The site's record is an A record that leads to a component of one of these kinds."""
    def met(analysis: Analysis) -> bool:
        topology = analysis.topology
        record = site_record(topology)
        if record is None or record.type not in ("A", "AAAA") or record.component is None:
            return False
        target = topology.components[record.component]
        members = target.members if isinstance(target, Cluster) else [record.component]
        kinds_there = {topology.kind(m) for m in members}
        kinds_there |= {topology.kind(c) for m in members if topology.kind(m) == "server"
                        for c in topology.hosted_on[m]}
        return bool(kinds_there & set(kinds)) and address_of(topology, record.component) is not None
    return met


def _primary_and_replica(analysis: Analysis) -> bool:
    topology = analysis.topology
    databases = topology.of_kind("database")
    return any(topology.is_replica(d) for d in databases) and any(not topology.is_replica(d) for d in databases)


def _no_finding(rule: str) -> Callable[[Analysis], bool]:
    return lambda analysis: not any(f.rule == rule for f in analysis.findings)


def _balancers_clustered(analysis: Analysis) -> bool:
    topology = analysis.topology
    return any(isinstance(c, Cluster) and all(topology.kind(m) == "load_balancer" for m in c.members)
               for c in topology.components.values())


def _tiers_apart(analysis: Analysis) -> bool:
    """No server runs two of: a web server, an application server, a database."""
    topology = analysis.topology
    tiers = ("web_server", "app_server", "database")
    return all(len({topology.kind(c) for c in hosted} & set(tiers)) <= 1 for hosted in topology.hosted_on.values())


def _certificate_for_www(analysis: Analysis) -> bool:
    topology = analysis.topology
    record = site_record(topology)
    site = record.fqdn(topology.domain) if record else topology.domain
    return any(c.kind == "certificate" and (c.domain is None or c.domain == site)
               for c in topology.components.values())


@dataclass(frozen=True)
class Task:
    key: str  # alx-0
    answer_file: str  # the file name the course checks: 0-simple_web_stack
    title: str
    requirements: tuple[Requirement, ...]

    def starter(self) -> str:
        return (files(__package__) / "starters" / f"{self.key}.yaml").read_text(encoding="utf-8")

    def missing(self, analysis: Analysis) -> list[str]:
        """What the design lacks for this task."""
        return [r.what for r in self.requirements if not r.met(analysis)]

    def problems(self, analysis: Analysis) -> list[str]:
        """What keeps the design from meeting the task: what it lacks, then the mistakes."""
        return [f"missing: {what}" for what in self.missing(analysis)] + [f"mistake: {m}" for m in mistakes(analysis)]


SIMPLE = (
    Requirement("a server", _count("server", 1)),
    Requirement("a web server (Nginx)", _count("web_server", 1, "nginx")),
    Requirement("an application server", _count("app_server", 1)),
    Requirement("the application files (the code base)", _count("app_files", 1)),
    Requirement("a database (MySQL)", _count("database", 1, "mysql")),
    Requirement("the domain foobar.com", lambda a: a.topology.domain == "foobar.com"),
)
DISTRIBUTED = (
    Requirement("three servers", _count("server", 3)),
    Requirement("a load balancer (HAProxy)", _count("load_balancer", 1, "haproxy")),
    Requirement("two web servers (Nginx)", _count("web_server", 2, "nginx")),
    Requirement("two application servers", _count("app_server", 2)),
    Requirement("two copies of the application files", _count("app_files", 2)),
    Requirement("two MySQL databases", _count("database", 2, "mysql")),
    Requirement("a primary database and a replica of it", _primary_and_replica),
    Requirement("the domain foobar.com", lambda a: a.topology.domain == "foobar.com"),
    Requirement("a www A record pointing at the load balancer", _www_to(("load_balancer",))),
)
SECURED = (
    Requirement("three firewalls", _count("firewall", 3)),
    Requirement("an SSL certificate for www.foobar.com", _certificate_for_www),
    Requirement("HTTPS from the users' browsers", _no_finding("no-https")),
    Requirement("three monitoring clients", _count("monitoring", 3)),
)

TASKS = {
    "alx-0": Task("alx-0", "0-simple_web_stack", "Simple web stack", SIMPLE + (
        Requirement("a www A record pointing at the server's IP", _www_to(("web_server", "server"))),
    )),
    "alx-1": Task("alx-1", "1-distributed_web_infrastructure", "Distributed web infrastructure", DISTRIBUTED),
    "alx-2": Task("alx-2", "2-secured_and_monitored_web_infrastructure", "Secured and monitored web infrastructure",
                  DISTRIBUTED + SECURED),
    "alx-3": Task("alx-3", "3-scale_up", "Scale up", (
        Requirement("four servers", _count("server", 4)),
        Requirement("two load balancers (HAProxy)", _count("load_balancer", 2, "haproxy")),
        Requirement("the load balancers configured as a cluster", _balancers_clustered),
        Requirement("a web server", _count("web_server", 1)),
        Requirement("an application server", _count("app_server", 1)),
        Requirement("a database", _count("database", 1)),
        Requirement("the web server, the application server and the database on servers of their own",
                    _tiers_apart),
    )),
}
TASK_BY_ANSWER_FILE = {task.answer_file: task for task in TASKS.values()}


def mistakes(analysis: Analysis) -> list[str]:
    """The spec mistakes the course lists that a design can show (the others, a CNAME to
    an IP and replication both ways, are input errors already)."""
    topology = analysis.topology
    found = []
    record = site_record(topology)
    if record is not None and record.name == "www" and record.type == "CNAME":
        found.append("www should be an A record, not a CNAME (it resolves to an IP address)")
    for finding in analysis.findings:
        if finding.rule == "write-to-replica":
            found.append(f"{finding.component} writes to a read-only replica: wire it to the primary for writes")
    return found


__all__ = ["COURSES", "TASKS", "TASK_BY_ANSWER_FILE", "Task", "mistakes"]
