"""A run of one spec lays its PDF out in a process started before archdoc loads: the same
bytes as a worker writing it itself, and bounded as the worker is (its time limit kills
both, its death fails the spec with the reason, nothing half-written stays)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from archdoc.run import Settings, plan, render_plan
from archdoc.run.job import FAILED, RENDERED, TIMEOUT
from archdoc.run.pdf_process import PdfProcess, wanted
from tests.conftest import SPECS

SPEC = SPECS / "1-distributed_web_infrastructure.yaml"
ARCHDOC = str(Path(sys.executable).with_name("archdoc"))


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def test_one_spec_from_cold_writes_what_a_run_of_many_writes(tmp_path: Path, rendered_examples: Path) -> None:
    # the command as a user runs it, WeasyPrint not loaded: the PDF's process lays the PDF out
    subprocess.run([ARCHDOC, "render", str(SPEC), "-o", str(tmp_path), "--force"], check=True, capture_output=True)
    cold, warm = files_of(tmp_path / SPEC.stem), files_of(rendered_examples / SPEC.stem)
    assert list(cold) == ["diagram.png", "diagram.svg", "findings.json", "report.html", "report.md", "report.pdf"]
    assert cold == warm


def test_only_a_run_of_one_spec_into_a_pdf_starts_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    assert wanted([str(SPEC)], ["pdf"], None) and wanted(["-"], ["md", "pdf"], None)
    assert not wanted([str(SPECS)], ["pdf"], None)  # a folder: its workers start with WeasyPrint loaded
    assert not wanted([str(SPEC), str(SPEC)], ["pdf"], None)
    assert not wanted([str(SPEC)], ["md", "html"], None)
    assert not wanted([str(SPEC)], ["pdf"], "tcp://127.0.0.1:8786")


def run_one(out: Path, pdf: PdfProcess, timeout: float = 60) -> tuple[str, str | None]:
    try:
        done = render_plan(plan([str(SPEC)]), Settings(out, timeout=timeout), workers=1, force=True, pdf=pdf)
    finally:
        pdf.end()
    [result] = done.results
    return result.status, result.error


def test_a_pdf_process_that_dies_fails_its_spec_and_keeps_the_last_outputs(tmp_path: Path) -> None:
    assert run_one(tmp_path, PdfProcess(2048)) == (RENDERED, None)
    before = files_of(tmp_path / SPEC.stem)
    dying = PdfProcess(2048)
    os.kill(dying.process.pid, signal.SIGTERM)
    dying.process.join()
    assert run_one(tmp_path, dying) == (FAILED, "the worker rendering it died of SIGTERM (a crash in a library)")
    assert files_of(tmp_path / SPEC.stem) == before and not list(tmp_path.glob(".*new-*"))


def test_a_stuck_pdf_process_is_stopped_with_its_worker(tmp_path: Path) -> None:
    stuck = PdfProcess(2048)
    os.kill(stuck.process.pid, signal.SIGSTOP)  # it never answers
    status, error = run_one(tmp_path, stuck, timeout=1)
    assert status == TIMEOUT and error == "rendering took longer than 1 s and was stopped"
    assert stuck.process.exitcode == -signal.SIGKILL
    assert not list(tmp_path.glob(".*new-*")) and not (tmp_path / SPEC.stem).exists()
