from __future__ import annotations

from collections.abc import Iterator

from archdoc.model.kinds import Kind
from archdoc.rules.base import Category, Context, Finding, Rule, Severity
from archdoc.wording import sentence_list


class ColocatedTiers(Rule):
    """A database shares a server with a web or application server.

    Why it matters:
        The tiers compete for the same CPU, memory and disk; they cannot be scaled
        apart (more web capacity means more database copies too); and they fail and
        are maintained together: restarting one disturbs the others.
    How to fix:
        Give the database a server of its own (and the web and application tiers
        theirs), so that each tier can be sized, scaled and maintained on its own.
    Bad:
        archdoc: 1
        title: Everything on one server
        components:
          srv: {kind: server}
          web: {kind: web_server, host: srv}
          db: {kind: database, host: srv}
    Good:
        archdoc: 1
        title: A server per tier
        components:
          srv-web: {kind: server}
          srv-db: {kind: server}
          web: {kind: web_server, host: srv-web}
          db: {kind: database, host: srv-db}
    """

    id = "colocated-tiers"
    name = "Tiers sharing a server"
    category = Category.RELIABILITY
    severity = Severity.MEDIUM

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        for server, hosted in topology.hosted_on.items():
            databases = [c for c in hosted if topology.kind(c) == Kind.DATABASE]
            others = [c for c in hosted if topology.kind(c) in (Kind.WEB_SERVER, Kind.APP_SERVER)]
            if databases and others:
                yield self.finding(
                    server,
                    f"{server} runs the database {sentence_list(databases)} together with "
                    f"{sentence_list(others)}.",
                    related=databases + others,
                )
