"""Time `archdoc check` on generated designs of 1,000, 5,000 and 10,000 components (or the
sizes given), against its budget: under 1 s at 10,000 components, under 3 s at 50,000.

Runs the installed command as a user would (a fresh process each time, imports
included, `--format json`, which works out the availability figures too) and prints the
best of three wall-clock times per size and the command's peak memory (GNU time), with
the time of each stage, measured in-process (best of three, the cycle collector paused
as the command pauses it): reading the YAML (the quick reader a valid spec takes),
validating, analysing (rules, scenarios, availability) and writing the JSON.

    .venv/bin/python bench/check_scaling.py [SIZES...]
"""

from __future__ import annotations

import gc
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from designs import count_components, generate_design  # noqa: E402

from archdoc.check import SpecOutcome  # noqa: E402
from archdoc.check.formats import format_run  # noqa: E402
from archdoc.rules import analyse  # noqa: E402
from archdoc.specfile.validate import build_topology  # noqa: E402
from archdoc.specfile.yaml_source import quick_parse  # noqa: E402

ARCHDOC = Path(sys.executable).with_name("archdoc")
MAX_BYTES = 16 * 1024 * 1024


def best_of(runs: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def command(path: Path) -> tuple[float, int]:
    """Seconds (best of three) and peak KiB of `archdoc check --format json` on the spec."""
    line = ["/usr/bin/time", "-f", "%M", str(ARCHDOC), "check", "--format", "json", "--max-bytes", str(MAX_BYTES),
            str(path)]
    peaks = []

    def run() -> None:
        done = subprocess.run(line, check=True, capture_output=True, text=True)
        peaks.append(int(done.stderr.strip().splitlines()[-1]))

    return best_of(3, run), max(peaks)


def analysed(text: str, name: str) -> tuple[Any, ...]:
    quick = quick_parse(text, name)
    assert quick is not None, "a generated design is read the quick way"
    topology = build_topology(*quick)
    analysis = analyse(topology)
    analysis.to_dict()
    return quick, topology, analysis


def main(sizes: list[int]) -> None:
    print(f"{'components':>10} {'links':>6} {'KiB':>6} {'command s':>9} {'peak MiB':>8} {'parse s':>8} "
          f"{'validate s':>10} {'analyse s':>9} {'json s':>6} {'findings':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            text = generate_design(size, seed=size)
            path = Path(folder) / f"design-{size}.yaml"
            path.write_text(text)
            wall, peak = command(path)
            gc.disable()
            quick, topology, analysis = analysed(text, str(path))
            parse = best_of(3, lambda: quick_parse(text, str(path)))
            validate = best_of(3, lambda: build_topology(*quick))
            # on a topology of its own each time: what it works out once is part of the analysis
            analysis_time = best_of(3, lambda: analyse(build_topology(*quick)).to_dict()) - validate
            json_time = best_of(3, lambda: format_run([SpecOutcome(str(path), analysis=analysis)], "json"))
            gc.enable()
            print(f"{count_components(text):>10} {len(topology.links):>6} {len(text) // 1024:>6} {wall:>9.2f} "
                  f"{peak / 1024:>8.0f} {parse:>8.2f} {validate:>10.2f} {analysis_time:>9.2f} {json_time:>6.2f} "
                  f"{len(analysis.findings):>8}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 10000])
