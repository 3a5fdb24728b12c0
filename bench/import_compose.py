"""Time `archdoc import` on a generated Compose file of 200 services (best of 3, as a command,
start-up included); it must take under 2 s.

    .venv/bin/python bench/import_compose.py [SERVICES]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARCHDOC = str(Path(sys.executable).with_name("archdoc"))
LIMIT = 2.0


def generate_compose(count: int) -> str:
    """A Compose file of ``count`` services: groups of a proxy, three applications (one
    replicated), a database and a cache, wired by depends_on, links and URLs."""
    lines = ["services:"]
    for n in range(count):
        group, role = divmod(n, 6)
        name = f"g{group}-{['proxy', 'web', 'api', 'worker', 'db', 'cache'][role]}"
        lines.append(f"  {name}:")
        if role == 0:
            lines += ["    image: nginx:1.27", "    ports: [\"443:443\", \"80:80\"]",
                      f"    depends_on: [g{group}-web, g{group}-api]"]
        elif role in (1, 2, 3):
            lines += [f"    image: registry.example.com/app{role}:{group}",
                      "    environment:",
                      f"      DATABASE_URL: postgres://app:secret@g{group}-db:5432/app",
                      f"      CACHE: g{group}-cache:6379",
                      f"    links: [g{group}-db]"]
            if role == 1:
                lines += ["    deploy:", "      replicas: 3"]
        elif role == 4:
            lines += ["    image: postgres:16", "    volumes: [\"dbdata:/var/lib/postgresql/data\"]"]
        else:
            lines += ["    image: redis:7"]
    return "\n".join(lines) + "\n"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as folder:
        compose = Path(folder) / "compose.yaml"
        compose.write_text(generate_compose(count))
        times = []
        for _ in range(3):
            started = time.perf_counter()
            done = subprocess.run([ARCHDOC, "import", str(compose), "-o", str(Path(folder) / "spec.yaml")],
                                  capture_output=True, text=True)
            times.append(time.perf_counter() - started)
            if done.returncode != 0:
                sys.exit(f"archdoc import failed: {done.stderr}")
        check = subprocess.run([ARCHDOC, "check", str(Path(folder) / "spec.yaml")], capture_output=True, text=True)
        components = (Path(folder) / "spec.yaml").read_text().count("{kind:")
    best = min(times)
    print(f"{count} services -> {components} components: archdoc import best of 3 {best:.2f} s "
          f"(all: {', '.join(f'{t:.2f}' for t in times)}); limit {LIMIT} s; check exit {check.returncode}")
    sys.exit(0 if best < LIMIT else 1)


if __name__ == "__main__":
    main()
