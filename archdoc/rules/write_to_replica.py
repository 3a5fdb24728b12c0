from __future__ import annotations

from collections.abc import Iterator

from archdoc.model.components import Cluster, Database
from archdoc.model.failures import WRITE_ACCESS
from archdoc.rules.base import Category, Context, Finding, Rule, Severity


class WriteToReplica(Rule):
    """A link writes into a read-only replica.

    Why it matters:
        A replica only replays what its primary wrote; it refuses writes (MySQL's
        read_only, PostgreSQL's hot standby). Every write sent this way fails.
    How to fix:
        Send writes to the primary: give the link to the replica `access: read`, and
        add a link with `access: write` (or readwrite) to the primary.
    Bad:
        archdoc: 1
        title: Writes into a replica
        components:
          user: {kind: client}
          app: {kind: app_server}
          db-1: {kind: database, role: primary}
          db-2: {kind: database, role: replica, replica_of: db-1}
        links:
          - {from: user, to: app, protocol: https}
          - {from: app, to: db-2, protocol: mysql}
    Good:
        archdoc: 1
        title: Reads from the replica, writes to the primary
        components:
          user: {kind: client}
          app: {kind: app_server}
          db-1: {kind: database, role: primary}
          db-2: {kind: database, role: replica, replica_of: db-1}
        links:
          - {from: user, to: app, protocol: https}
          - {from: app, to: db-1, protocol: mysql, access: write}
          - {from: app, to: db-2, protocol: mysql, access: read}
    """

    id = "write-to-replica"
    name = "Writes sent to a replica"
    category = Category.RELIABILITY
    severity = Severity.HIGH

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        reported: set[str] = set()
        for link in topology.links:
            if link.access not in WRITE_ACCESS or link.source in reported:
                continue
            target = topology.components[link.target]
            if isinstance(target, Cluster):
                writers = target.members[:1] if target.mode == "active_passive" else target.members
                replicas = [m for m in writers if topology.is_replica(m)]
                if not replicas:
                    continue
                what = "active member" if target.mode == "active_passive" else "member"
                into = f"cluster {link.target}, whose {what} {replicas[0]} is a read-only replica"
            elif isinstance(target, Database) and target.role == "replica":
                into = f"{link.target}, a read-only replica of {target.replica_of}"
            else:
                continue
            reported.add(link.source)
            yield self.finding(
                link.source,
                f"{link.source} sends writes (access {link.access}) to {into}: those writes fail.",
                related=[link.target],
            )
