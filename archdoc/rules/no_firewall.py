from __future__ import annotations

from collections.abc import Iterator

from archdoc.model.kinds import Kind
from archdoc.rules.base import Category, Context, Finding, Rule, Severity, unique


class NoFirewall(Rule):
    """A server, or a component clients link to directly, has no firewall.

    Why it matters:
        Without a firewall every port the machine listens on is open to whoever can
        reach it: an administration port, a forgotten service or the database
        itself. A firewall lets through only the traffic the design needs.
    How to fix:
        Protect each server with a firewall (`protects: [server]`) that lets in only
        what its role needs: 80 and 443 to the load balancer, the application port
        from the load balancer, the database port from the application servers.
    Bad:
        archdoc: 1
        title: No firewall
        components:
          user: {kind: client}
          srv: {kind: server}
          web: {kind: web_server, host: srv}
        links:
          - {from: user, to: web, protocol: https}
    Good:
        archdoc: 1
        title: A firewall in front
        components:
          user: {kind: client}
          srv: {kind: server}
          web: {kind: web_server, host: srv}
          fw: {kind: firewall, protects: [srv]}
        links:
          - {from: user, to: web, protocol: https}
    """

    id = "no-firewall"
    name = "No firewall"
    category = Category.SECURITY
    severity = Severity.HIGH

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        entry_points = unique(
            flow.target
            for flow in topology.client_flows
            if topology.host_of(flow.target) is None
            and topology.kind(flow.target) not in (Kind.FIREWALL, Kind.CLUSTER, Kind.SERVER)
        )
        for unit in [*topology.of_kind(Kind.SERVER), *entry_points]:
            if not topology.is_protected(unit):
                what = "server" if topology.kind(unit) == Kind.SERVER else "component"
                if getattr(topology.components[unit], "public", False) and unit not in topology.exposed \
                        and not any(c in topology.exposed for c in topology.on_unit(unit)):
                    message = (f"No firewall protects server {unit}, which is public: anyone on the internet "
                               f"can reach every port it opens, whatever filters the users' own path.")
                else:
                    message = (f"No firewall protects {what} {unit}, and clients can reach it on a path with "
                               f"no firewall on the way.")
                yield self.finding(unit, message)
