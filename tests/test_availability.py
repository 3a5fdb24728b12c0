"""Availability against cases computed by hand, and what `whatif` says."""

from __future__ import annotations

import pytest

from archdoc.model import Capability
from archdoc.model.availability import MAX_EXACT_UNITS, availability, can_do, components_down
from archdoc.spec.validate import build_topology
from archdoc.spec.yaml_source import parse_yaml
from tests.conftest import SPECS, run


def topology_of(text: str):  # type: ignore[no-untyped-def]
    raw, source = parse_yaml("archdoc: 1\ntitle: t\n" + text, "t.yaml")
    return build_topology(raw, source)


def serve(text: str) -> float:
    result = availability(topology_of(text), Capability.SERVE)
    assert result is not None and result.method.startswith("exact")
    return result.value


def test_a_series_chain_multiplies() -> None:
    assert serve("""components:
  user: {kind: client}
  lb: {kind: load_balancer, availability: 0.99}
  web: {kind: web_server, availability: 0.98}
  app: {kind: app_server, availability: 0.97}
links:
  - {from: user, to: lb, protocol: https}
  - {from: lb, to: web, protocol: http}
  - {from: web, to: app, protocol: http}
""") == pytest.approx(0.99 * 0.98 * 0.97)


def test_a_parallel_pair_fails_only_together() -> None:
    assert serve("""components:
  user: {kind: client}
  w1: {kind: web_server, availability: 0.9}
  w2: {kind: web_server, availability: 0.8}
links:
  - {from: user, to: [w1, w2], protocol: https}
""") == pytest.approx(1 - 0.1 * 0.2)


def test_an_active_passive_pair_counts_as_a_parallel_pair() -> None:
    assert serve("""components:
  user: {kind: client}
  lb1: {kind: load_balancer, availability: 0.9}
  lb2: {kind: load_balancer, availability: 0.9}
  lbs: {kind: cluster, members: [lb1, lb2], mode: active_passive}
  web: {kind: web_server, availability: 1}
links:
  - {from: user, to: lbs, protocol: https}
  - {from: lbs, to: web, protocol: http}
""") == pytest.approx(1 - 0.1 * 0.1)


def test_a_server_is_down_when_anything_it_carries_is() -> None:
    assert serve("""components:
  user: {kind: client}
  box: {kind: server, availability: 0.99}
  web: {kind: web_server, host: box, availability: 0.9}
links:
  - {from: user, to: web, protocol: https}
""") == pytest.approx(0.99 * 0.9)


def test_a_bridge_that_series_parallel_reduction_cannot_handle() -> None:
    p = 0.9
    with_bridge_up = (1 - (1 - p) ** 2) ** 2
    with_bridge_down = 1 - (1 - p * p) ** 2
    assert serve("""components:
  user: {kind: client}
  a: {kind: load_balancer, availability: 0.9}
  b: {kind: load_balancer, availability: 0.9}
  e: {kind: web_server, availability: 0.9}
  c: {kind: app_server, availability: 0.9}
  d: {kind: app_server, availability: 0.9}
links:
  - {from: user, to: [a, b], protocol: https}
  - {from: a, to: [c, e], protocol: http}
  - {from: b, to: [d, e], protocol: http}
  - {from: e, to: [c, d], protocol: http}
""") == pytest.approx(p * with_bridge_up + (1 - p) * with_bridge_down)


def test_past_the_exact_limit_an_estimate_with_its_error_bound() -> None:
    """A chain of web servers ending in an application server: every link must be up."""
    count = MAX_EXACT_UNITS + 3
    names = [f"w{i}" for i in range(count)]
    kinds = ["web_server"] * (count - 1) + ["app_server"]
    text = "components:\n  user: {kind: client}\n" + "".join(
        f"  {n}: {{kind: {k}, availability: 0.99}}\n" for n, k in zip(names, kinds, strict=True))
    text += "links:\n  - {from: user, to: w0, protocol: https}\n" + "".join(
        f"  - {{from: {a}, to: {b}, protocol: http}}\n" for a, b in zip(names, names[1:], strict=False))
    result = availability(topology_of(text), Capability.SERVE)
    assert result is not None and result.method.startswith("Monte Carlo")
    assert 0 < result.error < 0.01
    assert abs(result.value - 0.99 ** count) <= 2 * result.error


def test_the_examples_rank_as_their_designs() -> None:
    from archdoc.spec import load_spec

    def serve_of(name: str) -> float:
        result = availability(load_spec(SPECS / name), Capability.SERVE)
        assert result is not None
        return result.value

    simple, distributed = serve_of("0-simple_web_stack.yaml"), serve_of("1-distributed_web_infrastructure.yaml")
    assert simple == pytest.approx(0.999 * 0.9999 * 0.9995 * 0.9995)
    assert distributed > simple  # two servers in parallel behind the balancer


def test_can_do_after_failures() -> None:
    from archdoc.spec import load_spec

    topology = load_spec(SPECS / "1-distributed_web_infrastructure.yaml")
    assert can_do(topology, components_down(topology, ["web-01"])) == {Capability.SERVE, Capability.READ}
    assert can_do(topology, components_down(topology, ["web-01", "web-02"])) == set()


def test_whatif_names_what_is_lost() -> None:
    result = run("whatif", str(SPECS / "1-distributed_web_infrastructure.yaml"), "--fail", "web-01")
    assert result.exit_code == 0, result.output
    assert "If web-01 fails, the clients can still serve requests and read data; they can no longer write data." \
        in result.stdout
    both = run("whatif", str(SPECS / "3-scale_up.yaml"), "--fail", "lb-01,lb-02")
    assert "can no longer serve requests, read data or write data" in both.stdout
    unknown = run("whatif", str(SPECS / "3-scale_up.yaml"), "--fail", "lb-03")
    assert unknown.exit_code == 2 and "unknown id 'lb-03'" in unknown.stderr
