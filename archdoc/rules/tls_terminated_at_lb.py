from __future__ import annotations

from collections.abc import Iterator

from archdoc.model.kinds import Kind
from archdoc.rules.base import Category, Context, Finding, Rule, Severity, unique
from archdoc.wording import sentence_list


class TlsTerminatedAtLb(Rule):
    """A load balancer receives encrypted traffic and forwards it unencrypted.

    Why it matters:
        TLS ends at the load balancer, so the leg from it to the backends is plain
        text: anyone inside the network (another tenant, a compromised machine) can
        read or alter the requests, passwords and cookies included.
    How to fix:
        Re-encrypt to the backends (HAProxy `server ... ssl`, backend links with
        `tls: true` or `protocol: https`), or pass TLS through to servers that hold
        the certificate.
    Bad:
        archdoc: 1
        title: TLS ends at the load balancer
        components:
          user: {kind: client}
          lb: {kind: load_balancer}
          web-1: {kind: web_server}
          web-2: {kind: web_server}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: [web-1, web-2], protocol: http}
    Good:
        archdoc: 1
        title: Encrypted to the backends
        components:
          user: {kind: client}
          lb: {kind: load_balancer}
          web-1: {kind: web_server}
          web-2: {kind: web_server}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: [web-1, web-2], protocol: https}
    """

    id = "tls-terminated-at-lb"
    name = "TLS terminated at the load balancer"
    category = Category.SECURITY
    severity = Severity.MEDIUM

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        for lb in topology.of_kind(Kind.LOAD_BALANCER):
            encrypted_in = any(f.link.encrypted for f in topology.flows_into.get(lb, ()))
            # a firewall hop is seen through to the backends behind it, which receive the plain text
            plain_out = list(unique(t for f in topology.flows_from.get(lb, ()) if not f.link.encrypted
                                    for t in topology.beyond_firewalls(f.target)))
            if encrypted_in and plain_out:
                yield self.finding(
                    lb,
                    f"{lb} receives encrypted traffic and forwards it unencrypted to "
                    f"{sentence_list(plain_out)}.",
                    related=plain_out,
                )
