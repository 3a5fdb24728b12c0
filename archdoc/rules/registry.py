"""The rule catalogue: every rule archdoc runs, listed once, in report order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from archdoc.rules.balancer_to_data import BalancerToData
from archdoc.rules.base import Rule
from archdoc.rules.cannot_scale import CannotScale
from archdoc.rules.colocated_tiers import ColocatedTiers
from archdoc.rules.database_exposed import DatabaseExposed
from archdoc.rules.maintenance_downtime import MaintenanceDowntime
from archdoc.rules.missing_certificate import MissingCertificate
from archdoc.rules.no_firewall import NoFirewall
from archdoc.rules.no_https import NoHttps
from archdoc.rules.no_monitoring import NoMonitoring
from archdoc.rules.single_writer import SingleWriter
from archdoc.rules.split_data import SplitData
from archdoc.rules.spof import Spof
from archdoc.rules.tls_terminated_at_lb import TlsTerminatedAtLb
from archdoc.rules.unreachable import Unreachable
from archdoc.rules.write_to_replica import WriteToReplica


def make_registry(rules: Iterable[type[Rule]]) -> Mapping[str, type[Rule]]:
    """Rule id -> rule class, in the given order; refuses two rules with one id."""
    registry: dict[str, type[Rule]] = {}
    for rule in rules:
        if rule.id in registry:
            raise ValueError(f"two rules have the id {rule.id!r}: {registry[rule.id].__name__} and {rule.__name__}")
        rule.doc()  # fails at import when a docstring lacks a section
        registry[rule.id] = rule
    return MappingProxyType(registry)


RULES = make_registry([
    Spof,
    SingleWriter,
    WriteToReplica,
    SplitData,
    MaintenanceDowntime,
    CannotScale,
    ColocatedTiers,
    NoFirewall,
    NoHttps,
    TlsTerminatedAtLb,
    MissingCertificate,
    DatabaseExposed,
    NoMonitoring,
    Unreachable,
    BalancerToData,
])
