from __future__ import annotations

from collections.abc import Iterator

from archdoc.model.kinds import Kind
from archdoc.rules.base import Category, Context, Finding, Rule, Severity


class NoMonitoring(Rule):
    """A server, or a component with no server that can fail on its own, is not monitored.

    Why it matters:
        Without metrics and logs nobody knows the machine is down, full or slow
        until users complain; there is nothing to alert on, to debug with, or to
        plan capacity from.
    How to fix:
        Run a monitoring agent on each server (`kind: monitoring`, `host: <server>`;
        Datadog, Sumo Logic, Prometheus' node exporter...) that ships metrics and
        logs to a monitoring service, and alert on them.
    Bad:
        archdoc: 1
        title: Unmonitored
        components:
          srv: {kind: server}
    Good:
        archdoc: 1
        title: Monitored
        components:
          srv: {kind: server}
          agent: {kind: monitoring, software: datadog, to: Datadog, host: srv}
    """

    id = "no-monitoring"
    name = "No monitoring"
    category = Category.OBSERVABILITY
    severity = Severity.MEDIUM

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        for unit in topology.failure_units:
            if unit not in topology.monitored:
                what = "server" if topology.kind(unit) == Kind.SERVER else topology.kind(unit).replace("_", " ")
                fix = None
                if topology.kind(unit) != Kind.SERVER:  # no server to run an agent on
                    fix = (f"Name {unit} in the `for:` list of a monitoring component (`kind: monitoring`, "
                           f"`for: [{unit}]`, `to: <service>`), which collects its metrics and logs from "
                           f"outside it (SNMP, its API or its log stream), and alert on them.")
                yield self.finding(unit, f"No monitoring agent watches the {what} {unit}.", fix=fix)
