"""`archdoc diff`: what changed between two designs and what it did to the analysis."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SPECS, run

TASK_1 = SPECS / "1-distributed_web_infrastructure.yaml"
TASK_2 = SPECS / "2-secured_and_monitored_web_infrastructure.yaml"


def test_task_1_to_task_2_in_json() -> None:
    result = run("diff", str(TASK_1), str(TASK_2), "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert {"cert", "fw-lb", "fw-1", "fw-2", "mon-lb", "mon-1", "mon-2"} == set(document["components"]["added"])
    assert document["components"]["removed"] == []
    assert "user -> haproxy (https:443)" in document["links"]["added"]
    assert "user -> haproxy (http:80)" in document["links"]["removed"]
    resolved = {(f["rule"], f["component"]) for f in document["findings"]["resolved"]}
    assert ("no-https", "haproxy") in resolved and ("no-monitoring", "web-02") in resolved
    assert [(f["rule"], f["component"]) for f in document["findings"]["introduced"]] == [
        ("tls-terminated-at-lb", "haproxy")]
    serve = next(row for row in document["availability"] if row["capability"] == "serve")
    assert serve["before"] == serve["after"]  # safer, not more redundant


def test_text_names_each_change(tmp_path: Path) -> None:
    fixed = tmp_path / "fixed.yaml"
    assert run("fix", str(TASK_1), "-o", str(fixed)).exit_code == 0
    text = run("diff", str(TASK_1), str(fixed)).stdout
    assert "  + lb-cluster" in text and "  ~ mysql-1: host web-01 -> db-01" in text
    assert "  resolved    high   spof lb-01" in text
    assert "  write  99.6804 % -> 99.9994 %" in text


def test_a_bad_spec_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("archdoc: 1\ntitle: t\ncomponents: []\n")
    result = run("diff", str(TASK_1), str(bad))
    assert result.exit_code == 2 and f"{bad}:3:" in result.stderr
