"""Availability against cases computed by hand, and what `whatif` says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archdoc.model import Capability, Topology
from archdoc.model.availability import availability, can_do, components_down
from archdoc.specfile import loads
from tests.conftest import ROOT, SPECS, run


def topology_of(text: str) -> Topology:
    return loads("archdoc: 1\ntitle: t\n" + text, "t.yaml")


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


def tiers(web: int, app: int, p: float = 0.99) -> str:
    """Two balancers in active-passive, then `web` web servers each linked to every one of
    `app` application servers: redundancy in every tier, nothing in series."""
    webs = [f"w{i}" for i in range(web)]
    apps = [f"a{i}" for i in range(app)]
    text = "components:\n  user: {kind: client}\n"
    text += "".join(f"  {n}: {{kind: load_balancer, availability: {p}}}\n" for n in ("lb1", "lb2"))
    text += "  lbs: {kind: cluster, members: [lb1, lb2], mode: active_passive}\n"
    text += "".join(f"  {n}: {{kind: web_server, availability: {p}}}\n" for n in webs)
    text += "".join(f"  {n}: {{kind: app_server, availability: {p}}}\n" for n in apps)
    return text + f"""links:
  - {{from: user, to: lbs, protocol: https}}
  - {{from: lbs, to: [{', '.join(webs)}], protocol: http}}
""" + "".join(f"  - {{from: {w}, to: [{', '.join(apps)}], protocol: http}}\n" for w in webs)


def test_redundant_tiers_multiply_their_failure_odds() -> None:
    """Tiers in series, each failing only when all its members do: 29 units, still exact."""
    q = 0.01
    expected = (1 - q ** 2) * (1 - q ** 24) * (1 - q ** 3)
    result = availability(topology_of(tiers(24, 3)), Capability.SERVE)
    assert result is not None and result.method.startswith("factoring")  # the unlikeliest branches bounded
    assert result.error < 1e-9
    assert abs(result.value - expected) <= result.error


@pytest.mark.parametrize(("p", "largest_error"), [(0.9, 0.05), (0.999, 1e-5)])
def test_past_the_search_budget_bounds_that_hold_the_exact_value(
        monkeypatch: pytest.MonkeyPatch, p: float, largest_error: float) -> None:
    topology = topology_of(tiers(6, 3, p=p))
    exact = availability(topology, Capability.SERVE)
    monkeypatch.setattr("archdoc.model.availability.SEARCH_BUDGET", 10)
    bounded = availability(topology, Capability.SERVE)
    assert exact is not None and not exact.method.startswith("bounds") and exact.error < 1e-9
    assert bounded is not None and bounded.method.startswith("bounds")
    assert 0 < bounded.error < largest_error
    assert abs(bounded.value - exact.value) <= bounded.error + exact.error


def test_bounds_with_single_points_of_failure_keep_them_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("archdoc.model.availability.SEARCH_BUDGET", 1)
    result = availability(topology_of("""components:
  user: {kind: client}
  lb: {kind: load_balancer, availability: 0.99}
  w1: {kind: web_server, availability: 0.9}
  w2: {kind: web_server, availability: 0.9}
links:
  - {from: user, to: lb, protocol: https}
  - {from: lb, to: [w1, w2], protocol: http}
"""), Capability.SERVE)
    assert result is not None and result.method.startswith("bounds")
    # the upper bound: the balancer and one of the two servers; the lower one: the pair
    assert result.value + result.error == pytest.approx(0.99 * (1 - 0.1 * 0.1))
    assert result.value - result.error == pytest.approx(0.99 * (1 - 0.1 * 0.1))


def test_the_examples_rank_as_their_designs() -> None:
    from archdoc.specfile import load_spec

    def serve_of(name: str) -> float:
        result = availability(load_spec(SPECS / name), Capability.SERVE)
        assert result is not None
        return result.value

    simple, distributed = serve_of("0-simple_web_stack.yaml"), serve_of("1-distributed_web_infrastructure.yaml")
    assert simple == pytest.approx(0.999 * 0.9999 * 0.9995 * 0.9995)
    assert distributed > simple  # two servers in parallel behind the balancer


def test_can_do_after_failures() -> None:
    from archdoc.specfile import load_spec

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


def test_check_json_and_the_report_give_the_availability(rendered_examples) -> None:  # type: ignore[no-untyped-def]
    import json

    result = run("check", str(SPECS / "1-distributed_web_infrastructure.yaml"), "--format", "json")
    figures = {a["capability"]: a for a in json.loads(result.stdout)["specs"][0]["availability"]}
    web_01 = 0.999 * 0.9999 * 0.9995 * 0.9995  # the server, nginx-1, app-1 and the primary mysql-1
    lb_01 = 0.999 * 0.9999  # the server and haproxy
    assert figures["write"]["availability"] == pytest.approx(web_01 * lb_01)
    assert figures["serve"]["method"] == "exact (factoring)" and figures["serve"]["error_bound"] == 0
    report = (rendered_examples / "1-distributed_web_infrastructure" / "report.md").read_text()
    assert "| write data |99.6804 % |28 h 1 min |exact |" in report
    assert "it also depends on web-01, which nothing replaces" in report


def test_the_figures_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Products over sets of units are taken in one order: a design whose figures once
    changed in the last digit from one process to the next (sets iterate by hash)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from same_findings import odd_design

    spec = tmp_path / "odd.yaml"
    spec.write_text(odd_design(9, 4 + 9 * 3), encoding="utf-8")
    said = {subprocess.run([str(Path(sys.executable).with_name("archdoc")), "check", "--format", "json", str(spec)],
                           capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("0", "1", "12345")}
    assert len(said) == 1 and '"availability"' in said.pop()
