from __future__ import annotations

from collections.abc import Iterator

from archdoc.model.kinds import SERVING_KINDS, Kind
from archdoc.rules.base import Category, Context, Finding, Rule, Severity, unique
from archdoc.wording import sentence_list


class CannotScale(Rule):
    """Traffic cannot be spread over more machines.

    Why it matters:
        One backend behind a load balancer, or clients reaching a web or application
        server with no load balancer on the way, means all the traffic lands on one
        machine: when it is full, the site slows down and the only way up is a bigger
        machine.
    How to fix:
        Put a load balancer in front of the web tier and give it two or more
        backends; add backends as traffic grows.
    Bad:
        archdoc: 1
        title: A load balancer with one backend
        components:
          user: {kind: client}
          lb: {kind: load_balancer}
          web: {kind: web_server}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: web, protocol: http}
    Good:
        archdoc: 1
        title: A load balancer with two backends
        components:
          user: {kind: client}
          lb: {kind: load_balancer}
          web-1: {kind: web_server}
          web-2: {kind: web_server}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: [web-1, web-2], protocol: http}
    """

    id = "cannot-scale"
    name = "Cannot scale out"
    category = Category.PERFORMANCE
    severity = Severity.MEDIUM

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        for lb in topology.of_kind(Kind.LOAD_BALANCER):
            if lb not in topology.reachable:
                continue
            backends = topology.backends(lb)
            if len(backends) == 1:
                waiting = list(unique(t for f in topology.flows_from.get(lb, ())
                                      for t in topology.beyond_firewalls(f.target) if t not in (*backends, lb)))
                if waiting:
                    message = (f"Load balancer {lb} has one active backend, {backends[0]}, and keeps "
                               f"{sentence_list(waiting)} as a backup: all the traffic goes to one machine.")
                    fix = (f"Make the backup active: remove `backup: true` from the link to "
                           f"{sentence_list(waiting)}, so that {lb} spreads requests over "
                           f"{backends[0]} and {sentence_list(waiting)}; add backends as traffic grows.")
                else:
                    message = f"Load balancer {lb} has one backend, {backends[0]}: all the traffic goes to one machine."
                    fix = (f"Give the load balancer a second backend (another {topology.kind(backends[0]).singular} "
                           f"on another server) and add more as traffic grows.")
                yield self.finding(lb, message, fix=fix, related=(*backends, *waiting))
        for entry in unique(flow.target for flow in topology.client_flows):
            if topology.kind(entry) == Kind.LOAD_BALANCER:
                continue
            beyond = topology.reach([entry], stop_at_kinds=(Kind.LOAD_BALANCER,))
            servers = [c for c in beyond if topology.kind(c) in SERVING_KINDS]
            if servers:
                yield self.finding(
                    entry,
                    f"Clients reach {entry} with no load balancer on the way: traffic cannot be "
                    f"spread over more machines.",
                    fix=f"Put a load balancer in front of {entry} and give it two or more backends; add "
                        f"backends as traffic grows.",
                )
