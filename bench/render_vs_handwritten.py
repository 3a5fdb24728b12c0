"""Time `archdoc render` of the task-1 example, every output, beside the hand-written pipeline.

Both run in one process each, as a user would run them (imports included), best of N;
and, in process with imports done, the time of the work alone.

    .venv/bin/python bench/render_vs_handwritten.py [RUNS]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "1-distributed_web_infrastructure.yaml"
PYTHON = sys.executable
ARCHDOC = str(Path(PYTHON).with_name("archdoc"))


def best(runs: int, command: list[str]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return min(times)


def in_process(runs: int, folder: Path) -> tuple[float, float]:
    sys.path.insert(0, str(ROOT / "bench"))
    import handwritten_task1

    from archdoc.run.job import Job, Settings, render_spec

    archdoc_times, hand_times = [], []
    for i in range(runs):
        started = time.perf_counter()
        (folder / f"a{i}").mkdir()
        render_spec(Job(str(SPEC), SPEC.stem), Settings(folder / f"a{i}"))
        archdoc_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        handwritten_task1.build(folder / f"h{i}")
        hand_times.append(time.perf_counter() - started)
    return min(archdoc_times), min(hand_times)


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        archdoc = best(runs, [ARCHDOC, "render", str(SPEC), "-o", str(folder / "archdoc"), "--force", "-j", "1"])
        hand = best(runs, [PYTHON, str(ROOT / "bench" / "handwritten_task1.py"), str(folder / "hand")])
        warm_archdoc, warm_hand = in_process(runs, folder)
        written = sorted(p.name for p in (folder / "archdoc" / SPEC.stem).iterdir() if not p.name.startswith("."))
    print(f"task-1 example, best of {runs}")
    print(f"  archdoc render (png, svg, md, html, pdf, json): {archdoc:.2f} s as a command, {warm_archdoc:.2f} s of work")
    print(f"  hand-written diagrams + markdown + weasyprint:  {hand:.2f} s as a command, {warm_hand:.2f} s of work")
    print(f"  archdoc wrote: {', '.join(written)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
