"""The frozen topology of a design and the graph questions asked of it."""

from archdoc.model.failures import Capability, FailureAnalysis
from archdoc.model.topology import DnsRecord, Flow, Link, Topology

__all__ = ["Capability", "DnsRecord", "FailureAnalysis", "Flow", "Link", "Topology"]
