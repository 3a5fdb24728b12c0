from __future__ import annotations

from collections.abc import Iterator

from archdoc.rules.base import Category, Context, Finding, Rule, Severity
from archdoc.wording import sentence_list


class SplitData(Rule):
    """Backends that one load balancer spreads requests over write to different databases that never synchronise.

    Why it matters:
        Two or more primary databases, neither in one cluster nor linked by
        replication, each take the writes of some of the backends. Which copy of
        the data a user sees depends on which backend serves the request: an order
        written through one backend is missing through the other, and the copies
        drift further apart with every write. Neither database can stand in for the
        other when it fails.
    How to fix:
        Keep one copy of the data: send every backend's writes to one primary and
        make the other database its replica (`role: replica`, `replica_of`), or
        group the databases in a multi-primary cluster (`kind: cluster`, `mode:
        active_active`: MySQL Group Replication, Galera) and link the backends to
        the cluster.
    Bad:
        archdoc: 1
        title: Each backend writes its own database
        components:
          user: {kind: client}
          lb: {kind: load_balancer, algorithm: round_robin}
          app-1: {kind: app_server}
          app-2: {kind: app_server}
          db-1: {kind: database}
          db-2: {kind: database}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: [app-1, app-2], protocol: http}
          - {from: app-1, to: db-1, protocol: mysql}
          - {from: app-2, to: db-2, protocol: mysql}
    Good:
        archdoc: 1
        title: One primary, one replica
        components:
          user: {kind: client}
          lb: {kind: load_balancer, algorithm: round_robin}
          app-1: {kind: app_server}
          app-2: {kind: app_server}
          db-1: {kind: database}
          db-2: {kind: database, role: replica, replica_of: db-1}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: [app-1, app-2], protocol: http}
          - {from: app-1, to: db-1, protocol: mysql}
          - {from: app-2, to: db-1, protocol: mysql, access: write}
          - {from: app-2, to: db-2, protocol: mysql, access: read}
    """

    id = "split-data"
    name = "Split data"
    category = Category.RELIABILITY
    severity = Severity.HIGH

    def check(self, context: Context) -> Iterator[Finding]:
        seen: set[str] = set()
        for databases in context.failures.split_data:
            for db in databases:
                if db in seen:
                    continue
                seen.add(db)
                others = [d for d in databases if d != db]
                yield self.finding(
                    db,
                    f"{db} and {sentence_list(others)} take the writes of backends that one load balancer (or cluster) "
                    f"spreads requests over, but they never synchronise: which data a user sees depends on "
                    f"the backend that serves the request.",
                    related=others,
                )
