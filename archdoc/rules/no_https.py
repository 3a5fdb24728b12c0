from __future__ import annotations

from collections.abc import Iterator

from archdoc.rules.base import Category, Context, Finding, Rule, Severity, unique


class NoHttps(Rule):
    """Users reach the site over an unencrypted link.

    Why it matters:
        Plain HTTP travels as readable text: anyone on the path (public Wi-Fi, an
        ISP, a compromised router) can read passwords and cookies, and change pages
        on their way. Browsers also mark such sites "Not secure".
    How to fix:
        Serve the site over HTTPS: install a TLS certificate for the domain (Let's
        Encrypt issues them for free), make the client link `protocol: https`, port
        443, and redirect port 80 to it.
    Bad:
        archdoc: 1
        title: Plain HTTP
        components:
          user: {kind: client}
          web: {kind: web_server}
        links:
          - {from: user, to: web, protocol: http, port: 80}
    Good:
        archdoc: 1
        title: HTTPS
        components:
          user: {kind: client}
          web: {kind: web_server}
          cert: {kind: certificate, domain: www.example.com, for: web}
        links:
          - {from: user, to: web, protocol: https, port: 443}
    """

    id = "no-https"
    name = "No HTTPS"
    category = Category.SECURITY
    severity = Severity.HIGH

    def check(self, context: Context) -> Iterator[Finding]:
        flows = context.topology.client_flows
        for target in unique(f.target for f in flows if not f.link.encrypted):
            protocol = next(f.link.protocol for f in flows if f.target == target and not f.link.encrypted)
            yield self.finding(
                target,
                f"Users reach {target} over {protocol}, unencrypted: their traffic can be read "
                f"and changed on the way.",
            )
