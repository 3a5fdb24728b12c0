from __future__ import annotations

from collections.abc import Iterator

from archdoc.model import Topology
from archdoc.model.kinds import SERVING_KINDS, Kind
from archdoc.rules.base import Category, Context, Finding, Rule, Severity, unique
from archdoc.rules.split_data import SplitData
from archdoc.wording import sentence_list, upper_first, verb


class Spof(Rule):
    """A failure unit whose failure alone stops what the site does.

    Why it matters:
        When one machine (or one component with no server of its own) fails, every
        request that needs it fails too: nothing redundant takes over, so users see
        errors until it is repaired.
    How to fix:
        Add redundancy for what runs on it: a second instance on another server,
        behind a load balancer or in a cluster, so that the other takes over.
    Bad:
        archdoc: 1
        title: One load balancer
        components:
          user: {kind: client}
          lb: {kind: load_balancer}
          web-1: {kind: web_server}
          web-2: {kind: web_server}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: [web-1, web-2], protocol: http}
    Good:
        archdoc: 1
        title: A pair of load balancers
        components:
          user: {kind: client}
          lb-1: {kind: load_balancer}
          lb-2: {kind: load_balancer}
          lbs: {kind: cluster, members: [lb-1, lb-2], mode: active_passive, vip: 203.0.113.10}
          web-1: {kind: web_server}
          web-2: {kind: web_server}
        links:
          - {from: user, to: lbs, protocol: https}
          - {from: lbs, to: [web-1, web-2], protocol: http}
    """

    id = "spof"
    name = "Single point of failure"
    category = Category.RELIABILITY
    severity = Severity.HIGH

    def check(self, context: Context) -> Iterator[Finding]:
        topology, failures = context.topology, context.failures
        for unit in topology.failure_units:
            lost = failures.lost_if_failed(unit)
            if not lost:
                continue
            causes = list(unique(c for capability in lost for c in failures.causes(unit, capability)))
            what = sentence_list([c.action for c in lost], "or")
            if causes == [unit]:
                because = "nothing else takes its place"
            else:
                because = f"{sentence_list(causes)} {verb(len(causes), 'run')} on it with nothing to take over"
            kinds = unique(topology.kind(c) for c in causes)
            fixes = [fix + _behind(topology, kind) for kind in kinds if (fix := kind.facts.spof_fix)]
            split = [c for c in causes if c in failures.split_databases]
            if split:  # a second member would not hold the data the other copies have
                fixes = [f"join the copies of the data first ({SplitData.id}): make one database the primary "
                         f"and the others its replicas, or group them in one multi-primary cluster; then a "
                         f"database's failure no longer loses data that only it holds"]
            yield self.finding(
                unit,
                f"If {unit} fails, the design can no longer {what}: {because}.",
                fix=(upper_first("; ".join(fixes)) + ".") if fixes else None,
                related=causes,
            )


def _behind(topology: Topology, kind: Kind) -> str:
    """Where a second web or application server goes: behind the load balancer the design
    has, or behind one to add."""
    if kind not in SERVING_KINDS:
        return ""
    if topology.of_kind(Kind.LOAD_BALANCER):
        return " behind the load balancer"
    return ", and put a load balancer in front of the two"
