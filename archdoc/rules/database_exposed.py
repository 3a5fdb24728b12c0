from __future__ import annotations

from collections.abc import Iterator

from archdoc.model.kinds import Kind
from archdoc.rules.base import Category, Context, Finding, Rule, Severity


class DatabaseExposed(Rule):
    """A database that users' clients can reach, or that sits unprotected on a public server.

    Why it matters:
        A database answers anyone who can connect to its port and guess or steal a
        password; exposed databases are scanned for constantly and are a leading
        cause of data breaches.
    How to fix:
        Let only the application servers reach the database: put it on a private
        server, or protect its server with a firewall that opens the database port
        to the application servers alone.
    Bad:
        archdoc: 1
        title: A database on a public server
        components:
          srv: {kind: server, ip: 203.0.113.5, public: true}
          db: {kind: database, host: srv}
    Good:
        archdoc: 1
        title: The public server behind a firewall
        components:
          srv: {kind: server, ip: 203.0.113.5, public: true}
          db: {kind: database, host: srv}
          fw: {kind: firewall, protects: [srv]}
    """

    id = "database-exposed"
    name = "Database exposed"
    category = Category.SECURITY
    severity = Severity.HIGH

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        linked_by_clients = {f.target for f in topology.client_flows}
        for db in topology.of_kind(Kind.DATABASE):
            host = topology.host_of(db)
            if db in linked_by_clients:
                yield self.finding(db, f"Clients link to the database {db} directly.")
            elif host is not None and getattr(topology.components[host], "public", False) \
                    and not topology.is_protected(host):
                yield self.finding(
                    db,
                    f"The database {db} runs on {host}, a public server that no firewall protects.",
                    related=[host],
                )
