from __future__ import annotations

from collections.abc import Iterator

from archdoc.model.kinds import Kind
from archdoc.rules.base import Category, Context, Finding, Rule, Severity

TIERS = (Kind.WEB_SERVER, Kind.APP_SERVER)  # each kind on its own


class MaintenanceDowntime(Rule):
    """Clients can reach only one web server, or only one application server.

    Why it matters:
        Deploying new code or a security patch restarts that server, and while it
        restarts the site is down: every release means downtime.
    How to fix:
        Run two or more of them behind a load balancer and update them one at a
        time (a rolling deploy), taking each out of the pool while it restarts.
    Bad:
        archdoc: 1
        title: One web server
        components:
          user: {kind: client}
          web: {kind: web_server}
        links:
          - {from: user, to: web, protocol: https}
    Good:
        archdoc: 1
        title: Two web servers
        components:
          user: {kind: client}
          lb: {kind: load_balancer}
          web-1: {kind: web_server}
          web-2: {kind: web_server}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: [web-1, web-2], protocol: http}
    """

    id = "maintenance-downtime"
    name = "Downtime during maintenance"
    category = Category.RELIABILITY
    severity = Severity.MEDIUM

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        for kind in TIERS:
            reachable = [c for c in topology.of_kind(kind) if c in topology.reachable]
            if len(reachable) == 1:
                only = reachable[0]
                yield self.finding(
                    only,
                    f"{only} is the only {kind.singular} clients can reach: restarting it for a deploy "
                    f"or an update takes the site down.",
                )
