"""Time `archdoc check` on generated designs of 1,000, 5,000 and 10,000 components.

Runs the installed command as a user would (a fresh process each time, imports
included) and prints the best of three wall-clock times per size, with the share of
time spent parsing YAML, validating, and analysing, measured in-process.

    .venv/bin/python bench/check_scaling.py [SIZES...]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from designs import count_components, generate_design  # noqa: E402

from archdoc.rules import analyse  # noqa: E402
from archdoc.specfile.validate import build_topology  # noqa: E402
from archdoc.specfile.yaml_source import read_source  # noqa: E402

ARCHDOC = Path(sys.executable).with_name("archdoc")
MAX_BYTES = 16 * 1024 * 1024


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(sizes: list[int]) -> None:
    print(f"{'components':>10} {'links':>6} {'KiB':>6} {'command s':>9} {'parse s':>8} {'validate s':>10} {'analyse s':>9} {'findings':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            text = generate_design(size, seed=size)
            path = Path(folder) / f"design-{size}.yaml"
            path.write_text(text)
            command = [str(ARCHDOC), "check", "--format", "json", "--max-bytes", str(MAX_BYTES), str(path)]
            wall = best_of(3, lambda: subprocess.run(command, check=True, capture_output=True))
            parse = best_of(3, lambda: read_source(path, MAX_BYTES))
            raw, source = read_source(path, MAX_BYTES)
            validate = best_of(3, lambda: build_topology(raw, source))
            analysis_time = best_of(3, lambda: analyse(build_topology(raw, source))) - validate
            topology = build_topology(raw, source)
            findings = len(analyse(topology).findings)
            print(f"{count_components(text):>10} {len(topology.links):>6} {len(text) // 1024:>6} {wall:>9.2f} "
                  f"{parse:>8.2f} {validate:>10.2f} {analysis_time:>9.2f} {findings:>8}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 10000])
