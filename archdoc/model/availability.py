"""What the clients can still do when parts fail, and how available each capability is.

A failure unit is up when its machine and every component on it that carries traffic
is up (a pessimistic but simple reading: a unit is one thing to repair). Units fail
independently; failover is taken as immediate (an active-passive pair counts as a
parallel pair). Each capability's availability is the probability that the clients can
still do it.

Exact by factoring: pick a unit on a working path, and
    A = p * A(unit up) + (1 - p) * A(unit down),
stopping a branch as soon as it is decided (no way left: 0; a way through units known to
be up: 1). Real designs decide fast. Past MAX_EXACT_UNITS units on the ways to a
capability, a Monte Carlo estimate is given with its 95 % error bound.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from archdoc.model.failures import Capability, FailureAnalysis, capability_goals
from archdoc.model.topology import Topology

HOURS_PER_YEAR = 8766  # 365.25 days

# Per kind, when a component gives no `availability` (documented in the README).
DEFAULT_AVAILABILITY = {
    "server": 0.999,
    "load_balancer": 0.9999,
    "web_server": 0.9999,
    "app_server": 0.9995,
    "database": 0.9995,
    "cache": 0.9995,
    "firewall": 0.9999,
}
MAX_EXACT_UNITS = 22
SAMPLES = 20_000


def can_do(topology: Topology, down: frozenset[str]) -> set[Capability]:
    """The capabilities the clients keep with these components down (plain search)."""
    reached = topology.reach(topology.clients, failed=down)
    kept: set[Capability] = set()
    for capability in Capability:
        for via, target in capability_goals(topology, capability):
            arrival = via if via is not None else target
            if target not in down and arrival in reached:
                kept.add(capability)
                break
    return kept


def components_down(topology: Topology, failed: Iterable[str]) -> frozenset[str]:
    """Everything that is down when these ids fail: a server takes what it hosts with it."""
    down: set[str] = set()
    for component_id in failed:
        down.update(topology.on_unit(component_id) if topology.kind(component_id) == "server" else (component_id,))
    return frozenset(down)


def unit_availability(topology: Topology, unit: str) -> float:
    """Its machine's availability times that of each traffic-carrying component on it."""
    result = 1.0
    for component_id in topology.on_unit(unit):
        component = topology.components[component_id]
        if component_id == unit or component_id in topology.linked:
            given = getattr(component, "availability", None)
            result *= given if given is not None else DEFAULT_AVAILABILITY.get(component.kind, 1.0)
    return result


@dataclass(frozen=True)
class Availability:
    capability: Capability
    value: float
    method: str  # "exact (factoring)" or "Monte Carlo estimate"
    error: float = 0.0  # the 95 % half-width, for an estimate

    @property
    def downtime_hours(self) -> float:
        return (1 - self.value) * HOURS_PER_YEAR

    def to_dict(self) -> dict[str, object]:
        return {"capability": self.capability.value, "availability": self.value,
                "percent": round(self.value * 100, 6), "downtime_hours_per_year": round(self.downtime_hours, 3),
                "method": self.method, "error_bound": self.error}


class _Capability:
    """One capability as a question about which units are up."""

    def __init__(self, topology: Topology, capability: Capability) -> None:
        self.topology = topology
        self.capability = capability

    def works(self, down_units: Iterable[str]) -> bool:
        return self.capability in can_do(self.topology, components_down(self.topology, down_units))


def availability(topology: Topology, capability: Capability, seed: int = 0) -> Availability | None:
    """The probability that the clients can do ``capability``; None when they never can."""
    question = _Capability(topology, capability)
    if not question.works(()):
        return None
    p = {unit: unit_availability(topology, unit) for unit in topology.failure_units}
    on_the_way = FailureAnalysis(topology).on_the_way[capability]
    relevant = [u for u in topology.failure_units
                if p[u] < 1.0 and any(c in on_the_way for c in topology.on_unit(u))]
    if len(relevant) <= MAX_EXACT_UNITS:
        return Availability(capability, _factor(question, p, relevant, frozenset(), frozenset()), "exact (factoring)")
    return _sample(question, p, relevant, seed)


def _factor(question: _Capability, p: Mapping[str, float], undecided: list[str], up: frozenset[str],
            down: frozenset[str]) -> float:
    if not question.works(down):  # even with every undecided unit up, no way left
        return 0.0
    if question.works(down | frozenset(undecided)):  # a way through units known to be up
        return 1.0
    unit, rest = undecided[0], undecided[1:]
    return (p[unit] * _factor(question, p, rest, up | {unit}, down)
            + (1 - p[unit]) * _factor(question, p, rest, up, down | {unit}))


def _sample(question: _Capability, p: Mapping[str, float], units: list[str], seed: int) -> Availability:
    rng = random.Random(seed)
    hits = sum(question.works({u for u in units if rng.random() >= p[u]}) for _ in range(SAMPLES))
    value = hits / SAMPLES
    error = 1.96 * math.sqrt(max(value * (1 - value), 1e-12) / SAMPLES)
    return Availability(question.capability, value, f"Monte Carlo estimate ({SAMPLES:,} samples)", error)
