"""Why each part is there: for every part beyond the simplest working design (one server
running the web server, the application server and the database), what it adds:
capacity, redundancy, security, observability, and which issue of the simpler design it
fixes. A fix is claimed only where the analysis no longer finds that issue."""

from __future__ import annotations

from collections.abc import Callable

from archdoc.explain.design import backup_only, multi_primary_clusters
from archdoc.explain.naming import name, names
from archdoc.explain.report.document import Section
from archdoc.model import Topology
from archdoc.model.components import Cluster
from archdoc.model.kinds import TIER_KINDS, Kind
from archdoc.rules import Analysis, Rule
from archdoc.rules.cannot_scale import CannotScale
from archdoc.rules.colocated_tiers import ColocatedTiers
from archdoc.rules.maintenance_downtime import MaintenanceDowntime
from archdoc.rules.no_firewall import NoFirewall
from archdoc.rules.no_https import NoHttps
from archdoc.rules.no_monitoring import NoMonitoring
from archdoc.rules.single_writer import SingleWriter
from archdoc.rules.spof import Spof
from archdoc.wording import article, noun, one_or_many, sentence_list, verb

SIMPLEST = ("The simplest working design is one server running the web server, the application server (with the "
            "code base) and the database, reached through the domain's DNS record. Each part this design adds "
            "beyond it, and what it adds:")


def _fixes(analysis: Analysis, rules: list[type[Rule]], since: Analysis | None = None) -> str:
    """' It fixes the one-server design's issue: ...' for the rules that no longer fire (and,
    given the previous design, fired on it)."""
    gone = [r for r in rules if not analysis.found(r) and (since is None or since.found(r))]
    if not gone:
        return ""
    named = sentence_list([f"{r.name[:1].lower()}{r.name[1:]} ({r.id})" for r in gone])
    design = "the previous design's" if since else "the one-server design's"
    return f" It fixes {design} {noun(len(gone), 'issue')}: {named}."


def _counts(topology: Topology) -> dict[str, int]:
    """How much of each topic of part_purposes a design has: a topic is new when it grows."""
    clusters = [topology.kind(topology.members(c)[0]) for c in topology.of_kind(Kind.CLUSTER)]
    mixed = sum(1 for hosted in topology.hosted_on.values()
                if len({topology.kind(c) for c in hosted} & set(TIER_KINDS)) > 1)
    return {
        "lb": min(1, len(topology.of_kind(Kind.LOAD_BALANCER))),  # a second one: "lb-cluster"
        "lb-cluster": clusters.count(Kind.LOAD_BALANCER),
        "multi-primary": len(multi_primary_clusters(topology)),
        Kind.WEB_SERVER: len(topology.of_kind(Kind.WEB_SERVER)),
        Kind.APP_SERVER: len(topology.of_kind(Kind.APP_SERVER)),
        "replica": sum(1 for d in topology.of_kind(Kind.DATABASE) if topology.is_replica(d)),
        Kind.CACHE: len(topology.of_kind(Kind.CACHE)),
        "tiers": -mixed,  # fewer servers mixing tiers: the tiers moved apart
        Kind.FIREWALL: len(topology.of_kind(Kind.FIREWALL)),
        Kind.CERTIFICATE: len(topology.of_kind(Kind.CERTIFICATE)),
        Kind.MONITORING: len(topology.of_kind(Kind.MONITORING)),
    }


# The parts that make a design safer or observable: what each is called, what it adds, the finding it answers.
SAFEGUARDS: tuple[tuple[Kind, Callable[[int], str], str, type[Rule]], ...] = (
    (Kind.FIREWALL, lambda n: noun(n, "a firewall", "firewalls"),
     "security: only the traffic the design needs gets through (the Security section lists it).", NoFirewall),
    (Kind.CERTIFICATE, lambda n: f"the TLS {noun(n, 'certificate')}",
     "security: HTTPS, so the users' traffic cannot be read or changed on the way and the browser knows it talks "
     "to the real site.", NoHttps),
    (Kind.MONITORING, lambda n: f"monitoring {noun(n, 'agent')}",
     "observability: metrics and logs shipped to a service that graphs them and alerts, so a failure or a slowdown "
     "is known before the users report it.", NoMonitoring),
)


