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

If a fix cannot be applied (its draft would not be a valid spec, or would have findings
the original did not), it is left out, the others are applied from the start again, and
``Fixed.not_fixed`` says which and why: the spec written is always one ``check`` accepts.
The draft is analysed from its values after each fix; it is written out (the slow part
for a large spec) once, at the end, and read back as ``check`` reads it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archdoc.errors import SpecError
from archdoc.fix.editor import Draft, FixBug, FixError, analyse_text, draft_problems
from archdoc.fix.recipes import FIXES, SPOF_ROUNDS
from archdoc.rules import Analysis, Rule
from archdoc.rules.spof import Spof
from archdoc.specfile.messages import did_you_mean
from archdoc.specfile.yaml_source import DEFAULT_MAX_BYTES, read_text
from archdoc.wording import noun, sentence_list, verb

Step = tuple[type[Rule], int]  # a rule's fix and its round (the spof fix may need several)


class FixTimeout(Exception):
    """``fix`` took longer than its time limit."""


@dataclass(frozen=True)
class NotFixed:
    """A fix left out, and why; ``bug``: the reason is archdoc's mistake, not the design's."""

    rule: str
    reason: str
    bug: bool = False

    def __str__(self) -> str:
        return f"{self.rule}: not fixed: {self.reason}" + ("; this is a bug in archdoc" if self.bug else "")


@dataclass
class Fixed:
    """A fixed spec: its text, what was done, and the findings before and after."""

    text: str
    done: list[str]
    before: Analysis
    after: Analysis

    origins: dict[str, str] = field(default_factory=dict)  # a new component -> the one it copies
    not_fixed: list[NotFixed] = field(default_factory=list)

    def origin(self, component_id: str) -> str:
        return _origin(self.origins, component_id)

    @property
    def introduced(self) -> list[tuple[str, str]]:
        """Findings the fixed spec has that the original did not (there should be none).

        A copy keeps what was wrong with its original until the fix for that is applied
        too (``--only``): its finding is the original's, carried, not a new one.
        """
        return _introduced(self.before, self.after, self.origins)


def _origin(origins: dict[str, str], component_id: str) -> str:
    while component_id in origins:
        component_id = origins[component_id]
    return component_id


def _introduced(before: Analysis, after: Analysis, origins: dict[str, str]) -> list[tuple[str, str]]:
    old = {(f.rule, f.component) for f in before.findings}
    return [(f.rule, f.component) for f in after.findings if (f.rule, _origin(origins, f.component)) not in old]


def fix_spec(text: str, name: str, only: Iterable[str] = (), max_bytes: int = DEFAULT_MAX_BYTES,
             timeout: float | None = None) -> Fixed:
    """The spec with the fixes applied (all, or those of the rules whose ids are in ``only``).

    Raises SpecError for a bad spec, FixError when it cannot be edited or the result would
    be over ``max_bytes``, FixTimeout after ``timeout`` seconds, FixBug when the spec
    written is not the draft (archdoc's bug).
    """
    clock = _Clock(timeout)
    before = analyse_text(text, name)  # a bad spec stops here, with its positions
    wanted = frozenset(only) or frozenset(rule.id for rule in FIXES)
    if not any(before.found(rule) for rule in FIXES if rule.id in wanted):  # the text as it is
        return Fixed(text, [], before, before)
    left_out: dict[Step, NotFixed] = {}
    while True:  # at most once more per fix left out
        clock.check()
        draft = Draft.load(text, name)
        draft.wanted = wanted
        failed = _apply(draft, before, left_out, clock)
        if failed is None:
            break
        left_out[failed[0]] = failed[1]
    clock.check()
    written, after = draft.written(max_bytes)
    return Fixed(written, draft.done, before, after, draft.origins, list(left_out.values()))


def _apply(draft: Draft, before: Analysis, left_out: dict[Step, NotFixed], clock: _Clock,
           ) -> tuple[Step, NotFixed] | None:
    """Apply the fixes but those left out; the first step that fails, and why, or None."""
    analysis = before
    introduced_by: dict[Step, set[tuple[str, str]]] = {}
    for rule, fix in FIXES.items():
        if rule.id not in draft.wanted:
            continue
        for round_ in range(SPOF_ROUNDS if rule is Spof else 1):
            step = (rule, round_)
            if step in left_out or not analysis.found(rule):
                break
            clock.check()
            draft.twins = {}
            try:
                fix(draft, analysis)
                draft.drop_repeated_links()
                analysis = draft.analyse()
            except SpecError as error:
                reason = f"its draft is not a valid spec ({draft_problems(error.problems, at_lines=False)})"
                return step, NotFixed(rule.id, reason, bug=True)
            except (KeyError, ValueError, TypeError, AttributeError, IndexError) as error:
                return step, NotFixed(rule.id, f"the fix failed ({type(error).__name__}: {error})", bug=True)
            introduced_by[step] = set(_introduced(before, analysis, draft.origins))
    introduced = set(_introduced(before, analysis, draft.origins))
    if introduced:  # the first fix that brought one of them is left out
        step = next(s for s, found in introduced_by.items() if found & introduced)
        brought = sorted(introduced_by[step] & introduced)
        reason = (f"it would bring {noun(len(brought), 'a finding', 'findings')} the spec did not have "
                  f"({sentence_list(f'{rule} {component}' for rule, component in brought)})")
        unasked = sorted({rule for rule, _ in brought} - draft.wanted)
        if unasked:  # a fix asked for alone may uncover what another fix would mend
            return step, NotFixed(step[0].id, f"{reason}, and the {noun(len(unasked), 'fix', 'fixes')} for "
                                  f"{sentence_list(unasked)} {verb(len(unasked), 'be')} not asked for (--only)")
        return step, NotFixed(step[0].id, reason, bug=True)
    return None


class _Clock:
    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise FixTimeout(f"fixing took longer than {self.timeout:g} s and was stopped; nothing was written")


def fix_file(path: Path, only: Iterable[str] = (), max_bytes: int = DEFAULT_MAX_BYTES,
             timeout: float | None = None) -> Fixed:
    """``fix_spec`` on a spec file; raises SpecError, FixError, FixTimeout or FixBug."""
    return fix_spec(read_text(path, max_bytes), str(path), only, max_bytes, timeout)


def unknown_fixes(only: Iterable[str]) -> list[str]:
    """A message for each rule id in ``only`` that has no fix."""
    ids = [rule.id for rule in FIXES]
    return [f"no fix for '{rule}'{did_you_mean(rule, ids)}; fixes exist for: {', '.join(ids)}"
            for rule in only if rule not in ids]


__all__ = ["FIXES", "FixBug", "FixError", "FixTimeout", "Fixed", "NotFixed", "analyse_text", "fix_file", "fix_spec",
           "unknown_fixes"]
