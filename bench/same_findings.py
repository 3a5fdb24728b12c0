"""Whether two builds of archdoc say the same of many designs: `check --format json` (findings,
scenarios, availability, warnings) and `check` (the text, with FILE:LINE:COLUMN) of the
examples, the test designs, generated designs of several sizes (bench/designs.py,
bench/tiered.py) and random odd ones (clusters, firewalls in the way, backups, replicas,
shared servers, loops, input errors).

    .venv/bin/python bench/same_findings.py save FOLDER            # what this build says
    .venv/bin/python bench/same_findings.py compare FOLDER         # exit 1 on any difference

Each spec is checked by the installed command in a fresh process, as a user runs it.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from designs import generate_design  # noqa: E402
from tiered import generate_tiered  # noqa: E402

ROOT = Path(__file__).parent.parent
ARCHDOC = str(Path(sys.executable).with_name("archdoc"))
KINDS = ["load_balancer", "web_server", "app_server", "database", "firewall", "cache"]


def odd_design(seed: int, count: int) -> str:
    """A random design of about ``count`` components that trips many rules at once: shared
    servers, clusters of either mode, firewalls as hops (in loops too), backup links,
    replicas (of replicas), several clients, accepted findings, duplicate labels."""
    rng = random.Random(seed)
    servers = [f"s{i}" for i in range(max(1, count // 6))]
    lines = ["archdoc: 1", f"title: odd design {seed}", "components:", "  user: {kind: client}",
             "  bot: {kind: client, label: Crawler}"]
    lines += [f"  {s}: {{kind: server{', public: true' if rng.random() < 0.2 else ''}}}" for s in servers]
    names: list[tuple[str, str]] = []
    for i in range(count):
        kind = rng.choice(KINDS)
        host = rng.choice(servers + [None, None])
        extra = ""
        databases = [n for n, k in names if k == "database"]
        if kind == "database" and databases and rng.random() < 0.5:
            extra = f", role: replica, replica_of: {rng.choice(databases)}"
        if kind == "firewall" and rng.random() < 0.5:
            extra = f", protects: [{rng.choice(servers)}]"
        if count < 200 and rng.random() < 0.05:
            extra += ", label: Twin"
        lines.append(f"  c{i}: {{kind: {kind}{extra}" + (f", host: {host}}}" if host else "}"))
        names.append((f"c{i}", kind))
    by_kind: dict[str, list[str]] = {}
    for name, kind in names:
        by_kind.setdefault(kind, []).append(name)
    clusters = []
    for kind, ids in sorted(by_kind.items()):
        if len(ids) >= 2 and kind != "firewall" and rng.random() < 0.7:
            members = rng.sample(ids, 2)
            mode = rng.choice(["active_active", "active_passive"])
            lines.append(f"  k-{kind}: {{kind: cluster, members: [{', '.join(members)}], mode: {mode}}}")
            clusters.append(f"k-{kind}")
    for i, server in enumerate(servers):
        if rng.random() < 0.6:
            lines.append(f"  mon{i}: {{kind: monitoring, host: {server}}}")
    if by_kind.get("load_balancer"):
        lines.append(f"  cert: {{kind: certificate, for: {rng.choice(by_kind['load_balancer'])}}}")
    ids = [n for n, _ in names] + clusters
    pairs: set[tuple[str, str]] = set()
    for _ in range(count * 2):
        pairs.add((rng.choice(["user", "bot"] + ids), rng.choice(ids)))
    lines.append("links:")
    kinds = dict(names)
    for source, target in sorted(pairs):
        if source == target:
            continue
        extra = ""
        if kinds.get(target) == "database" or (target.startswith("k-database")):
            extra = ", access: " + rng.choice(["read", "write", "readwrite"])
        if rng.random() < 0.1:
            extra += ", backup: true"
        protocol = rng.choice(["https", "http", "tcp"])
        lines.append(f"  - {{from: {source}, to: {target}, protocol: {protocol}{extra}}}")
    if seed % 10 == 3:  # input errors
        lines += ["  - {from: user, to: nowhere, protocol: http}", "  - {from: c0, to: c0, port: eighty}"]
    if names and rng.random() < 0.5:
        lines += ["accepted:", f"  - {{rule: no-monitoring, component: {servers[0]}, reason: a test}}",
                  "  - {rule: spof, component: c0, reason: perhaps stale}",
                  "  - {rule: no-such-rule, component: user, reason: a typo}"]

    return "\n".join(lines) + "\n"


def designs() -> dict[str, str]:
    """Name -> spec text."""
    found = {f"spec-{p.stem}": p.read_text(encoding="utf-8") for p in sorted((ROOT / "specs").glob("*.yaml"))}
    found |= {f"test-{p.stem}": p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "designs").glob("*.yaml"))}
    for size in (30, 200, 1000, 5000, 20000):
        for seed in (1, 2):
            found[f"pods-{size}-{seed}"] = generate_design(size, seed=seed * 1000 + size)
    for servers in (5, 12, 50, 300):
        found[f"tiered-{servers}"] = generate_tiered(servers)
        found[f"tiered-{servers}-bare"] = generate_tiered(servers, unmonitored=tuple(range(200)))
    for seed in range(40):
        found[f"odd-{seed}"] = odd_design(seed, 4 + seed * 3)
    found["odd-large"] = odd_design(99, 3000)
    return found


def outputs(folder: Path) -> dict[str, str]:
    """Name of an output -> what the installed command printed (exit status first)."""
    said = {}
    # One hash seed for both builds (SAME_FINDINGS_HASHSEED chooses it): another seed must say the same
    env = {**os.environ, "PYTHONHASHSEED": os.environ.get("SAME_FINDINGS_HASHSEED", "0")}
    with tempfile.TemporaryDirectory() as scratch:
        for name, text in designs().items():
            spec = Path(scratch) / f"{name}.yaml"
            spec.write_text(text, encoding="utf-8")
            for form in ("json", "text"):
                result = subprocess.run([ARCHDOC, "check", "--format", form, "--max-bytes", str(16 << 20), spec.name],
                                        capture_output=True, text=True, cwd=scratch, env=env)
                said[f"{name}.{form}"] = f"exit {result.returncode}\n{result.stdout}\n--- stderr\n{result.stderr}"
    return said


def main(action: str, folder: Path) -> int:
    said = outputs(folder)
    if action == "save":
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in said.items():
            (folder / name).write_text(text, encoding="utf-8")
        print(f"{len(said)} outputs saved in {folder}")
        return 0
    differ = [name for name, text in said.items()
              if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text]
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(said) - len(differ)} of {len(said)} outputs the same")
    return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("save", "compare"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
