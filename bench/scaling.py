"""Render time and peak memory of `archdoc render` (every output, one spec, from cold) for
tiered designs of 5 to 1,000 servers (bench/tiered.py), grouped as by default and, up
to a size, with every server drawn (--expand).

    .venv/bin/python bench/scaling.py [SERVERS...]

Each render is a fresh command; the peak is the largest process's (archdoc, its worker,
or the dot it ran), from GNU time.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from tiered import generate_tiered  # noqa: E402

ARCHDOC = str(Path(sys.executable).with_name("archdoc"))
EXPAND_UP_TO = 100  # servers: past this, drawing every one is not what anyone reads (200 took over 60 s)


def render(spec: Path, out: Path, *options: str) -> tuple[float, int, str]:
    """Seconds, peak KiB, and the diagram's size in pixels."""
    command = ["/usr/bin/time", "-f", "%M", ARCHDOC, "render", str(spec), "-o", str(out), "--force", "-j", "1",
               "--max-bytes", str(16 * 1024 * 1024), *options]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak = int(done.stderr.strip().splitlines()[-1])
    png = out / spec.stem / "diagram.png"
    size = "-"
    if png.exists():
        data = png.read_bytes()[16:24]
        size = f"{int.from_bytes(data[:4], 'big')}x{int.from_bytes(data[4:], 'big')}"
    return seconds, peak, size


def main(sizes: list[int]) -> None:
    print(f"{'servers':>7} {'components':>10} {'render s':>8} {'peak MiB':>8} {'diagram px':>11}"
          f" {'--expand s':>10} {'peak MiB':>8} {'diagram px':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for servers in sizes:
            text = generate_tiered(servers)
            spec = folder / f"tiered-{servers}.yaml"
            spec.write_text(text)
            components = len(re.findall(r"^  [^ ].*\{kind:", text, re.M))
            seconds, peak, size = render(spec, folder / "grouped")
            line = f"{servers:>7} {components:>10} {seconds:>8.2f} {peak / 1024:>8.0f} {size:>11}"
            if servers <= EXPAND_UP_TO:
                seconds, peak, size = render(spec, folder / "expanded", "--expand")
                line += f" {seconds:>10.2f} {peak / 1024:>8.0f} {size:>12}"
            print(line, flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5, 50, 100, 200, 400, 1000])
