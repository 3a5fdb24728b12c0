"""Rendering many specs: worker processes, timeouts, skipping unchanged specs, the index, Dask."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SPECS, hanging_design, run

EXAMPLES = sorted(SPECS.glob("*.yaml"))


def slow_design(servers: int) -> str:
    """A valid design whose diagram takes dot several seconds to lay out."""
    lines = ["archdoc: 1", "title: slow", "components:", "  user: {kind: client}", "  lb: {kind: load_balancer}",
             "  db: {kind: database}"]
    for i in range(servers):
        lines += [f"  s{i}: {{kind: server}}", f"  w{i}: {{kind: web_server, host: s{i}}}",
                  f"  a{i}: {{kind: app_server, host: s{i}}}"]
    lines += ["links:", "  - {from: user, to: lb, protocol: https}",
              "  - {from: lb, to: [" + ", ".join(f"w{i}" for i in range(servers)) + "], protocol: http}"]
    lines += [f"  - {{from: w{i}, to: a{i}, protocol: http}}" for i in range(servers)]
    lines += [f"  - {{from: a{i}, to: db, protocol: mysql}}" for i in range(servers)]
    return "\n".join(lines) + "\n"


def copy_examples(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        source = EXAMPLES[i % len(EXAMPLES)]
        path = folder / f"design-{i:02d}.yaml"
        path.write_text(source.read_text().replace("title: ", f"title: Design {i:02d}, ", 1))
        paths.append(path)
    return paths


def count_status(stdout: str, status: str) -> int:
    """Rows of the summary table with this status (cells are two spaces apart)."""
    return sum(1 for line in stdout.splitlines() if re.search(rf"\s{{2}}{status}\s{{2}}", line))


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


ALL_FILES = ["diagram.png", "diagram.svg", "findings.json", "report.html", "report.md", "report.pdf"]


@pytest.mark.timing
def test_one_bad_and_one_slow_spec_never_stop_the_other_eighteen(tmp_path: Path, dot_that_hangs_on_request: None) -> None:
    specs = tmp_path / "specs"
    copy_examples(specs, 18)
    (specs / "broken.yaml").write_text("archdoc: 1\ntitle: broken\ncomponents:\n  web: {kind: webserver}\n")
    # the largest file, so that it is dispatched first and its worker hangs while the other renders the rest
    (specs / "slow.yaml").write_text(hanging_design() + f"description: {'padding ' * 1000}\n")
    out = tmp_path / "out"
    result = run("render", str(specs), "-o", str(out), "-j", "2", "--timeout", "10")
    assert result.exit_code == 3, result.stdout + result.stderr  # the worst: a render that was stopped
    rendered = [p for p in out.iterdir() if p.is_dir()]
    assert len(rendered) == 18 and all(visible(p) == ALL_FILES for p in rendered)
    assert not list(out.glob(".*.new-*")), "the stopped render left files behind"
    lines = result.stdout.splitlines()
    assert any(re.match(rf"{specs / 'broken.yaml'}\s+-\s+-\s+-\s+-\s+input error", line) for line in lines)
    # dot's own time limit or the run's, whichever comes first: with the counts or without
    assert any(re.match(rf"{specs / 'slow.yaml'}\s+-(\s+(\d+|-)){{3}}\s+timeout", line) for line in lines), result.stdout
    assert f"{specs / 'broken.yaml'}: input error: {specs / 'broken.yaml'}:4:15: components.web.kind: unknown kind" \
        in result.stdout
    assert re.search(rf"{specs / 'slow.yaml'}: timeout: (rendering|dot) took longer than 10 s", result.stdout)
    index = (out / "index.html").read_text()
    assert "unknown kind &#39;webserver&#39;" in index and "took longer than 10 s" in index
    assert index.count('class="card"') == 18
    assert "<script" not in index and "http://" not in index and "https://" not in index
    assert "20 specs: 18 rendered, 1 input error, 1 timeout" in result.stdout


def test_unchanged_specs_are_skipped(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    paths = copy_examples(specs, 3)
    out = tmp_path / "out"
    assert run("render", str(specs), "-o", str(out), "-j", "2").exit_code == 0
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("report.pdf")}

    again = run("render", str(specs), "-o", str(out), "-j", "2")
    assert again.exit_code == 0 and count_status(again.stdout, "unchanged") == 3
    assert {p: p.stat().st_mtime_ns for p in out.rglob("report.pdf")} == stamps

    paths[1].write_text(paths[1].read_text().replace("Design 01", "Design one"))
    changed = run("render", str(specs), "-o", str(out))
    assert count_status(changed.stdout, "unchanged") == 2 and count_status(changed.stdout, "rendered") == 1
    assert "Design one" in (out / "design-01" / "report.md").read_text()

    assert count_status(run("render", str(specs), "-o", str(out), "--force").stdout, "rendered") == 3
    assert count_status(run("render", str(specs), "-o", str(out), "--direction", "TB").stdout, "rendered") == 3


def test_a_deleted_output_is_rendered_again(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("render", str(EXAMPLES[0]), "-o", str(out)).exit_code == 0
    (out / EXAMPLES[0].stem / "report.pdf").unlink()
    assert count_status(run("render", str(EXAMPLES[0]), "-o", str(out)).stdout, "rendered") == 1
    assert (out / EXAMPLES[0].stem / "report.pdf").exists()


def test_findings_above_fail_on_give_status_1(tmp_path: Path) -> None:
    assert run("render", str(EXAMPLES[0]), "-o", str(tmp_path), "--fail-on", "high").exit_code == 1


def test_the_dask_scheduler_renders_the_same(tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    local = tmp_path / "local"
    assert run("render", str(SPECS), "-o", str(local), "-j", "2").exit_code == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) \
            as cluster:
        on_dask = tmp_path / "dask"
        result = run("render", str(SPECS), "-o", str(on_dask), "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "4 specs: 4 rendered" in result.stdout
    for spec in EXAMPLES:
        assert visible(on_dask / spec.stem) == ALL_FILES
        for name in ("report.md", "findings.json", "diagram.svg"):
            assert (on_dask / spec.stem / name).read_bytes() == (local / spec.stem / name).read_bytes(), name


def test_no_scheduler_at_that_address_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    result = run("render", str(EXAMPLES[0]), "-o", str(tmp_path), "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2  # an option that cannot be used, not a finding
    assert "no Dask scheduler answers at tcp://127.0.0.1:9" in result.stderr


def test_an_output_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("render", str(EXAMPLES[0]), "-o", str(blocker / "out"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"archdoc: cannot write to {blocker / 'out'}: ")
    assert "bug" not in result.stderr


@pytest.mark.timing
def test_ctrl_c_stops_a_render_at_once_and_leaves_nothing_half_written(tmp_path: Path,
                                                                        dot_that_hangs_on_request: None) -> None:
    spec = tmp_path / "slow.yaml"
    spec.write_text(hanging_design())
    out = tmp_path / "out"
    archdoc = Path(sys.executable).with_name("archdoc")
    process = subprocess.Popen([str(archdoc), "render", str(spec), "-o", str(out), "--timeout", "60"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not list(out.glob(".slow.new-*")) and time.monotonic() < deadline:  # the worker is at it
        time.sleep(0.05)
    assert list(out.glob(".slow.new-*")), "the render never started"
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert time.monotonic() - interrupted < 3  # not the 5 s a worker at work was given to finish
    assert "Traceback" not in stderr
    assert not list(out.glob(".slow.new-*")), "the interrupted render left files behind"
