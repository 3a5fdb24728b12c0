"""Specs that are quick to write: what may be left out, the course's words, did-you-mean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from archdoc.rules import RULES, analyse
from archdoc.specfile import loads
from tests.conftest import ROOT, SPECS, run

_HTTP = re.compile(r",\s*protocol:\s*http(?=\s*[,}])|^\s*protocol:\s*http\s*\n", re.MULTILINE)


def all_test_specs() -> list[tuple[str, str]]:
    """Every spec of specs/, of the rule cases and of the rules' own examples."""
    specs = [(p.name, p.read_text()) for p in sorted(SPECS.glob("*.yaml"))]
    for path in sorted((ROOT / "tests" / "rules" / "cases").glob("*.yaml")):
        specs += [(f"{path.stem}: {case['name']}", case["spec"]) for case in yaml.safe_load(path.read_text())["cases"]]
    for rule in RULES.values():
        specs += [(f"{rule.id} bad", rule.doc().bad), (f"{rule.id} good", rule.doc().good)]
    return specs


SPECS_AND_NAMES = all_test_specs()


def findings(text: str, name: str) -> set[tuple[str, str]]:
    return {(f.rule, f.component) for f in analyse(loads(text, name)).findings}


@pytest.mark.parametrize(("name", "text"), SPECS_AND_NAMES, ids=[n for n, _ in SPECS_AND_NAMES])
def test_protocol_http_can_be_left_out(name: str, text: str) -> None:
    stripped = _HTTP.sub("", text)
    assert findings(stripped, name) == findings(text, name)


def test_the_mechanical_test_removes_something() -> None:
    assert sum(len(_HTTP.findall(text)) for _, text in SPECS_AND_NAMES) >= 38  # links in 27 of the specs


def test_a_left_out_protocol_is_the_targets_own(write_spec) -> None:  # type: ignore[no-untyped-def]
    path = write_spec("""
        archdoc: 1
        title: t
        components:
          user: {kind: client}
          web: {kind: web_server}
          db: {kind: database, software: Postgres}
          odd: {kind: database}
          cache: {kind: cache, software: redis}
        links:
          - {from: user, to: web}
          - {from: web, to: [db, odd, cache]}
          - {from: web, to: user, tls: true}
    """)
    topology = loads(path.read_text(), "t.yaml")
    protocols = {(link.target, link.protocol, link.encrypted) for link in topology.links}
    assert protocols == {("web", "http", False), ("db", "postgresql", False), ("odd", "tcp", False),
                         ("cache", "redis", False), ("user", "http", True)}


def test_master_and_slave_are_primary_and_replica(write_spec) -> None:  # type: ignore[no-untyped-def]
    path = write_spec("""
        archdoc: 1
        title: t
        components:
          m: {kind: database, role: master}
          s: {kind: database, role: slave, replica_of: m}
    """)
    topology = loads(path.read_text(), "t.yaml")
    assert [c.role for c in topology.components.values()] == ["primary", "replica"]


@pytest.mark.parametrize(("field", "wrong", "right"), [
    ("algorithm", "roundrobin", "round_robin"), ("mode", "active-passive", "active_passive"),
    ("role", "replicca", "replica"), ("replication", "semisync", "semi_sync"),
])
def test_did_you_mean_for_every_closed_value(write_spec, field: str, wrong: str, right: str) -> None:  # type: ignore[no-untyped-def]
    body = {"algorithm": "{kind: load_balancer, algorithm: %s}", "mode": "{kind: cluster, members: [x, y], mode: %s}",
            "role": "{kind: database, role: %s}", "replication": "{kind: database, replication: %s}"}[field]
    path = write_spec(f"archdoc: 1\ntitle: t\ncomponents:\n  a: {body % wrong}\n")
    result = run("check", str(path))
    assert result.exit_code == 2 and f"'{wrong}' is not allowed here (did you mean '{right}'?)" in result.stderr


def test_did_you_mean_for_a_misspelt_id(write_spec) -> None:  # type: ignore[no-untyped-def]
    path = write_spec("""
        archdoc: 1
        title: t
        components:
          web-01: {kind: server}
          nginx: {kind: web_server, host: web01}
          app: {kind: app_server}
          db: {kind: database}
          replica: {kind: database, role: replica, replica_of: dbb}
          pair: {kind: cluster, members: [nginx, ap], mode: active_active}
        links:
          - {from: nginx, to: app}
          - {from: app, to: bd}
    """)
    result = run("check", str(path))
    for wrong, right in (("web01", "web-01"), ("dbb", "db"), ("ap", "app"), ("bd", "db")):
        assert f"unknown id '{wrong}' (did you mean '{right}'?)" in result.stderr


def test_a_task_file_name_close_to_the_course_name_gets_did_you_mean(tmp_path: Path) -> None:
    spec = tmp_path / "3-scale-up.yaml"
    spec.write_text((SPECS / "3-scale_up.yaml").read_text())
    assert "did you mean 3-scale_up.yaml?" in run("grade", str(spec), "--task", "alx-3").stderr
    result = run("handin", str(spec), "-o", str(tmp_path / "h"))
    assert result.exit_code == 2 and "(did you mean 3-scale_up.yaml?)" in result.stderr


