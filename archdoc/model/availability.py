"""What the clients can still do when parts fail, and how available each capability is.

A failure unit is up when its machine and every component on it that carries traffic
is up (a pessimistic but simple reading: a unit is one thing to repair). Units fail
independently; failover is taken as immediate (an active-passive pair counts as a
parallel pair). Each capability's availability is the probability that the clients can
still do it.

The single points of failure of a capability (the units on every way to it, which the
dominator analysis already found) are in series with everything else, so their
availabilities multiply. The units with an alternative are then factored exactly:
pick a unit on a way that still works,
    A = p * A(unit up) + (1 - p) * A(unit down),
stopping a branch as soon as it is decided (no way left: 0; a way through units known
to be up: 1). Real designs decide fast. When a design needs more searches than
SEARCH_BUDGET allows (very large designs), archdoc gives bounds instead, which cost a
handful of searches: at most everything but the single points of failure up (upper), at
least one of a few ways with no unit in common up (lower, as those ways fail
independently); the estimate is their middle and its error bound half their distance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from archdoc.model.failures import Capability, FailureAnalysis, FlowGraph, capability_goals, split_data
from archdoc.model.kinds import DEFAULT_AVAILABILITY, Kind
from archdoc.model.topology import Topology

HOURS_PER_YEAR = 8766  # 365.25 days

# Exact factoring may take this many steps (searches times the graph's nodes and links):
# about a thirtieth of a second per capability before archdoc settles for bounds.
SEARCH_BUDGET = 250_000
PRUNE_BELOW = 1e-10  # a branch of the factoring this unlikely is bounded, not followed
BOUND_PATHS = 8  # ways with no unit in common used for the lower bound
EXACT = "exact (factoring)"


def can_do(topology: Topology, down: frozenset[str]) -> set[Capability]:
    """The capabilities the clients keep with these components down (plain search)."""
    reached = topology.reach(topology.clients, failed=down)
    kept: set[Capability] = set()
    split = {d for databases in split_data(topology) for d in databases}
    for capability in Capability:
        if capability is not Capability.SERVE and split & down & {t for _, t in capability_goals(topology, capability)}:
            continue  # a split copy of the data is down: no other database stands in for it
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
        down.update(topology.on_unit(component_id) if topology.kind(component_id) == Kind.SERVER else (component_id,))
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
    method: str  # EXACT, or how the unlikeliest branches or the whole were bounded
    error: float = 0.0  # how far the value may be off: it is the middle of its bounds
    # The capability's single points of failure with their own availability, least first.
    single_points: tuple[tuple[str, float], ...] = ()

    @property
    def downtime_hours(self) -> float:
        return (1 - self.value) * HOURS_PER_YEAR

    def to_dict(self) -> dict[str, object]:
        return {"capability": self.capability.value, "availability": self.value,
                "percent": round(self.value * 100, 6), "downtime_hours_per_year": round(self.downtime_hours, 3),
                "method": self.method, "error_bound": self.error}


def availabilities(topology: Topology, failures: FailureAnalysis) -> tuple[Availability, ...]:
    """How available each capability the design has is (each unit's own figure worked out once)."""
    of_unit: dict[str, float] = {}
    found = (availability(topology, c, failures, of_unit) for c in failures.capabilities)
    return tuple(a for a in found if a is not None)


def availability(topology: Topology, capability: Capability, failures: FailureAnalysis | None = None,
                 of_unit: dict[str, float] | None = None) -> Availability | None:
    """The probability that the clients can do ``capability``; None when they never can.
    ``of_unit`` keeps each unit's availability, for the next capability."""
    failures = failures or FailureAnalysis(topology)
    stops = failures.stops[capability]
    if stops is None:
        return None
    of_unit = {} if of_unit is None else of_unit
    p = {}
    for unit in failures.units_on_the_way[capability]:
        if unit not in of_unit:
            of_unit[unit] = unit_availability(topology, unit)
        p[unit] = of_unit[unit]
    single_points = tuple(sorted(((unit, p[unit]) for unit in stops.units), key=lambda pair: (pair[1], pair[0])))
    series = math.prod(p[unit] for unit in sorted(stops.units))  # in one order: the same last digit every run
    redundant = [unit for unit in p if unit not in stops.units and p[unit] < 1]
    ways = failures.graphs[capability]
    factoring = _Factoring(ways, p)
    try:
        found = factoring.works_given(redundant, frozenset())
        if not factoring.pruned:
            return Availability(capability, series * found, EXACT, single_points=single_points)
        return Availability(capability, series * (found + factoring.pruned / 2),
                            f"factoring, branches less likely than {PRUNE_BELOW:g} bounded",
                            series * factoring.pruned / 2, single_points)
    except _OverBudget:
        lower, upper, found = _bounds(ways, p, stops.units)
        method = f"bounds: single points of failure exact, the rest bounded over {found} ways with no unit in common"
        return Availability(capability, series * (upper + lower) / 2, method, series * (upper - lower) / 2,
                            single_points)


class _OverBudget(Exception):
    pass


class _Factoring:
    """The availability of the ways to a capability, single points of failure up.

    A branch whose probability falls under PRUNE_BELOW is not followed: its weight is
    added to ``pruned``, the most the value can lack (it is exact when nothing was).
    """

    def __init__(self, ways: FlowGraph, p: Mapping[str, float]) -> None:
        self.ways = ways
        self.p = p
        self.searches_left = max(1, SEARCH_BUDGET // ways.size)
        self.pruned = 0.0

    def way(self, without: frozenset[str]) -> list[str] | None:
        """The units of a shortest working way avoiding these units, or None."""
        self.searches_left -= 1
        if self.searches_left < 0:
            raise _OverBudget
        path = self.ways.reaches_sink(without)
        return None if path is None else self.ways.units(path)

    def works_given(self, undecided: list[str], down: frozenset[str], weight: float = 1.0) -> float:
        """The probability of a way, given these units down and the undecided ones unknown,
        times ``weight``, the probability of getting here."""
        if weight < PRUNE_BELOW:
            self.pruned += weight
            return 0.0
        if self.way(down | frozenset(undecided)) is not None:  # through units known to be up
            return weight
        if not undecided:
            return 0.0
        way = self.way(down)
        if way is None:
            return 0.0
        # some unit on it is undecided: a way through decided units only, the first search finds
        unit = next(u for u in way if u in undecided)
        rest = [u for u in undecided if u != unit]
        p = self.p[unit]
        return self.works_given(rest, down, weight * p) + self.works_given(rest, down | {unit}, weight * (1 - p))


def _bounds(ways: FlowGraph, p: Mapping[str, float], series: frozenset[str]) -> tuple[float, float, int]:
    """Bounds on the availability of the ways, single points of failure up, and how many
    ways the lower one used.

    Lower: ways found one after the other, each avoiding the units of the ones before,
    fail independently, and the capability works when any of them does. Upper: every way
    enters some unit straight from a client and ends in some unit at a goal, so the
    capability is lost when all the first units, or all the last, are down.
    """
    taken: set[str] = set()
    all_fail, found = 1.0, 0
    while found < BOUND_PATHS:
        path = ways.reaches_sink(taken)
        if path is None:
            break
        units = set(ways.units(path)) - series
        found += 1
        all_fail *= 1 - math.prod(p.get(u, 1.0) for u in sorted(units))
        taken |= units
        if not units:
            break
    cuts = [{u for u in cut if u is not None} for cut in (ways.entered_from_clients(), ways.goal_units())
            if None not in cut]
    all_down = [math.prod(1 - p.get(u, 1.0) for u in sorted(cut)) for cut in cuts if not cut & series]
    upper = 1 - max(all_down, default=0.0)
    return 1 - all_fail, upper, found
