from __future__ import annotations

from collections.abc import Iterator

from archdoc.model.kinds import Kind
from archdoc.rules.base import Category, Context, Finding, Rule, Severity
from archdoc.wording import noun, sentence_list


class SingleWriter(Rule):
    """Replicas exist, but only one primary database accepts writes.

    Why it matters:
        If the primary fails, the application cannot write (no order placed, no
        account created) until someone promotes a replica by hand; and all writes
        load one machine, so writes cannot scale out.
    How to fix:
        Automate failover (a cluster that promotes a replica when the primary
        fails), or run a primary-primary (multi-writer) cluster.
    Bad:
        archdoc: 1
        title: One writer
        components:
          user: {kind: client}
          app: {kind: app_server}
          db-1: {kind: database, role: primary}
          db-2: {kind: database, role: replica, replica_of: db-1}
        links:
          - {from: user, to: app, protocol: https}
          - {from: app, to: db-1, protocol: mysql}
    Good:
        archdoc: 1
        title: Two writers
        components:
          user: {kind: client}
          app: {kind: app_server}
          db-1: {kind: database, role: primary}
          db-2: {kind: database, role: primary}
          db-3: {kind: database, role: replica, replica_of: db-1}
          dbs: {kind: cluster, members: [db-1, db-2], mode: active_active}
        links:
          - {from: user, to: app, protocol: https}
          - {from: app, to: dbs, protocol: mysql}
    """

    id = "single-writer"
    name = "Single writer"
    category = Category.RELIABILITY
    severity = Severity.MEDIUM

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        databases = topology.of_kind(Kind.DATABASE)
        replicas = [d for d in databases if topology.is_replica(d)]
        primaries = [d for d in databases if not topology.is_replica(d)]
        if replicas and len(primaries) == 1:
            primary = primaries[0]
            yield self.finding(
                primary,
                f"{primary} is the only database that accepts writes; its {noun(len(replicas), 'replica')} "
                f"{sentence_list(replicas)} cannot take writes until promoted by hand.",
                related=replicas,
            )
