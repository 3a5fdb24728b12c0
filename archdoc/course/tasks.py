"""What each task of the course asks of a design (``archdoc grade``), and its starter spec
(``archdoc new``). The requirements follow the course's project page (docs/course.md):
the kinds and counts each task asks for, and the spec mistakes the course lists.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from archdoc.course import TASK_NAMES, TaskName
from archdoc.explain.walk import address_of, site_record
from archdoc.model.components import Cluster
from archdoc.model.kinds import Kind
from archdoc.rules import Analysis, Rule
from archdoc.rules.no_https import NoHttps
from archdoc.rules.write_to_replica import WriteToReplica
from archdoc.wording import sentence_list, verb


@dataclass(frozen=True)
class Requirement:
    """One thing a task asks of the design, and how to tell it is there."""

    what: str  # "a load balancer (HAProxy)"
    met: Callable[[Analysis], bool]
    # What to say when it is not met, when a fixed "missing: <what>" would name the wrong gap.
    gap: Callable[[Analysis], str] | None = None

    def problem(self, analysis: Analysis) -> str:
        return self.gap(analysis) if self.gap else f"missing: {self.what}"


def _count(kind: Kind, least: int, software: str | None = None) -> Callable[[Analysis], bool]:
    def met(analysis: Analysis) -> bool:
        found = [c for c in analysis.topology.components.values() if c.kind == kind and
                 (software is None or (getattr(c, "software", None) or "").lower() == software)]
        return len(found) >= least
    return met


NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four"}


def _exactly(kind: Kind, count: int, what: str) -> Requirement:
    """The task asks for this many: fewer is missing, more disagrees with the task."""
    def found(analysis: Analysis) -> int:
        return len(analysis.topology.of_kind(kind))

    def gap(analysis: Analysis) -> str:
        have = found(analysis)
        if have < count:
            return f"missing: {what} (the design has {have})"
        return (f"count: the task asks for {what}, the design has {have}: make the design, the diagram and "
                f"the text agree with the task, or say why it differs")
    return Requirement(what, lambda analysis: found(analysis) == count, gap)


def _algorithms_named(analysis: Analysis) -> bool:
    return all(getattr(analysis.topology.components[lb], "algorithm", None) is not None
               for lb in analysis.topology.of_kind(Kind.LOAD_BALANCER))


def _algorithm_gap(analysis: Analysis) -> str:
    unnamed = [lb for lb in analysis.topology.of_kind(Kind.LOAD_BALANCER)
               if getattr(analysis.topology.components[lb], "algorithm", None) is None]
    return (f"mistake: choose and name the load balancer's algorithm ({sentence_list(unnamed)} "
            f"{verb(len(unnamed), 'give')} no `algorithm`; the course asks which one and how it works)")


ALGORITHM_NAMED = Requirement("the load balancer's algorithm, chosen and named", _algorithms_named, _algorithm_gap)


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
        kinds_there |= {topology.kind(c) for m in members if topology.kind(m) == Kind.SERVER
                        for c in topology.hosted_on[m]}
        return bool(kinds_there & set(kinds)) and address_of(topology, record.component) is not None
    return met


def _primary_and_replica(analysis: Analysis) -> bool:
    topology = analysis.topology
    databases = topology.of_kind(Kind.DATABASE)
    return any(topology.is_replica(d) for d in databases) and any(not topology.is_replica(d) for d in databases)


def _no_finding(rule: type[Rule]) -> Callable[[Analysis], bool]:
    return lambda analysis: not analysis.found(rule)


def _balancers_clustered(analysis: Analysis) -> bool:
    topology = analysis.topology
    return any(isinstance(c, Cluster) and all(topology.kind(m) == Kind.LOAD_BALANCER for m in c.members)
               for c in topology.components.values())


TIERS = (Kind.WEB_SERVER, Kind.APP_SERVER, Kind.DATABASE)


def _mixed_servers(analysis: Analysis) -> dict[str, list[Kind]]:
    """Servers that run two or more of: a web server, an application server, a database."""
    topology = analysis.topology
    mixed = {}
    for server, hosted in topology.hosted_on.items():
        tiers = [t for t in TIERS if any(topology.kind(c) == t for c in hosted)]
        if len(tiers) > 1:
            mixed[server] = tiers
    return mixed


def _tiers_apart(analysis: Analysis) -> bool:
    """No server runs two of: a web server, an application server, a database."""
    return not _mixed_servers(analysis)


def _tiers_gap(analysis: Analysis) -> str:
    mixed = _mixed_servers(analysis)
    parts = [f"{server} runs {article_list(tiers)}" for server, tiers in mixed.items()]
    return (f"mixed tiers: {'; '.join(parts)}; the task puts the web server, the application server and the "
            f"database on servers of their own: move them apart, or remove the extra server")


def article_list(tiers: list[Kind]) -> str:
    return sentence_list([f"the {t.singular}" for t in tiers])


def _certificate_for_www(analysis: Analysis) -> bool:
    topology = analysis.topology
    record = site_record(topology)
    site = record.fqdn(topology.domain) if record else topology.domain
    return any(c.kind == Kind.CERTIFICATE and (c.domain is None or c.domain == site)
               for c in topology.components.values())


@dataclass(frozen=True)
class Task:
    name: TaskName
    requirements: tuple[Requirement, ...]

    @property
    def key(self) -> str:
        return self.name.key

    @property
    def answer_file(self) -> str:
        return self.name.answer_file

    @property
    def title(self) -> str:
        return self.name.title

    def starter(self) -> str:
        return (files("archdoc.course") / "starters" / f"{self.key}.yaml").read_text(encoding="utf-8")

    def missing(self, analysis: Analysis) -> list[str]:
        """What the design lacks for this task."""
        return [r.what for r in self.requirements if not r.met(analysis)]

    def problems(self, analysis: Analysis) -> list[str]:
        """What keeps the design from meeting the task: what it lacks, then the mistakes."""
        gaps = [r.problem(analysis) for r in self.requirements if not r.met(analysis)]
        return gaps + [f"mistake: {m}" for m in mistakes(analysis)]


SIMPLE = (
    Requirement("a server", _count(Kind.SERVER, 1)),
    Requirement("a web server (Nginx)", _count(Kind.WEB_SERVER, 1, "nginx")),
    Requirement("an application server", _count(Kind.APP_SERVER, 1)),
    Requirement("the application files (the code base)", _count(Kind.APP_FILES, 1)),
    Requirement("a database (MySQL)", _count(Kind.DATABASE, 1, "mysql")),
    Requirement("the domain foobar.com", lambda a: a.topology.domain == "foobar.com"),
)
DISTRIBUTED = (
    _exactly(Kind.SERVER, 3, "three servers"),
    Requirement("a load balancer (HAProxy)", _count(Kind.LOAD_BALANCER, 1, "haproxy")),
    Requirement("two web servers (Nginx)", _count(Kind.WEB_SERVER, 2, "nginx")),
    Requirement("two application servers", _count(Kind.APP_SERVER, 2)),
    Requirement("two copies of the application files", _count(Kind.APP_FILES, 2)),
    Requirement("two MySQL databases", _count(Kind.DATABASE, 2, "mysql")),
    Requirement("a primary database and a replica of it", _primary_and_replica),
    Requirement("the domain foobar.com", lambda a: a.topology.domain == "foobar.com"),
    Requirement("a www A record pointing at the load balancer", _www_to((Kind.LOAD_BALANCER,))),
    ALGORITHM_NAMED,
)
SECURED = (
    _exactly(Kind.FIREWALL, 3, "three firewalls"),
    Requirement("an SSL certificate for www.foobar.com", _certificate_for_www),
    Requirement("HTTPS from the users' browsers", _no_finding(NoHttps)),
    _exactly(Kind.MONITORING, 3, "three monitoring clients"),
)

TASKS = {
    "alx-0": Task(TASK_NAMES["alx-0"], SIMPLE + (
        Requirement("a www A record pointing at the server's IP", _www_to((Kind.WEB_SERVER, Kind.SERVER))),
    )),
    "alx-1": Task(TASK_NAMES["alx-1"], DISTRIBUTED),
    "alx-2": Task(TASK_NAMES["alx-2"], DISTRIBUTED + SECURED),
    "alx-3": Task(TASK_NAMES["alx-3"], (
        Requirement("four servers", _count(Kind.SERVER, 4)),
        Requirement("two load balancers (HAProxy)", _count(Kind.LOAD_BALANCER, 2, "haproxy")),
        Requirement("the load balancers configured as a cluster", _balancers_clustered),
        Requirement("a web server", _count(Kind.WEB_SERVER, 1)),
        Requirement("an application server", _count(Kind.APP_SERVER, 1)),
        Requirement("a database", _count(Kind.DATABASE, 1)),
        Requirement("the web server, the application server and the database on servers of their own",
                    _tiers_apart, _tiers_gap),
        ALGORITHM_NAMED,
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
        if finding.rule == WriteToReplica.id:
            found.append(f"{finding.component} writes to a read-only replica: wire it to the primary for writes")
    return found


def misnamed_task_file(spec: Path) -> str | None:
    """The task file name a spec's name comes close to without being it ('3-scale_up.yaml'
    for '3-scale-up.yaml'): the course's checker looks for the exact names."""
    if spec.stem in TASK_BY_ANSWER_FILE:
        return None
    close = difflib.get_close_matches(spec.stem.lower().replace("-", "_"),
                                      [name.replace("-", "_") for name in TASK_BY_ANSWER_FILE], n=1, cutoff=0.8)
    if not close:
        return None
    return next(f"{name}{spec.suffix or '.yaml'}" for name in TASK_BY_ANSWER_FILE if name.replace("-", "_") == close[0])


__all__ = ["TASKS", "TASK_BY_ANSWER_FILE", "Task", "misnamed_task_file", "mistakes"]
