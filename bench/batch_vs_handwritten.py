"""Render N generated designs of varied size with `archdoc render -j 2`, then with the
hand-written pipeline (bench/handwritten.py, one process per spec, two at a time), and
print both times and their ratio; then the re-run with nothing changed.

    .venv/bin/python bench/batch_vs_handwritten.py [N]
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from designs import count_components, generate_design  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ARCHDOC = str(Path(PYTHON).with_name("archdoc"))


def make_designs(folder: Path, count: int, seed: int = 1) -> list[int]:
    rng = random.Random(seed)
    sizes = []
    for i in range(count):
        text = generate_design(rng.randint(20, 120), seed=i)
        (folder / f"design-{i:03d}.yaml").write_text(text)
        sizes.append(count_components(text))
    return sizes


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True)
    return time.perf_counter() - started


def handwritten(specs: list[Path], out: Path, processes: int = 2) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(processes) as pool:  # each thread runs one child process at a time
        list(pool.map(lambda spec: subprocess.run(
            [PYTHON, str(ROOT / "bench" / "handwritten.py"), str(spec), str(out / spec.stem)],
            check=True, capture_output=True), specs))
    return time.perf_counter() - started


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        specs_dir = folder / "specs"
        specs_dir.mkdir()
        sizes = make_designs(specs_dir, count)
        specs = sorted(specs_dir.glob("*.yaml"))
        archdoc_time = timed([ARCHDOC, "render", str(specs_dir), "-o", str(folder / "archdoc"), "-j", "2", "--force"])
        again = timed([ARCHDOC, "render", str(specs_dir), "-o", str(folder / "archdoc"), "-j", "2"])
        hand_time = handwritten(specs, folder / "hand")
        archdoc_files = sum(1 for p in (folder / "archdoc").rglob("*") if p.is_file() and not p.name.startswith("."))
        hand_files = sum(1 for p in (folder / "hand").rglob("*") if p.is_file())
    print(f"{count} designs, {min(sizes)} to {max(sizes)} components (median {sorted(sizes)[len(sizes) // 2]})")
    print(f"  archdoc render -j 2, every output:          {archdoc_time:6.1f} s  ({archdoc_files} files)")
    print(f"  hand-written, one process a spec, 2 at once: {hand_time:6.1f} s  ({hand_files} files)")
    print(f"  ratio: archdoc is {hand_time / archdoc_time:.2f} times as fast")
    print(f"  re-run with nothing changed: {again:.2f} s ({again / archdoc_time:.1%} of the first run)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
