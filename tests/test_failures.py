"""The failure analysis agrees with brute force: fail each unit, search again."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from archdoc.model import Capability, FailureAnalysis, Topology
from archdoc.model.failures import READ_ACCESS, WRITE_ACCESS, capability_goals, split_data
from archdoc.specfile import loads

KINDS = ["load_balancer", "web_server", "app_server", "database", "firewall", "cache"]


def brute_force_capabilities(topology: Topology, failed_unit: str | None) -> set[Capability]:
    """What the clients can still do with one unit down, by plain search."""
    down = frozenset(topology.on_unit(failed_unit)) if failed_unit else frozenset()
    reached = topology.reach(topology.clients, failed=down)
    result = set()
    serve_kind = "app_server" if topology.of_kind("app_server") else "web_server"
    if any(c in reached for c in topology.of_kind(serve_kind)):
        result.add(Capability.SERVE)
    for flow in topology.flows:
        if flow.source not in reached or flow.target in down or topology.kind(flow.target) != "database":
            continue
        if flow.link.access in READ_ACCESS:
            result.add(Capability.READ)
        if flow.link.access in WRITE_ACCESS and (
            topology.is_database_cluster(flow.link.target) or not topology.is_replica(flow.target)
        ):
            result.add(Capability.WRITE)
    return result


@st.composite
def designs(draw: st.DrawFn) -> str:
    """Random small specs: components spread over a few servers, random links."""
    servers = [f"s{i}" for i in range(draw(st.integers(1, 4)))]
    count = draw(st.integers(2, 9))
    lines = ["archdoc: 1", "title: random", "components:", "  user: {kind: client}"]
    lines += [f"  {s}: {{kind: server}}" for s in servers]
    names = []
    for i in range(count):
        kind = draw(st.sampled_from(KINDS))
        host = draw(st.sampled_from(servers + [None]))
        extra = ""
        if kind == "database" and names and draw(st.booleans()):
            primaries = [n for n, k in names if k == "database"]
            if primaries:
                extra = f", role: replica, replica_of: {primaries[0]}"
        lines.append(f"  c{i}: {{kind: {kind}{extra}" + (f", host: {host}}}" if host else "}"))
        names.append((f"c{i}", kind))
    ids = ["user"] + [n for n, _ in names]
    pairs = draw(st.sets(st.tuples(st.sampled_from(ids), st.sampled_from(ids[1:])), min_size=1, max_size=16))
    lines.append("links:")
    for source, target in sorted(pairs):
        if source == target:
            continue
        access = ""
        if dict(names).get(target) == "database":
            access = ", access: " + draw(st.sampled_from(["read", "write", "readwrite"]))
        lines.append(f"  - {{from: {source}, to: {target}, protocol: tcp{access}}}")
    return "\n".join(lines) + "\n"


SPLIT_THROUGH_A_LOOP = (
    "archdoc: 1\ntitle: random\ncomponents:\n  user: {kind: client}\n  s0: {kind: server}\n"
    "  c0: {kind: load_balancer, host: s0}\n  c1: {kind: database, host: s0}\n  c2: {kind: database}\n"
    "  c3: {kind: load_balancer, host: s0}\n  c4: {kind: load_balancer, host: s0}\n"
    "  c5: {kind: load_balancer, host: s0}\nlinks:\n  - {from: c0, to: c2, protocol: tcp, access: write}\n"
    "  - {from: c1, to: c3, protocol: tcp}\n  - {from: c3, to: c0, protocol: tcp}\n"
    "  - {from: c3, to: c1, protocol: tcp, access: write}\n  - {from: user, to: c1, protocol: tcp, access: read}\n"
)


@settings(max_examples=300, deadline=None)
@example(SPLIT_THROUGH_A_LOOP)  # found by this test: c1 and c2 hold split copies, so c2's loss costs the writes
@given(designs())
def test_single_failures_match_brute_force(text: str) -> None:
    topology = loads(text, "random.yaml")
    analysis = FailureAnalysis(topology)
    everything_up = brute_force_capabilities(topology, None)
    assert set(analysis.capabilities) == everything_up
    split = split_losses(topology, everything_up)
    for unit in topology.failure_units:
        lost = (everything_up - brute_force_capabilities(topology, unit)) | split.get(unit, set())
        assert set(analysis.lost_if_failed(unit)) == lost, (unit, text)


def split_losses(topology: Topology, capabilities: set[Capability]) -> dict[str, set[Capability]]:
    """What the loss of a unit holding a split copy of the data costs beyond what a search
    shows: split-data (docs/rules.md) says such a copy is no stand-in for another, so the
    reads and writes that reach it are lost with it, though a search still finds the other."""
    losses: dict[str, set[Capability]] = {}
    for databases in split_data(topology):
        for database in databases:
            unit = topology.failure_unit(database)
            for capability in capabilities & {Capability.READ, Capability.WRITE}:
                if unit and any(target == database for _, target in capability_goals(topology, capability)):
                    losses.setdefault(unit, set()).add(capability)
    return losses


def test_a_deep_chain_is_analysed_without_blowing_up() -> None:
    depth = 3000
    lines = ["archdoc: 1", "title: chain", "components:", "  user: {kind: client}"]
    lines += [f"  w{i}: {{kind: web_server}}" for i in range(depth)]
    lines += ["  app: {kind: app_server}", "links:", "  - {from: user, to: w0, protocol: https}"]
    lines += [f"  - {{from: w{i}, to: w{i + 1}, protocol: http}}" for i in range(depth - 1)]
    lines += [f"  - {{from: w{depth - 1}, to: app, protocol: http}}"]
    analysis = FailureAnalysis(loads("\n".join(lines), "chain.yaml"))
    assert analysis.lost_if_failed("w0") == (Capability.SERVE,)
    assert analysis.lost_if_failed(f"w{depth - 1}") == (Capability.SERVE,)


def test_two_components_on_one_server_cut_together() -> None:
    """Neither web server alone is a cut, but their shared server is."""
    text = """\
archdoc: 1
title: two web servers, one machine
components:
  user: {kind: client}
  box: {kind: server}
  other: {kind: server}
  lb: {kind: load_balancer, host: other}
  web-1: {kind: web_server, host: box}
  web-2: {kind: web_server, host: box}
links:
  - {from: user, to: lb, protocol: https}
  - {from: lb, to: [web-1, web-2], protocol: http}
"""
    analysis = FailureAnalysis(loads(text, "t.yaml"))
    assert analysis.lost_if_failed("box") == (Capability.SERVE,)
    assert analysis.causes("box", Capability.SERVE) == ("web-1", "web-2")
