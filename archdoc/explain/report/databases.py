"""The databases: replication, and who reads and writes where."""

from __future__ import annotations

from archdoc.explain.knowledge import ACCESS_VERBS, REPLICATION_MODES
from archdoc.explain.naming import name, names
from archdoc.explain.report.document import Section
from archdoc.model import Topology
from archdoc.model.components import Database
from archdoc.model.kinds import Kind
from archdoc.model.software import software
from archdoc.wording import noun, sentence_list, verb


def database_section(topology: Topology) -> Section | None:
    databases = topology.of_kind(Kind.DATABASE)
    if not databases:
        return None
    replicas = [d for d in databases if topology.is_replica(d)]
    paragraphs: list[str] = []
    if replicas:
        for replica_id in replicas:
            replica = topology.components[replica_id]
            assert isinstance(replica, Database) and replica.replica_of
            primary = topology.components[replica.replica_of]
            entry = software(primary.software)
            log = entry.replication_log if entry and entry.replication_log else "replication log"
            mode_name, mode_text = REPLICATION_MODES[replica.replication]
            paragraphs.append(
                f"{name(topology, replica.replica_of)} is the primary (the master) and {name(topology, replica_id)} "
                f"a replica (a slave) that copies it with {mode_name} replication. The primary records every change "
                f"in its {log}; the replica fetches that log and replays it, so it holds the same data. {mode_text}"
            )
    else:
        paragraphs.append(f"{names(topology, databases)} {verb(len(databases), 'have')} no replica: "
                          f"there is one copy of each database's data, and a failure loses access to it.")
    uses = application_view(topology)
    if replicas:
        paragraphs.append(
            "For the application, the primary and a replica are not the same: every write (INSERT, UPDATE, DELETE) "
            "must go to the primary; reads may go to either; a replica is read-only, and when the primary fails "
            "one is promoted to take the writes."
        )
    return Section("The " + noun(len(databases), "database") + (" and replication" if replicas else ""),
                   paragraphs=tuple(paragraphs), bullets=tuple(uses))


def application_view(topology: Topology) -> list[str]:
    """Who reads and writes which database, from the links; alike callers share a line."""
    by_use: dict[str, list[str]] = {}
    for source in topology.components:
        flows = [f for f in topology.flows_from.get(source, ()) if topology.kind(f.target) == Kind.DATABASE]
        if not flows:
            continue
        parts = []
        for flow in flows:
            database = topology.components[flow.target]
            assert isinstance(database, Database)
            role = database.role
            parts.append(f"{ACCESS_VERBS[flow.link.access or 'readwrite']} {name(topology, flow.target)} (the {role})")
        by_use.setdefault(sentence_list(parts), []).append(source)
    return [f"{names(topology, sources)} {use}." for use, sources in by_use.items()]
