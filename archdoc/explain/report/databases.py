"""The databases: replication, multi-primary clusters, and who reads and writes where."""

from __future__ import annotations

from archdoc.explain.design import database_role, multi_primary_clusters, through
from archdoc.explain.knowledge import ACCESS_VERBS, MULTI_PRIMARY, REPLICATION_MODES, TWO_MEMBER_QUORUM
from archdoc.explain.naming import name, names
from archdoc.explain.report.document import Section
from archdoc.model import Topology
from archdoc.model.components import Cluster, Database
from archdoc.model.failures import split_data
from archdoc.model.kinds import Kind
from archdoc.model.software import software
from archdoc.rules.split_data import SplitData
from archdoc.wording import noun, one_or_many, sentence_list, verb, verb_phrase


def database_section(topology: Topology) -> Section | None:
    databases = topology.of_kind(Kind.DATABASE)
    if not databases:
        return None
    replicas = [d for d in databases if topology.is_replica(d)]
    clusters = multi_primary_clusters(topology)
    in_clusters = {m for c in clusters for m in topology.members(c)}
    paragraphs: list[str] = []
    for cluster_id in clusters:
        members = topology.members(cluster_id)
        paragraphs.append(f"{names(topology, members)} form the multi-primary cluster {name(topology, cluster_id)} "
                          f"(active-active: every member takes reads and writes). {MULTI_PRIMARY}")
        if len(members) == 2:
            paragraphs.append(TWO_MEMBER_QUORUM)
    by_primary: dict[tuple[str, str], list[str]] = {}
    for replica_id in replicas:
        replica = topology.components[replica_id]
        assert isinstance(replica, Database) and replica.replica_of
        by_primary.setdefault((replica.replica_of, replica.replication), []).append(replica_id)
    for (primary_id, mode), copies in by_primary.items():
        primary = topology.components[primary_id]
        entry = software(primary.software)
        log = entry.replication_log if entry and entry.replication_log else "replication log"
        mode_name, mode_text = REPLICATION_MODES[mode]
        count = len(copies)
        paragraphs.append(
            f"{name(topology, primary_id)} is the primary (the master) and {names(topology, copies)} "
            f"{one_or_many(count, 'a replica (a slave) that copies', 'replicas (slaves) that copy')} it with "
            f"{mode_name} replication. The primary records every change in its {log}; "
            f"{one_or_many(count, 'the replica fetches', 'each replica fetches')} that log and replays it, so it "
            f"holds the same data. {mode_text}"
        )
    alone = [d for d in databases if d not in in_clusters and not topology.is_replica(d)
             and not any(p == d for p, _ in by_primary)]
    if alone:
        paragraphs.append(f"{names(topology, alone)} {verb(len(alone), 'have')} no replica"
                          f"{' and ' + verb(len(alone), 'be') + ' in no cluster' if clusters else ''}: there is one copy of "
                          f"{one_or_many(len(alone), 'its data', 'the data of each')}, and a failure loses access to it.")
    for split in split_data(topology):
        paragraphs.append(
            f"{names(topology, split)} are separate copies of the data that never synchronise, each written by "
            f"some of the backends the users' requests are spread over: what a user sees depends on the backend "
            f"that serves the request, and neither database can stand in for the other ({SplitData.id}, in the issues)."
        )
    if replicas:
        paragraphs.append(
            "For the application, the primary and a replica are not the same: every write (INSERT, UPDATE, DELETE) "
            "must go to the primary; reads may go to either; a replica is read-only, and when the primary fails "
            "one is promoted to take the writes."
        )
    title = "The " + noun(len(databases), "database")
    if replicas or clusters:
        title += " and replication"
    return Section(title, paragraphs=tuple(paragraphs), bullets=tuple(application_view(topology)))


def _target_phrase(topology: Topology, caller: str, target: str) -> str:
    cluster = topology.components[target]
    if target in multi_primary_clusters(topology) and isinstance(cluster, Cluster) and cluster.vip:
        what = (f"the multi-primary cluster {name(topology, target)} through its virtual IP {cluster.vip} (the "
                f"member holding it takes the queries)")
    elif target in multi_primary_clusters(topology):
        what = f"the multi-primary cluster {name(topology, target)}, any member of which takes the query"
    elif topology.is_database_cluster(target):
        what = f"the cluster {name(topology, target)}"
    else:
        what = f"{name(topology, target)} ({database_role(topology, target)})"
    return what + through(topology, caller, target)


def application_view(topology: Topology) -> list[str]:
    """Who reads and writes which database, from the links; alike callers share a line."""
    by_use: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for source in topology.components:
        links = list(dict.fromkeys(f.link for f in topology.flows_from.get(source, ())
                                   if topology.kind(f.target) == Kind.DATABASE))
        if links:
            uses: tuple[tuple[str, str], ...] = tuple((link.access or "readwrite", link.target) for link in links)
            by_use.setdefault(uses, []).append(source)
    lines = []
    for uses, sources in by_use.items():
        count = len(sources)
        parts = [f"{verb_phrase(count, ACCESS_VERBS[access])} {_target_phrase(topology, sources[0], target)}"
                 for access, target in uses]
        lines.append(f"{names(topology, sources)} {sentence_list(parts)}.")
    return lines
