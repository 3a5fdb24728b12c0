from __future__ import annotations

from collections.abc import Iterator

from archdoc.rules.base import Category, Context, Finding, Rule, Severity, unique


class MissingCertificate(Rule):
    """Users connect over TLS to a component that holds no certificate.

    Why it matters:
        TLS needs a certificate for the site's domain where the connection ends: it
        proves to the browser that it talks to the real site. Without one the
        browser stops the user with a warning, or the design is incomplete.
    How to fix:
        Add a `certificate` for the domain on the server where TLS ends (`host`), or
        `for` the component or the cluster that users connect to.
    Bad:
        archdoc: 1
        title: HTTPS without a certificate
        components:
          user: {kind: client}
          lb: {kind: load_balancer}
          web: {kind: web_server}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: web, protocol: https}
    Good:
        archdoc: 1
        title: HTTPS with a certificate
        components:
          user: {kind: client}
          lb: {kind: load_balancer}
          web: {kind: web_server}
          cert: {kind: certificate, domain: www.example.com, issuer: "Let's Encrypt", for: lb}
        links:
          - {from: user, to: lb, protocol: https}
          - {from: lb, to: web, protocol: https}
    """

    id = "missing-certificate"
    name = "Missing certificate"
    category = Category.SECURITY
    severity = Severity.MEDIUM

    def check(self, context: Context) -> Iterator[Finding]:
        topology = context.topology
        for target in unique(f.target for f in topology.client_flows if f.link.encrypted):
            if not topology.has_certificate(target):
                yield self.finding(
                    target,
                    f"Users connect to {target} over TLS, but no certificate is installed on it, "
                    f"its server or its cluster.",
                )
