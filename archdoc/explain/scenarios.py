"""Failure scenarios in words: what the clients keep and lose when parts fail."""

from __future__ import annotations

from collections.abc import Iterable

from archdoc.model import Capability, Topology
from archdoc.model.availability import can_do, components_down
from archdoc.rules.base import sentence_list


def lost_and_kept(topology: Topology, failed: Iterable[str]) -> tuple[list[Capability], list[Capability]]:
    """What the design can do with everything up that these failures take away, and keep."""
    failed = list(failed)
    everything = can_do(topology, frozenset())
    left = can_do(topology, components_down(topology, failed))
    return [c for c in Capability if c in everything and c not in left], [c for c in Capability if c in left]


def scenario_sentence(topology: Topology, failed: Iterable[str]) -> str:
    """'If web-01 fails, the clients can still serve requests and read data; they can no
    longer write data.'"""
    failed = list(failed)
    lost, kept = lost_and_kept(topology, failed)
    who = sentence_list(failed)
    verb = "fails" if len(failed) == 1 else "fail"
    still = f"the clients can still {sentence_list([c.action for c in kept])}" if kept else ""
    gone = f"can no longer {sentence_list([c.action for c in lost], 'or')}" if lost else ""
    if still and gone:
        return f"If {who} {verb}, {still}; they {gone}."
    if gone:
        return f"If {who} {verb}, the clients {gone}."
    if still:
        return f"If {who} {verb}, {still}: nothing is lost."
    return f"If {who} {verb}, nothing changes: the design did nothing for the clients to begin with."
