"""`archdoc fix`: the fixed spec validates, resolves what it can and brings nothing new."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from archdoc.fix import FIXES, fix_spec
from archdoc.rules.split_data import SplitData
from tests.conftest import ROOT, SPECS, run

EXAMPLES = sorted(SPECS.glob("[0-3]-*.yaml"))
MUST_GO = {"spof", "no-firewall", "no-https", "no-monitoring", "tls-terminated-at-lb", "missing-certificate",
           "database-exposed"}


def findings_of(path: Path) -> set[tuple[str, str]]:
    result = run("check", str(path), "--format", "json")
    assert result.exit_code == 0, result.output + result.stderr
    return {(f["rule"], f["component"]) for f in json.loads(result.stdout)["specs"][0]["findings"]}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_fixed_examples_keep_no_serious_finding_and_gain_none(example: Path, tmp_path: Path) -> None:
    fixed = tmp_path / "fixed.yaml"
    result = run("fix", str(example), "-o", str(fixed))
    assert result.exit_code == 0, result.stderr
    after, before = findings_of(fixed), findings_of(example)
    assert not {rule for rule, _ in after} & MUST_GO
    assert after <= before
    assert "fixed: " in result.stderr


def test_the_fixed_task_1_design() -> None:
    fixed = fix_spec((SPECS / "1-distributed_web_infrastructure.yaml").read_text(), "1.yaml")
    text = fixed.text
    assert "lb-cluster: {kind: cluster, members: [haproxy, haproxy-2], mode: active_passive, vip: 8.8.8.8}" in text
    assert "db-cluster: {kind: cluster, members: [mysql-1, mysql-3], mode: active_passive}" in text
    assert "mysql-3: {kind: database, software: mysql, role: primary, host: db-03}" in text
    assert "- {from: user, to: lb-cluster, protocol: https, port: 443}" in text
    assert "- {from: [haproxy, haproxy-2], to: [nginx-1, nginx-2], protocol: https, port: 443}" in text
    assert fixed.after.findings == ()


def test_ids_order_and_comments_stay(tmp_path: Path) -> None:
    spec = tmp_path / "mine.yaml"
    spec.write_text("""archdoc: 1
title: Mine   # the shop
components:
  # the people
  browser: {kind: client}
  box: {kind: server, ip: 203.0.113.7, public: true}  # rented
  www: {kind: web_server, software: nginx, host: box}
links:
  - {from: browser, to: www, protocol: https, port: 443}
""")
    result = run("fix", str(spec), "--only", "no-firewall", "--only", "no-monitoring")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "title: Mine   # the shop" in text and "# the people" in text and "# rented" in text
    assert text.index("browser:") < text.index("box:") < text.index("www:") < text.index("fw-box:")
    assert "fw-box: {kind: firewall, protects: [box]}" in text
    assert "mon-box: {kind: monitoring, host: box}" in text
    assert "lb" not in text  # only the fixes asked for


# Rules with no recipe whose findings keep a spof: split data is joined by a design
# decision (which copy wins), not by a recipe, and until then each copy is a spof.
NO_RECIPE = {SplitData.id}


def rule_case_specs() -> list[tuple[str, str]]:
    cases = []
    for path in sorted((ROOT / "tests" / "rules" / "cases").glob("*.yaml")):
        if path.stem in NO_RECIPE:
            continue
        for case in yaml.safe_load(path.read_text())["cases"]:
            cases.append((f"{path.stem}: {case['name']}", case["spec"]))
    return cases


@pytest.mark.parametrize(("name", "text"), rule_case_specs(), ids=[n for n, _ in rule_case_specs()])
def test_every_rule_case_fixed_brings_no_new_finding(name: str, text: str) -> None:
    fixed = fix_spec(text, "case.yaml")
    assert fixed.introduced == []
    assert not {f.rule for f in fixed.after.findings} & MUST_GO, fixed.text


@pytest.mark.parametrize("rule", list(FIXES))
def test_one_fix_alone_leaves_the_other_findings(rule: str) -> None:
    text = (SPECS / "0-simple_web_stack.yaml").read_text()
    fixed = fix_spec(text, "0.yaml", only=[rule])
    assert not any(f.rule == rule for f in fixed.after.findings)
    assert fixed.introduced == []


def test_bad_input_is_an_input_error(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("archdoc: 1\ntitle: t\ncomponents:\n  a: {kind: webserver}\n")
    result = run("fix", str(spec), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 2 and f"{spec}:4:" in result.stderr
    assert not (tmp_path / "out.yaml").exists()
    unknown = run("fix", str(SPECS / "0-simple_web_stack.yaml"), "--only", "no-firewal")
    assert unknown.exit_code == 2 and "did you mean 'no-firewall'" in unknown.stderr
