"""Generate tiered designs the way an engineer's stack looks: a firewall and a pair of
load balancers in front of web servers, application servers behind them, a primary
database with replicas and a cache; every server monitored.

    .venv/bin/python bench/tiered.py SERVERS > design.yaml

``SERVERS`` is about the number of servers: split between the web and application
tiers, plus the load balancers' and databases' machines.
"""

from __future__ import annotations

import sys


def generate_tiered(servers: int, unmonitored: tuple[int, ...] = (7,)) -> str:
    """YAML text of a valid spec with about ``servers`` servers; the web servers numbered
    in ``unmonitored`` lack their monitoring agent (a finding on one member of a group)."""
    rest = max(2, servers - 4)
    webs, apps = max(1, rest // 2), max(1, rest - rest // 2)
    replicas = 1 if servers < 50 else 2
    lines = [
        "archdoc: 1",
        f"title: Tiered design, {webs} web and {apps} application servers",
        "domain: shop.example.com",
        "dns:",
        "  - {name: www, type: A, to: lb}",
        "components:",
        "  users: {kind: client, label: Customers' browsers}",
        "  lbs-1: {kind: server, ip: 10.0.0.1, public: true}",
        "  lbs-2: {kind: server, ip: 10.0.0.2, public: true}",
        "  lb-1: {kind: load_balancer, software: haproxy, algorithm: round_robin, host: lbs-1}",
        "  lb-2: {kind: load_balancer, software: haproxy, algorithm: round_robin, host: lbs-2}",
        "  lb: {kind: cluster, members: [lb-1, lb-2], mode: active_passive, vip: 203.0.113.10}",
        "  cert: {kind: certificate, domain: www.shop.example.com, issuer: Let's Encrypt, for: lb}",
        "  mon-lbs-1: {kind: monitoring, software: datadog, to: Datadog, host: lbs-1}",
        "  mon-lbs-2: {kind: monitoring, software: datadog, to: Datadog, host: lbs-2}",
        "  dbs-1: {kind: server, ip: 10.0.3.1}",
        "  db-1: {kind: database, software: postgresql, role: primary, host: dbs-1}",
        "  mon-dbs-1: {kind: monitoring, software: datadog, to: Datadog, host: dbs-1}",
    ]
    links = ["  - {from: users, to: lb, protocol: https, port: 443}"]
    web_ids, app_ids, db_reads = [], [], ["db-1"]
    for r in range(2, replicas + 2):
        lines += [f"  dbs-{r}: {{kind: server, ip: 10.0.3.{r}}}",
                  f"  db-{r}: {{kind: database, software: postgresql, role: replica, replica_of: db-1, "
                  f"replication: async, host: dbs-{r}}}",
                  f"  mon-dbs-{r}: {{kind: monitoring, software: datadog, to: Datadog, host: dbs-{r}}}"]
        db_reads.append(f"db-{r}")
    lines += ["  cache: {kind: cache, software: redis, host: dbs-1}"]
    for i in range(1, webs + 1):
        n = f"{i:02d}"
        lines += [f"  web-{n}: {{kind: server, ip: 10.1.{i // 250}.{i % 250 + 1}}}",
                  f"  nginx-{n}: {{kind: web_server, software: nginx, host: web-{n}}}"]
        if i not in unmonitored:
            lines.append(f"  mon-web-{n}: {{kind: monitoring, software: datadog, to: Datadog, host: web-{n}}}")
        web_ids.append(f"nginx-{n}")
    for i in range(1, apps + 1):
        n = f"{i:02d}"
        lines += [f"  app-{n}: {{kind: server, ip: 10.2.{i // 250}.{i % 250 + 1}}}",
                  f"  gunicorn-{n}: {{kind: app_server, software: gunicorn, host: app-{n}}}",
                  f"  code-{n}: {{kind: app_files, host: app-{n}}}",
                  f"  mon-app-{n}: {{kind: monitoring, software: datadog, to: Datadog, host: app-{n}}}"]
        app_ids.append(f"gunicorn-{n}")
    links += [f"  - {{from: lb, to: [{', '.join(web_ids)}], protocol: http, port: 80}}",
              f"  - {{from: [{', '.join(web_ids)}], to: [{', '.join(app_ids)}], protocol: http, port: 8000}}",
              f"  - {{from: [{', '.join(app_ids)}], to: db-1, protocol: postgresql, port: 5432, access: write}}",
              f"  - {{from: [{', '.join(app_ids)}], to: cache, protocol: redis, port: 6379}}"]
    if replicas:
        links.append(f"  - {{from: [{', '.join(app_ids)}], to: [{', '.join(db_reads[1:])}], protocol: postgresql, "
                     "port: 5432, access: read}")
    servers_ids = [line.split(":")[0].strip() for line in lines if "{kind: server" in line]
    lines.append(f"  fw: {{kind: firewall, software: iptables, protects: [{', '.join(servers_ids)}]}}")
    return "\n".join(lines + ["links:", *links]) + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate_tiered(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
