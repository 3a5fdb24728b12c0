"""Peak memory of `archdoc render` over N generated designs: the largest process's peak
RSS (the parent, a worker, or a dot it ran), as the kernel accounts for children, and,
sampled every 0.2 s, the parent's and the workers' RSS apart.

    .venv/bin/python bench/memory.py 50
    .venv/bin/python bench/memory.py 500

Run each size in a fresh interpreter: the children's peak only grows within one.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from designs import generate_design  # noqa: E402

ARCHDOC = str(Path(sys.executable).with_name("archdoc"))


def main(count: int) -> None:
    rng = random.Random(1)  # the same designs first, whatever the count: only the count differs
    with tempfile.TemporaryDirectory() as tmp:
        specs = Path(tmp) / "specs"
        specs.mkdir()
        for i in range(count):
            (specs / f"design-{i:04d}.yaml").write_text(generate_design(rng.randint(20, 60), seed=i))
        started = time.perf_counter()
        run = subprocess.Popen([ARCHDOC, "render", str(specs), "-o", str(Path(tmp) / "out"), "-j", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        parent_peak = workers_peak = 0
        windows: dict[int, int] = {}  # 20-second window -> the largest worker's RSS in it
        while run.poll() is None:
            parent, workers = sampled_rss(run.pid)
            parent_peak, workers_peak = max(parent_peak, parent), max(workers_peak, workers)
            window = int((time.perf_counter() - started) // 20)
            windows[window] = max(windows.get(window, 0), workers)
            time.sleep(0.2)
        seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"{count} designs in {seconds:.0f} s: largest process's peak RSS {peak_kib / 1024:.0f} MiB; "
          f"sampled: parent {parent_peak / 1024:.0f} MiB, largest worker {workers_peak / 1024:.0f} MiB")
    print("  largest worker per 20 s:", " ".join(f"{kib / 1024:.0f}" for _, kib in sorted(windows.items())), "MiB")


def sampled_rss(pid: int) -> tuple[int, int]:
    """RSS in KiB of a process and the largest of its children, from /proc."""
    def rss(p: int) -> int:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return rss(pid), max((rss(int(c)) for c in children), default=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
