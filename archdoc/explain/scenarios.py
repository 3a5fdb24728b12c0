"""Failure scenarios in words: what the clients keep and lose when parts fail."""

from __future__ import annotations

from collections.abc import Iterable

from archdoc.model import Capability, Topology
from archdoc.model.availability import can_do, components_down
from archdoc.specfile.messages import did_you_mean
from archdoc.wording import sentence_list, verb


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
    fail = verb(len(failed), "fail")
    still = f"the clients can still {sentence_list([c.action for c in kept])}" if kept else ""
    gone = f"can no longer {sentence_list([c.action for c in lost], 'or')}" if lost else ""
    if still and gone:
        return f"If {who} {fail}, {still}; they {gone}."
    if gone:
        return f"If {who} {fail}, the clients {gone}."
    if still:
        return f"If {who} {fail}, {still}: nothing is lost."
    return f"If {who} {fail}, nothing changes: the design did nothing for the clients to begin with."


class UnknownIds(Exception):
    """Ids asked to fail that the design does not have (or none at all)."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


def whatif_sentence(topology: Topology, failed: list[str]) -> str:
    """The sentence of ``archdoc whatif``; raises UnknownIds naming each id the design lacks."""
    unknown = [i for i in failed if i not in topology.components]
    if unknown or not failed:
        raise UnknownIds([f"unknown id '{i}'{did_you_mean(i, topology.components)}" for i in unknown])
    return scenario_sentence(topology, failed)
