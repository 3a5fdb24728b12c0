"""``archdoc fix``: a spec that resolves the findings it can, written over the user's own.

The spec is edited with ruamel.yaml's round-trip mode, so the user's ids, order, comments
and flow style stay; new parts are placed next to what they serve. Each fix answers one
rule and is applied on a fresh analysis of the spec as the fixes before it left it:

- colocated-tiers: each server's databases move to a database server of their own;
- cannot-scale: a load balancer in front of a tier that clients reach directly, and a
  second backend where a load balancer has one;
- maintenance-downtime: a second web or application server beside the only one;
- spof: each part a single point of failure depends on gets a twin: load balancers an
  active_passive cluster with the virtual IP, databases a cluster of two primaries,
  web and application servers a second one beside them (repeated until none is left);
- single-writer: the primary gets a second write-capable member in a cluster;
- write-to-replica: writes go to the replica's primary, reads stay on the replica;
- database-exposed: clients no longer link to databases; public database servers get a firewall;
- no-https (with tls-terminated-at-lb and missing-certificate): HTTPS from the clients,
  encryption from the load balancers to their backends, and a certificate;
- no-firewall and no-monitoring: a firewall and an agent per server that lacks one.

A new server takes what protects and watches the server it copies: the same firewalls,
an agent like its agents. So a fix never brings a finding the spec did not have.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archdoc.fix.editor import Draft, analyse_text
from archdoc.fix.recipes import FIXES, SPOF_ROUNDS
from archdoc.rules import Analysis
from archdoc.rules.spof import Spof
from archdoc.specfile.messages import did_you_mean
from archdoc.specfile.yaml_source import DEFAULT_MAX_BYTES, read_text


@dataclass
class Fixed:
    """A fixed spec: its text, what was done, and the findings before and after."""

    text: str
    done: list[str]
    before: Analysis
    after: Analysis

    origins: dict[str, str] = field(default_factory=dict)  # a new component -> the one it copies

    def origin(self, component_id: str) -> str:
        while component_id in self.origins:
            component_id = self.origins[component_id]
        return component_id

    @property
    def introduced(self) -> list[tuple[str, str]]:
        """Findings the fixed spec has that the original did not (there should be none).

        A copy keeps what was wrong with its original until the fix for that is applied
        too (``--only``): its finding is the original's, carried, not a new one.
        """
        old = {(f.rule, f.component) for f in self.before.findings}
        return [(f.rule, f.component) for f in self.after.findings
                if (f.rule, self.origin(f.component)) not in old]


def fix_spec(text: str, name: str, only: Iterable[str] = ()) -> Fixed:
    """The spec with the fixes applied (all, or those of the rules whose ids are in ``only``)."""
    before = analysis = analyse_text(text, name)  # a bad spec stops here, with its positions
    draft = Draft.load(text, name)
    wanted = frozenset(only) or frozenset(rule.id for rule in FIXES)
    draft.wanted = wanted
    for rule, fix in FIXES.items():
        if rule.id not in wanted:
            continue
        rounds = SPOF_ROUNDS if rule is Spof else 1
        for _ in range(rounds):
            if not analysis.found(rule):
                break
            draft.twins = {}
            fix(draft, analysis)
            analysis = draft.analyse()
    return Fixed(draft.text(), draft.done, before, analysis, draft.origins)



def fix_file(path: Path, only: Iterable[str] = (), max_bytes: int = DEFAULT_MAX_BYTES) -> Fixed:
    """``fix_spec`` on a spec file; raises SpecError."""
    return fix_spec(read_text(path, max_bytes), str(path), only)


def unknown_fixes(only: Iterable[str]) -> list[str]:
    """A message for each rule id in ``only`` that has no fix."""
    ids = [rule.id for rule in FIXES]
    return [f"no fix for '{rule}'{did_you_mean(rule, ids)}; fixes exist for: {', '.join(ids)}"
            for rule in only if rule not in ids]


__all__ = ["FIXES", "Fixed", "analyse_text", "fix_file", "fix_spec", "unknown_fixes"]
