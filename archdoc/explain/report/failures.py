"""What the clients lose when a part fails, and how available the design is."""

from __future__ import annotations

from archdoc.explain.naming import LIST_LIMIT, name, names
from archdoc.explain.report.document import Section, Table
from archdoc.model.availability import HOURS_PER_YEAR
from archdoc.model.kinds import DEFAULT_AVAILABILITY, Kind
from archdoc.rules import Analysis
from archdoc.wording import one_or_many, percent, sentence_list, upper_first, verb, yearly_downtime


def failure_section(analysis: Analysis) -> Section | None:
    """What the clients lose when each machine (or hostless component) fails alone."""
    topology, failures = analysis.topology, analysis.failures
    scenarios = failures.scenarios()
    if not scenarios:
        return None
    rows, harmless = [], []
    for unit, lost in scenarios:
        if not lost:
            harmless.append(unit)
            continue
        on_it = [name(topology, c) for c in topology.on_unit(unit) if c != unit and c in topology.linked]
        if topology.kind(unit) == Kind.FIREWALL and unit in topology.linked:  # a hop: it filters the way
            on_it = [f"the way to {names(topology, topology.beyond_firewalls(unit))}"]
        keeps = [c for c in failures.capabilities if c not in lost]
        rows.append((name(topology, unit), ", ".join(on_it) or "-",
                     sentence_list([c.doing for c in lost]),
                     sentence_list([c.doing for c in keeps]) or "nothing"))
    paragraphs = []
    if rows:
        paragraphs.append("When one of these fails alone, the clients lose what the table says, until it is back:")
    if harmless:
        paragraphs.append(f"Something else takes over, and the clients lose nothing, when one of these "
                          f"fails alone: {names(topology, harmless)}.")
    table = Table(("fails", "carrying", "the clients lose", "they keep"), tuple(rows)) if rows else None
    if table is not None:
        return Section("If a part fails", paragraphs=tuple(paragraphs[:1]), table=table,
                       subsections=(Section("What can fail unnoticed", paragraphs=tuple(paragraphs[1:])),)
                       if harmless else ())
    return Section("If a part fails", paragraphs=tuple(paragraphs))


def _default_availabilities() -> str:
    """'servers 99.9 %, load balancers, web servers and firewalls 99.99 %, ...'."""
    by_value: dict[float, list[str]] = {}
    for kind, value in DEFAULT_AVAILABILITY.items():
        by_value.setdefault(value, []).append(kind.plural)
    return ", ".join(f"{sentence_list(kinds)} {value * 100:g} %" for value, kinds in by_value.items())


def availability_section(analysis: Analysis) -> Section | None:
    """How much of the time the clients can do what the design is for, and what limits it."""
    topology, results = analysis.topology, analysis.availability
    if not results:
        return None
    rows = []
    for result in results:
        if not result.error:
            how = "exact"
        elif result.error * 100 < 0.00005:  # cannot move the fourth decimal shown
            how = "exact to the digits shown"
        else:
            how = f"± {result.error * 100:.2g} %"
        rows.append((result.capability.action, percent(result.value), yearly_downtime(result.downtime_hours), how))
    assumptions = (f"Each part is taken to be up the share of the time its availability field gives (when "
                   f"the spec gives none: {_default_availabilities()}), parts fail independently and failover "
                   f"is immediate; a server is down when anything it runs is.")
    paragraphs = []
    by_needs: dict[tuple[tuple[str, float], ...], list[str]] = {}
    for result in results:
        by_needs.setdefault(result.single_points, []).append(result.capability.doing)
    for single_points, doings in by_needs.items():
        doing = upper_first(sentence_list(doings))
        if not single_points:
            paragraphs.append(f"{doing} {verb(len(doings), 'survive')} the loss of any one part: "
                              f"only parts failing together stop {one_or_many(len(doings), 'it', 'them')}, "
                              f"which is rare.")
            continue
        named = [f"{name(topology, u)} (down {yearly_downtime((1 - a) * HOURS_PER_YEAR)} a year)"
                 for u, a in single_points[:LIST_LIMIT]]
        if len(single_points) > LIST_LIMIT:
            named.append(f"{len(single_points) - LIST_LIMIT} more")
        paragraphs.append(f"{doing} {verb(len(doings), 'need')} {sentence_list(named)} with nothing to take over"
                          + (", so their downtimes add up." if len(single_points) > 1 else "."))
    best, worst = max(results, key=lambda r: r.value), min(results, key=lambda r: r.value)
    extra = {u for u, _ in worst.single_points} - {u for u, _ in best.single_points}
    if worst.value < best.value and extra:
        least = [r.capability.doing for r in results if r.value == worst.value]
        paragraphs.append(f"{upper_first(sentence_list(least))} {verb(len(least), 'be')} the least available: "
                          f"beyond what {best.capability.doing} needs, {one_or_many(len(least), 'it', 'they')} "
                          f"also {verb(len(least), 'depend')} on {names(topology, sorted(extra))}, "
                          f"which nothing replaces.")
    return Section("How available the design is", paragraphs=(assumptions,),
                   table=Table(("the clients can", "of the time", "down a year", "how exact"), tuple(rows)),
                   subsections=(Section("What limits it", paragraphs=tuple(paragraphs)),))