def part_purposes(analysis: Analysis, since: Analysis | None = None) -> list[str]:
    """One sentence per added part (or group of alike parts), in the order a request meets
    them; with ``since`` (the previous design), only the parts added since it."""
    topology = analysis.topology
    tagged: list[tuple[str, str]] = []

    def add(topic: str, text: str) -> None:
        tagged.append((topic, text))

    waiting = backup_only(topology)
    lbs = topology.of_kind(Kind.LOAD_BALANCER)
    if lbs:
        spread = [lb for lb in lbs if len(topology.backends(lb)) > 1]
        gone = [CannotScale, MaintenanceDowntime]
        if spread:
            add("lb", f"{names(topology, lbs)} ({noun(len(lbs), 'the load balancer', 'the load balancers')}): "
                         f"capacity and redundancy. Requests are spread over several backends, and a backend whose "
                         f"health check fails gets no more traffic, so one can fail or be updated while the "
                         f"others serve." + _fixes(analysis, gone, since))
        else:
            add("lb", f"{names(topology, lbs)} ({noun(len(lbs), 'the load balancer', 'the load balancers')}): "
                         f"one address in front of the backends, so that more can be added without changing "
                         f"DNS; with one active backend it adds no capacity yet.")
    for cluster_id in topology.of_kind(Kind.CLUSTER):
        cluster = topology.components[cluster_id]
        assert isinstance(cluster, Cluster)
        kind = topology.kind(cluster.members[0])
        if kind == Kind.LOAD_BALANCER:
            add("lb-cluster", f"{name(topology, cluster_id)} (the second load balancer, clustered with the first): "
                         f"redundancy for the entry point, which is otherwise a single point of failure: when one "
                         f"fails, the other answers at the same address.")
        elif cluster_id in multi_primary_clusters(topology):
            gone = [SingleWriter]
            losing = ("losing one stops nothing" if len(cluster.members) > 2 else
                      "with two members, though, the survivor of a failure has no majority and stops taking "
                      "writes until forced on (a third voter fixes it)")
            add("multi-primary", f"{name(topology, cluster_id)} (a multi-primary database cluster): redundancy for the "
                         f"writes: every member takes them; {losing}." + _fixes(analysis, gone, since))
    for kind in (Kind.WEB_SERVER, Kind.APP_SERVER):
        ids = topology.of_kind(kind)
        if len(ids) < 2:
            continue
        spares = [c for c in ids if c in waiting]
        serving = [c for c in ids if c not in waiting]
        extra = serving[1:]  # beyond the one of the simplest design
        if extra:
            more = f"a second {kind.singular}" if len(extra) == 1 else f"more {kind.plural}"
            add(kind, f"{names(topology, extra)} ({more}): capacity and redundancy: the requests "
                      f"are shared, and one can fail or be restarted for a deploy while the others serve.")
        if spares:
            add(kind, f"{names(topology, spares)} ({noun(len(spares), article(kind.singular), kind.plural)} kept "
                      f"as {noun(len(spares), 'a backup', 'backups')}): redundancy only: "
                      f"{one_or_many(len(spares), 'it waits', 'they wait')} until the active "
                      f"{noun(len(serving), 'one fails', 'ones fail')}, and {verb(len(spares), 'add')} no capacity.")
    replicas = [d for d in topology.of_kind(Kind.DATABASE) if topology.is_replica(d)]
    if replicas:
        add("replica", f"{names(topology, replicas)} ({noun(len(replicas), 'a replica', 'replicas')}): a second, "
                     f"continuously updated copy of the data (redundancy: it can be promoted when the primary "
                     f"fails) and read capacity (reads can go there).")
    caches = topology.of_kind(Kind.CACHE)
    if caches:
        add(Kind.CACHE, f"{names(topology, caches)} ({noun(len(caches), 'a cache', 'caches')}): performance: frequent "
                     f"reads are answered from memory, and the database carries less load.")
    tiers_of = {server: {topology.kind(c) for c in hosted} & set(TIER_KINDS)
                for server, hosted in topology.hosted_on.items()}
    tier_servers = [s for s, tiers in tiers_of.items() if tiers]
    if len(tier_servers) > 1 and all(len(tiers_of[s]) == 1 for s in tier_servers):
        add("tiers", f"{names(topology, tier_servers)} (the tiers on servers of their own): each tier can be sized, "
                     f"scaled and maintained on its own, and a busy database no longer slows the web server."
                     + _fixes(analysis, [ColocatedTiers], since))
    elif len(tier_servers) > 1 and not analysis.found(ColocatedTiers):
        data_servers = [s for s in tier_servers if tiers_of[s] == {Kind.DATABASE}]
        add("tiers", f"{names(topology, data_servers)} (the database on servers of its own): the database no "
                     f"longer competes with the web and application servers for CPU, memory and disk, and is "
                     f"sized and maintained on its own." + _fixes(analysis, [ColocatedTiers], since))
    for kind, called, adds, rule in SAFEGUARDS:
        ids = topology.of_kind(kind)
        if ids:
            add(kind, f"{names(topology, ids)} ({called(len(ids))}): {adds}" + _fixes(analysis, [rule], since))
    servers = topology.of_kind(Kind.SERVER)
    if len(servers) > 1 and analysis.found(Spof):
        left = analysis.found(Spof)
        add("", f"Still {one_or_many(len(left), 'a single point', 'single points')} of failure (see the "
                     f"issues): {names(topology, left)}.")
    if since is None:
        return [text for _, text in tagged]
    before, now = _counts(since.topology), _counts(topology)
    return [text for topic, text in tagged if topic == "" or now[topic] > before[topic]]


def purpose_section(analysis: Analysis, since: tuple[str, Analysis] | None = None) -> Section | None:
    """Why each part is there: beyond the simplest working design, or, given ``since`` (what
    to call the previous design, its analysis), only what was added since it."""
    lines = part_purposes(analysis, since[1] if since else None)
    if not lines:
        return None
    opening = SIMPLEST if since is None else f"Each part added since {since[0]}, and what it adds:"
    return Section("Why each part is there", paragraphs=(opening,), bullets=tuple(lines))
