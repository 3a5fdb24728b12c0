from __future__ import annotations

from collections.abc import Iterator

from archdoc.model.kinds import Kind
from archdoc.rules.base import Category, Context, Finding, Rule, Severity, unique
from archdoc.wording import noun, sentence_list

DATA_KINDS = (Kind.DATABASE, Kind.CACHE)


class BalancerToData(Rule):
    """A load balancer sends the users' requests straight to a database or a cache.

    Why it matters:
        A load balancer forwards the users' HTTP requests. A database or a cache
        does not speak HTTP and should never take the users' traffic: it answers
        the application's queries, behind the web and application servers. Wired
        this way either nothing works (the requests are refused) or the data store
        is open to the internet through the load balancer, and no application code
        checks what is asked of it.
    How to fix:
        Link the load balancer to the web servers (or application servers), and
        link the application servers to the database or the cache. To spread the
        database's load, use replicas or a cluster that the application connects to.
    Bad:
        archdoc: 1
        title: A load balancer in front of the database
        components:
          user: {kind: client}
          lb: {kind: load_balancer, algorithm: round_robin}
          app: {kind: app_server}
          db: {kind: database}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: [app, db], protocol: http}
    Good:
        archdoc: 1
        title: The database behind the application
        components:
          user: {kind: client}
          lb: {kind: load_balancer, algorithm: round_robin}
          app: {kind: app_server}
          db: {kind: database}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: app, protocol: http}
          - {from: app, to: db, protocol: mysql}
    """

    id = "balancer-to-data"
    name = "Load balancer sends requests to a data store"
    category = Category.DESIGN
    severity = Severity.MEDIUM

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        facing_users = {f.target for f in topology.client_flows}
        for lb in topology.of_kind(Kind.LOAD_BALANCER):
            if lb not in facing_users:  # a balancer for the application's own queries (app -> haproxy -> mysql)
                continue
            stores = list(unique(t for f in topology.flows_from.get(lb, ())
                                 for t in topology.beyond_firewalls(f.target) if topology.kind(t) in DATA_KINDS))
            if stores:
                kinds = sentence_list(list(unique(topology.kind(s).singular for s in stores)), "or")
                yield self.finding(
                    lb,
                    f"Load balancer {lb} sends the users' requests straight to the {noun(len(stores), kinds, kinds)} "
                    f"{sentence_list(stores)}: a data store answers the application, not the users.",
                    related=stores,
                )
