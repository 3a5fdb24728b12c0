"""The opening of the report: a summary line and the table of servers."""

from __future__ import annotations

from archdoc.explain.naming import described_short, name
from archdoc.explain.report.document import Section, Table
from archdoc.model import Topology
from archdoc.model.components import Server
from archdoc.model.kinds import Kind
from archdoc.rules import Analysis
from archdoc.wording import plural


def summary(analysis: Analysis) -> str:
    topology = analysis.topology
    servers = topology.of_kind(Kind.SERVER)
    found = ", ".join(f"{n} {severity}" for severity, n in analysis.counts().items() if n)
    issues = f"archdoc found {plural(len(analysis.findings), 'issue')} ({found})." if analysis.findings \
        else "archdoc found no issue."
    machines = f"The design runs on {plural(len(servers), 'server')}" if servers else "The design names no servers"
    return f"{machines} and has {plural(len(topology.components), 'component')} in all. {issues}"


def servers_table(topology: Topology) -> Section | None:
    servers = topology.of_kind(Kind.SERVER)
    if not servers:
        return None
    rows = []
    for server_id in servers:
        server = topology.components[server_id]
        assert isinstance(server, Server)
        runs = [described_short(topology, c) for c in topology.hosted_on[server_id]]
        rows.append((name(topology, server_id), server.ip or "", "yes" if server.public else "no",
                     ", ".join(runs) or "nothing"))
    return Section("Servers and what runs on them", table=Table(("server", "IP", "public", "runs"), tuple(rows)))
