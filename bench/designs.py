"""Generate valid archdoc specs of a chosen size, for benchmarks.

A design is a set of pods behind one DNS name: each pod has an active-passive pair of
load balancers, a firewall, a primary database with a replica, a cache, and stack
servers that each run a web server, an application server and the code, with a
monitoring agent. Sizes and choices vary with the seed, so findings vary too.
"""

from __future__ import annotations

import random

STACK_COMPONENTS = 5  # server, web server, app server, app files, monitoring agent


def generate_design(components: int, seed: int = 0) -> str:
    """YAML text of a valid spec with about ``components`` components."""
    rng = random.Random(seed)
    lines = [
        "archdoc: 1",
        f"title: Generated design {seed} ({components} components)",
        "description: A generated design for benchmarks.",
        "domain: example.com",
        "components:",
        "  user: {kind: client, label: Users}",
    ]
    links = []
    pods = []
    made = 1
    pod = 0
    while made < components:
        p = f"p{pod}"
        stacks = max(2, min(rng.randint(2, 12), (components - made - 14) // STACK_COMPONENTS))
        encrypted = rng.random() < 0.7
        lines += [
            f"  {p}-lbs-1: {{kind: server, ip: 10.{pod % 250}.0.1}}",
            f"  {p}-lbs-2: {{kind: server, ip: 10.{pod % 250}.0.2}}",
            f"  {p}-lb-1: {{kind: load_balancer, software: haproxy, algorithm: least_connections, host: {p}-lbs-1}}",
            f"  {p}-lb-2: {{kind: load_balancer, software: haproxy, algorithm: least_connections, host: {p}-lbs-2}}",
            f"  {p}-lb: {{kind: cluster, members: [{p}-lb-1, {p}-lb-2], mode: active_passive, vip: 203.0.{pod % 250}.10}}",
            f"  {p}-cert: {{kind: certificate, domain: www.example.com, for: {p}-lb}}",
            f"  {p}-dbs-1: {{kind: server, ip: 10.{pod % 250}.1.1}}",
            f"  {p}-dbs-2: {{kind: server, ip: 10.{pod % 250}.1.2}}",
            f"  {p}-db-1: {{kind: database, software: postgresql, host: {p}-dbs-1}}",
            f"  {p}-db-2: {{kind: database, software: postgresql, role: replica, replica_of: {p}-db-1, "
            f"replication: semi_sync, host: {p}-dbs-2}}",
            f"  {p}-cache: {{kind: cache, software: redis, host: {p}-dbs-2}}",
            f"  {p}-mon-lb-1: {{kind: monitoring, software: datadog, to: Datadog, host: {p}-lbs-1}}",
            f"  {p}-mon-db-1: {{kind: monitoring, software: datadog, to: Datadog, host: {p}-dbs-1}}",
        ]
        made += 13
        servers = [f"{p}-lbs-1", f"{p}-lbs-2", f"{p}-dbs-1", f"{p}-dbs-2"]
        webs = []
        for s in range(stacks):
            srv, web, app = f"{p}-s{s}", f"{p}-web{s}", f"{p}-app{s}"
            lines += [
                f"  {srv}: {{kind: server, ip: 10.{pod % 250}.2.{s + 1}}}",
                f"  {web}: {{kind: web_server, software: nginx, host: {srv}}}",
                f"  {app}: {{kind: app_server, software: gunicorn, host: {srv}}}",
                f"  {p}-code{s}: {{kind: app_files, host: {srv}}}",
                f"  {p}-mon{s}: {{kind: monitoring, software: datadog, to: Datadog, host: {srv}}}",
            ]
            made += STACK_COMPONENTS
            servers.append(srv)
            webs.append(web)
            links += [
                f"  - {{from: {web}, to: {app}, protocol: http, port: 8000}}",
                f"  - {{from: {app}, to: {p}-db-1, protocol: postgresql, port: 5432, access: write}}",
                f"  - {{from: {app}, to: {p}-db-2, protocol: postgresql, port: 5432, access: read}}",
                f"  - {{from: {app}, to: {p}-cache, protocol: redis, port: 6379}}",
            ]
        lines.append(f"  {p}-fw: {{kind: firewall, protects: [{', '.join(servers)}]}}")
        made += 1
        protocol = "https" if encrypted else "http"
        links.insert(0, f"  - {{from: user, to: {p}-lb, protocol: {protocol}, port: {443 if encrypted else 80}}}")
        links.append(f"  - {{from: {p}-lb, to: [{', '.join(webs)}], protocol: http, port: 80}}")
        pods.append(p)
        pod += 1
    lines.insert(4, "dns:")
    lines.insert(5, f"  - {{name: www, type: A, to: {pods[0]}-lb}}")
    return "\n".join(lines + ["links:"] + links) + "\n"


def count_components(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith("  ") and ": {kind:" in line)
