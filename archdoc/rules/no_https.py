from __future__ import annotations

from collections.abc import Iterator

from archdoc.rules.base import Category, Context, Finding, Rule, Severity


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
        protocols: dict[str, str] = {}  # each target, and the protocol of its first plain flow
        for flow in context.topology.client_flows:
            if not flow.link.encrypted:
                protocols.setdefault(flow.target, flow.link.protocol)
        for target, protocol in protocols.items():
            yield self.finding(
                target,
                f"Users reach {target} over {protocol}, unencrypted: their traffic can be read "
                f"and changed on the way.",
            )