def test_a_spec_from_standard_input(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from archdoc.cli import cli
    from archdoc.specfile import reading

    reading._stdin_cache.clear()
    text = (SPECS / "0-simple_web_stack.yaml").read_text()
    result = CliRunner().invoke(cli, ["check", "-"], input=text)
    assert result.exit_code == 0 and result.stdout.startswith("<stdin>: Simple web stack: 9 findings")
    reading._stdin_cache.clear()
    result = CliRunner().invoke(cli, ["render", "-", "-o", str(tmp_path), "--formats", "md"], input=text)
    assert result.exit_code == 0 and (tmp_path / "stdin" / "report.md").is_file()
    reading._stdin_cache.clear()


def test_diff_exit_code_and_fix_check(tmp_path: Path) -> None:
    a = SPECS / "1-distributed_web_infrastructure.yaml"
    assert run("diff", str(a), str(a), "--exit-code").exit_code == 0
    assert run("diff", str(a), str(SPECS / "2-secured_and_monitored_web_infrastructure.yaml"), "--exit-code").exit_code == 1
    assert run("diff", str(a), str(SPECS / "2-secured_and_monitored_web_infrastructure.yaml")).exit_code == 0
    result = run("fix", str(a), "--check")
    assert result.exit_code == 1 and result.stdout == "" and "would fix:" in result.stderr


def test_whatif_takes_down_and_keeps_fail(tmp_path: Path) -> None:
    spec = str(SPECS / "1-distributed_web_infrastructure.yaml")
    assert run("whatif", spec, "--down", "web-01").stdout == run("whatif", spec, "--fail", "web-01").stdout
    assert "can no longer write data" in run("whatif", spec, "--down", "web-01").stdout


def test_render_accepts_format_as_check_does(tmp_path: Path) -> None:
    result = run("render", str(SPECS / "0-simple_web_stack.yaml"), "-o", str(tmp_path), "--format", "md")
    assert result.exit_code == 0 and sorted(p.name for p in (tmp_path / "0-simple_web_stack").iterdir()
                                           if not p.name.startswith(".")) == ["diagram.png", "report.md"]


ACCEPTING = """
archdoc: 1
title: Accepted
components:
  user: {kind: client}
  srv: {kind: server}
  web: {kind: web_server, host: srv}
links:
  - {from: user, to: web, protocol: https}
accepted:
  - {rule: no-monitoring, component: srv, reason: "monitored by the hosting company"}
  - {rule: spof, component: srv, reason: "a demo", until: "2020-01-01"}
  - {rule: spoff, component: web, reason: "a typo"}
"""


def test_accepted_findings_stay_in_the_report_and_leave_the_count(tmp_path: Path) -> None:
    import json

    spec = tmp_path / "s.yaml"
    spec.write_text(ACCEPTING)
    result = run("check", str(spec), "--fail-on", "medium")
    assert result.exit_code == 1  # the others still count
    assert ": medium: no-monitoring srv:" not in result.stdout and "; 1 accepted" in result.stdout
    assert f"{spec}:12:5: accepted: warning: spof on srv was accepted until 2020-01-01: it counts again" \
        in result.stderr
    assert "spoff on web matches no finding (there is no rule 'spoff'; did you mean 'spof'?)" in result.stderr
    assert ": high: spof srv:" in result.stdout  # past its day, it counts
    document = json.loads(run("check", str(spec), "--format", "json").stdout)["specs"][0]
    assert [w["line"] for w in document["warnings"]] == [12, 13]
    sarif_run = json.loads(run("check", str(spec), "--format", "sarif").stdout)["runs"][0]
    assert [n["level"] for n in sarif_run["invocations"][0]["toolExecutionNotifications"]] == ["warning", "warning"]
    assert sarif_run["invocations"][0]["executionSuccessful"] is True
    assert [(a["rule"], a["component"], a["reason"]) for a in document["accepted"]] == [
        ("no-monitoring", "srv", "monitored by the hosting company")]
    sarif = json.loads(run("check", str(spec), "--format", "sarif").stdout)["runs"][0]["results"]
    suppressed = [r for r in sarif if r.get("suppressions")]
    assert [(r["ruleId"], r["suppressions"][0]["justification"]) for r in suppressed] == [
        ("no-monitoring", "monitored by the hosting company")]
    run("render", str(spec), "-o", str(tmp_path / "out"), "--formats", "md")
    report = (tmp_path / "out" / "s" / "report.md").read_text()
    assert "## Accepted risks" in report and "monitored by the hosting company" in report


def test_an_accepted_finding_with_no_risk_left_counts_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(ACCEPTING.replace('until: "2020-01-01"', 'until: "2999-12-31"'))
    assert "; 2 accepted" in run("check", str(spec)).stdout
    spec.write_text(ACCEPTING.replace('until: "2020-01-01"', 'until: "2026-02-30"'))
    assert "is not a day of the calendar" in run("check", str(spec)).stderr
