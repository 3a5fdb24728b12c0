"""Time `archdoc check` (and, with --render, `archdoc render`) on specs of a few hundred KB
whose shape, not size, once made a step quadratic or worse: a chain of 8,000 replicas
(minutes), 8,000 components with one label (11 s), a cluster of 30,000 members, chains of
links and of firewalls, one agent watching 8,000 components, 8,000 certificates for one
balancer, 8,000 DNS records, 8,000 accepted findings.

    .venv/bin/python bench/odd_shapes.py [--render] [COUNT]

Each spec is run by the installed command in a fresh process, with a 120 s limit.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ARCHDOC = str(Path(sys.executable).with_name("archdoc"))
LIMIT = 120.0


def spec(components: list[str], links: list[str], head: str = "") -> str:
    text = f"archdoc: 1\ntitle: Odd shape\n{head}components:\n" + "".join(f"  {c}\n" for c in components)
    return text + ("links:\n" + "".join(f"  - {link}\n" for link in links) if links else "")


def ids(prefix: str, n: int) -> str:
    return ", ".join(f"{prefix}{i}" for i in range(n))


SHAPES: dict[str, Callable[[int], str]] = {
    "replica chain": lambda n: spec(
        ["u: {kind: client}", "a: {kind: app_server}", "db0: {kind: database, role: primary}"]
        + [f"db{i}: {{kind: database, role: replica, replica_of: db{i - 1}}}" for i in range(1, n)],
        ["{from: u, to: a}", "{from: a, to: db0}"]),
    "one label": lambda n: spec(
        ["u: {kind: client}"] + [f"w{i}: {{kind: web_server, label: web}}" for i in range(n)], ["{from: u, to: w0}"]),
    "big cluster": lambda n: spec(
        ["u: {kind: client}"] + [f"w{i}: {{kind: web_server}}" for i in range(n)]
        + [f"c: {{kind: cluster, mode: active_active, members: [{ids('w', n)}]}}"], ["{from: u, to: c}"]),
    "link chain": lambda n: spec(
        ["u: {kind: client}"] + [f"w{i}: {{kind: web_server}}" for i in range(n)],
        ["{from: u, to: w0}"] + [f"{{from: w{i}, to: w{i + 1}}}" for i in range(n - 1)]),
    "firewall chain": lambda n: spec(
        ["u: {kind: client}", "web: {kind: web_server}"] + [f"f{i}: {{kind: firewall}}" for i in range(n)],
        ["{from: u, to: f0}"] + [f"{{from: f{i}, to: f{i + 1}}}" for i in range(n - 1)] + [f"{{from: f{n - 1}, to: web}}"]),
    "one agent": lambda n: spec(
        ["u: {kind: client}"] + [f"w{i}: {{kind: web_server}}" for i in range(n)]
        + [f"m: {{kind: monitoring, for: [{ids('w', n)}]}}"], [f"{{from: u, to: [{ids('w', n)}]}}"]),
    "certificates": lambda n: spec(
        ["u: {kind: client}", "lb: {kind: load_balancer}", "w: {kind: web_server}"]
        + [f"c{i}: {{kind: certificate, for: lb, domain: d{i}.example.com}}" for i in range(n)],
        ["{from: u, to: lb, protocol: https}", "{from: lb, to: w}"]),
    "dns records": lambda n: spec(
        ["u: {kind: client}", "lb: {kind: load_balancer}", "w: {kind: web_server}"],
        ["{from: u, to: lb}", "{from: lb, to: w}"],
        "domain: example.com\ndns:\n" + "".join(f"  - {{name: n{i}, type: A, to: lb}}\n" for i in range(n))),
    "accepted": lambda n: spec(
        ["u: {kind: client}"] + [f"w{i}: {{kind: web_server}}" for i in range(n)], ["{from: u, to: w0}"],
        "accepted:\n" + "".join(f"  - {{rule: spof, component: w{i}, reason: ok}}\n" for i in range(n))),
}


def timed(command: list[str]) -> str:
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, timeout=LIMIT, check=False)
    except subprocess.TimeoutExpired:
        return f"> {LIMIT:.0f} s"
    return f"{time.perf_counter() - started:.2f} s (exit {done.returncode})"


def main(arguments: list[str]) -> None:
    render = "--render" in arguments
    numbers = [int(a) for a in arguments if a.isdigit()]
    count = numbers[0] if numbers else 8000
    with tempfile.TemporaryDirectory() as folder:
        for name, make in SHAPES.items():
            text = make(count * 4 if name == "big cluster" else count)
            path = Path(folder) / f"{name.replace(' ', '-')}.yaml"
            path.write_text(text, encoding="utf-8")
            line = f"{name:15} {len(text) // 1024:5} KiB  check {timed([ARCHDOC, 'check', '-q', '--max-bytes', '16777216', str(path)]):>18}"
            if render:
                line += "  render " + timed([ARCHDOC, "render", str(path), "-o", str(Path(folder) / "out"), "--force",
                                             "-q", "--max-bytes", "16777216", "--timeout", str(int(LIMIT))])
            print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
