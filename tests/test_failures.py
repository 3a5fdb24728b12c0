"""The failure analysis agrees with brute force: fail each unit, search again."""

from __future__ import annotations

from collections import deque

from hypothesis import example, given, settings
from hypothesis import strategies as st

from archdoc.model import Capability, FailureAnalysis, Topology
from archdoc.model.failures import (
    READ_ACCESS,
    WRITE_ACCESS,
    capability_goals,
    sink_dominators,
    split_data,
    written_primaries,
)
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


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[list[int]], int, int]:
    """Random directed graphs (loops and repeated links too), a start and an end."""
    size = draw(st.integers(2, 12))
    successors = [draw(st.lists(st.integers(0, size - 1), max_size=4)) for _ in range(size)]
    return successors, 0, size - 1


def _plain_path(successors: list[list[int]], start: int, end: int, avoid: set[int]) -> list[int] | None:
    """A shortest path by a search going node by node, each node's parent the first to reach it."""
    parent: dict[int, int] = {}
    seen, queue = {start} | avoid, deque([start])
    while queue:
        node = queue.popleft()
        for after in successors[node]:
            if after not in seen:
                seen.add(after)
                parent[after] = node
                if after == end:
                    path = [after]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return path[::-1]
                queue.append(after)
    return None


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_the_sink_dominators_are_the_nodes_every_way_goes_through(graph: tuple[list[list[int]], int, int]) -> None:
    successors, start, end = graph
    path = _plain_path(successors, start, end, set())
    if path is None or start == end:
        return
    on_every_way = [n for n in range(len(successors)) if n not in (start, end)
                    and _plain_path(successors, start, end, {n}) is None]
    assert sorted(sink_dominators(successors, path)) == on_every_way


@settings(max_examples=200, deadline=None)
@given(designs())
def test_the_search_by_levels_finds_the_path_a_search_node_by_node_does(text: str) -> None:
    """Availability's bounds depend on which way a search finds first: the same as ever."""
    analysis = FailureAnalysis(loads(text, "random.yaml"))
    for graph in analysis.graphs.values():
        units = list(graph.nodes_of_unit)
        for without in [set(), set(units[:1]), set(units[1::2])]:
            avoid = {n for unit in without for n in graph.nodes_of_unit[unit]}
            expected = _plain_path(graph.successors, graph.source, graph.sink, avoid)
            found = graph.reaches_sink(without)
            assert found == (None if expected is None else [graph.nodes[n] for n in expected])


@settings(max_examples=200, deadline=None)
@given(designs())
def test_what_each_component_writes_is_what_its_reach_writes(text: str) -> None:
    topology = loads(text, "random.yaml")
    written = written_primaries(topology, topology.components)
    for component in topology.components:
        expected = {flow.target for c in topology.reach([component]) for flow in topology.flows_from.get(c, ())
                    if flow.link.access in WRITE_ACCESS and topology.kind(flow.target) == "database"
                    and not topology.is_replica(flow.target)}
        assert written[component] == expected, (component, text)
