from __future__ import annotations

from collections.abc import Iterator

from archdoc.model.kinds import Kind
from archdoc.rules.base import Category, Context, Finding, Rule, Severity

CHECKED_KINDS = (Kind.WEB_SERVER, Kind.APP_SERVER, Kind.LOAD_BALANCER, Kind.CACHE)


class Unreachable(Rule):
    """A web server, application server, load balancer or cache that no request reaches.

    Why it matters:
        No path of links leads to it from the users: either a link is missing from
        the design, or the component does nothing but cost money.
    How to fix:
        Add the link that sends traffic to it (from the load balancer, the web
        server or the application), or remove it from the design.
    Bad:
        archdoc: 1
        title: A cache nobody uses
        components:
          user: {kind: client}
          app: {kind: app_server}
          cache: {kind: cache, software: redis}
        links:
          - {from: user, to: app, protocol: https}
    Good:
        archdoc: 1
        title: The application uses its cache
        components:
          user: {kind: client}
          app: {kind: app_server}
          cache: {kind: cache, software: redis}
        links:
          - {from: user, to: app, protocol: https}
          - {from: app, to: cache, protocol: redis}
    """

    id = "unreachable"
    name = "Unreachable component"
    category = Category.DESIGN
    severity = Severity.LOW

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        for component in topology.of_kind(*CHECKED_KINDS):
            if component not in topology.reachable:
                kind = topology.kind(component).replace("_", " ")
                yield self.finding(component, f"No path of links leads from a client to the {kind} {component}.")
