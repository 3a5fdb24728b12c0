"""Time `archdoc render` of the task-1 example, every output, beside the hand-written pipeline.

Both run in one process each, as a user would run them (imports included), in pairs back
to back (archdoc, then the script), best of N; with the processor time each used (its
processes and their dot together), and, in process with imports done, the time of the
work alone.

    .venv/bin/python bench/render_vs_handwritten.py [RUNS]
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "1-distributed_web_infrastructure.yaml"
PYTHON = sys.executable
ARCHDOC = str(Path(PYTHON).with_name("archdoc"))


def timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock seconds, and processor seconds (user and system) of the command and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
        pairs = []
        for i in range(runs):  # in pairs, so that both meet the same load on the machine
            archdoc = timed([ARCHDOC, "render", str(SPEC), "-o", str(folder / "archdoc"), "--force"])
            hand = timed([PYTHON, str(ROOT / "bench" / "handwritten_task1.py"), str(folder / f"hand{i}")])
            pairs.append((archdoc, hand))
        warm_archdoc, warm_hand = in_process(runs, folder)
        written = sorted(p.name for p in (folder / "archdoc" / SPEC.stem).iterdir() if not p.name.startswith("."))
    best_archdoc = min(a for a, _ in pairs)
    best_hand = min(h for _, h in pairs)
    print(f"task-1 example, {runs} pairs")
    print(f"  archdoc render (png, svg, md, html, pdf, json): {best_archdoc[0]:.2f} s as a command "
          f"({best_archdoc[1]:.2f} s of processor), {warm_archdoc:.2f} s of work")
    print(f"  hand-written diagrams + markdown + weasyprint:  {best_hand[0]:.2f} s as a command "
          f"({best_hand[1]:.2f} s of processor), {warm_hand:.2f} s of work")
    print(f"  ratio of the best times: {best_archdoc[0] / best_hand[0]:.2f}; "
          f"median ratio of a pair: {statistics.median(a[0] / h[0] for a, h in pairs):.2f}")
    print(f"  archdoc wrote: {', '.join(written)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
