"""Each rule against its cases (tests/rules/cases/<rule>.yaml) and its documented examples."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from archdoc.model import Topology
from archdoc.rules import RULES, Rule, Severity, analyse
from archdoc.rules.base import Category
from archdoc.rules.registry import make_registry
from archdoc.specfile import loads

CASES = Path(__file__).parent / "rules" / "cases"


def topology_of(text: str, name: str = "case.yaml") -> Topology:
    return loads(text, name)


def findings_of(rule_id: str, text: str) -> list[str]:
    return [f.component for f in analyse(topology_of(text)).findings if f.rule == rule_id]


def load_cases() -> list[object]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        document = yaml.safe_load(path.read_text())
        for case in document["cases"]:
            params.append(pytest.param(document["rule"], case["spec"], case["findings"],
                                       id=f"{document['rule']}: {case['name']}"))
    return params


@pytest.mark.parametrize(("rule_id", "spec", "expected"), load_cases())
def test_rule_case(rule_id: str, spec: str, expected: list[str]) -> None:
    assert sorted(findings_of(rule_id, spec)) == sorted(expected)


def test_every_rule_has_cases() -> None:
    assert sorted(p.stem for p in CASES.glob("*.yaml")) == sorted(RULES)


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_documented_examples(rule: type[Rule]) -> None:
    """The Bad example of each rule's documentation triggers it; the Good one does not."""
    doc = rule.doc()
    assert findings_of(rule.id, doc.bad), f"{rule.id}: the Bad example gives no finding"
    assert not findings_of(rule.id, doc.good), f"{rule.id}: the Good example still gives a finding"


def test_registry_refuses_duplicate_ids() -> None:
    class Twin(Rule):
        """Twin of spof.

        Why it matters:
            x
        How to fix:
            x
        Bad:
            x
        Good:
            x
        """

        id = "spof"
        name = "twin"
        category = Category.DESIGN
        severity = Severity.LOW

    with pytest.raises(ValueError, match="two rules have the id 'spof'"):
        make_registry([*RULES.values(), Twin])


def test_a_crashing_rule_is_reported_and_the_others_still_run() -> None:
    class Broken(Rule):
        """Always crashes.

        Why it matters:
            x
        How to fix:
            x
        Bad:
            x
        Good:
            x
        """

        id = "broken"
        name = "broken"
        category = Category.DESIGN
        severity = Severity.LOW

        def check(self, context):  # type: ignore[no-untyped-def]
            raise KeyError("boom")

    spec = (Path(__file__).parent.parent / "specs" / "0-simple_web_stack.yaml").read_text()
    analysis = analyse(topology_of(spec), make_registry([Broken, *RULES.values()]))
    assert [c.rule for c in analysis.crashes] == ["broken"]
    assert "this is a bug" in str(analysis.crashes[0])
    assert len(analysis.findings) == 9
