"""`archdoc fix` on every valid spec: the examples, the rule cases and generated designs.

Whatever the design, the spec fix writes is one that the loader accepts (no anchor, no
alias, every id of the id pattern) and that has no finding the original did not have.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archdoc.fix import fix_spec
from archdoc.model.components import ID_PATTERN
from tests.conftest import SPECS
from tests.test_fix import rule_case_specs

ID = re.compile(ID_PATTERN)


def assert_fixed_well(text: str) -> None:
    fixed = fix_spec(text, "design.yaml")
    assert fixed.introduced == [], fixed.text
    assert not [n for n in fixed.not_fixed if n.bug], "\n".join(map(str, fixed.not_fixed)) + "\n" + text
    assert not [e for e in yaml.parse(fixed.text) if getattr(e, "anchor", None)], fixed.text  # no anchor, no alias
    assert all(ID.fullmatch(component) for component in fixed.after.topology.components)
    before = {(f.rule, f.component) for f in fixed.before.findings}
    for finding in fixed.after.findings:  # what is left was there, on the original or the one copied
        assert (finding.rule, fixed.origin(finding.component)) in before


@pytest.mark.parametrize("example", sorted(SPECS.glob("[0-3]-*.yaml")), ids=lambda p: p.stem)
def test_fix_on_the_examples(example: Any) -> None:
    assert_fixed_well(example.read_text())


@pytest.mark.parametrize(("name", "text"), rule_case_specs(), ids=[n for n, _ in rule_case_specs()])
def test_fix_on_the_rule_cases(name: str, text: str) -> None:
    assert_fixed_well(text)


def flow(fields: dict[str, Any]) -> str:
    def value(v: Any) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(v) + "]"
        return "true" if v is True else str(v)
    return "{" + ", ".join(f"{k}: {value(v)}" for k, v in fields.items()) + "}"


@st.composite
def designs(draw: st.DrawFn) -> str:
    """A small valid design: servers running web, application, database and cache tiers,
    maybe load balancers (1-3 backends, paired or not), replicas, clusters, firewalls in
    the links or protecting servers, monitoring agents, certificates, http or https, a
    few comments inside flow mappings."""
    components: dict[str, dict[str, Any]] = {"user": {"kind": "client"}}
    links: list[dict[str, Any]] = []
    servers = [f"srv-{i}" for i in range(draw(st.integers(1, 4)))]
    tiers: dict[str, list[str]] = {"web_server": [], "app_server": [], "database": [], "cache": []}
    for number, server in enumerate(servers):
        fields: dict[str, Any] = {"kind": "server"}
        if draw(st.booleans()):
            fields.update({"ip": f"203.0.113.{number + 1}", "public": True})
        components[server] = fields
        roles = draw(st.lists(st.sampled_from(list(tiers)), min_size=1, max_size=3, unique=True))
        for role in roles:
            component = f"{role.split('_')[0]}-{number}"
            components[component] = {"kind": role, "host": server}
            if role in ("web_server", "app_server") and draw(st.integers(0, 5)) == 0:  # a unit of its own
                del components[component]["host"]
            tiers[role].append(component)
        if "app_server" in roles and draw(st.booleans()):
            components[f"code-{number}"] = {"kind": "app_files", "host": server}
    if not tiers["web_server"] and not tiers["app_server"]:
        components["web-x"] = {"kind": "web_server", "host": servers[0]}
        tiers["web_server"].append("web-x")
    front = tiers["web_server"] or tiers["app_server"]
    https = draw(st.booleans())
    protocol = "https" if https else "http"

    entry: list[str] = front
    if draw(st.booleans()):  # load balancers
        pair = draw(st.booleans())
        hosted = draw(st.sampled_from(["own", "shared", "none"]))
        balancers = []
        for i in range(2 if pair else 1):
            balancer = f"lb-{i}"
            fields = {"kind": "load_balancer", "software": "haproxy"}
            if hosted == "own":
                components[f"lbs-{i}"] = {"kind": "server"}
                fields["host"] = f"lbs-{i}"
            elif hosted == "shared":
                fields["host"] = servers[i % len(servers)]
            components[balancer] = fields
            balancers.append(balancer)
        backends = draw(st.lists(st.sampled_from(front), min_size=1, max_size=3, unique=True))
        links.append({"from": balancers if pair else balancers[0], "to": backends if len(backends) > 1 else backends[0],
                      "protocol": draw(st.sampled_from(["http", "https"]))})
        spare = [b for b in front if b not in backends]
        if spare and draw(st.booleans()):
            links.append({"from": balancers, "to": spare[0], "protocol": "http", "backup": True})
        entry = balancers
        if pair:
            components["lbs"] = {"kind": "cluster", "members": balancers, "mode": "active_passive"}
            entry = ["lbs"]
        if https and draw(st.booleans()):
            components["cert"] = {"kind": "certificate", "domain": "example.com", "for": entry[0]}
        if hosted == "none" and draw(st.booleans()):
            components["mon-lb"] = {"kind": "monitoring", "for": balancers}
    elif len(front) > 1 and draw(st.booleans()):  # a cluster of the front tier
        components["front"] = {"kind": "cluster", "members": front, "mode": "active_active"}
        entry = ["front"]
    if draw(st.booleans()):  # a firewall in the links
        components["fw"] = {"kind": "firewall"}
        links.insert(0, {"from": "user", "to": "fw", "protocol": protocol})
        links.insert(1, {"from": "fw", "to": entry if len(entry) > 1 else entry[0], "protocol": protocol})
    else:
        links.insert(0, {"from": "user", "to": entry if len(entry) > 1 else entry[0], "protocol": protocol})
    if tiers["web_server"] and tiers["app_server"]:
        links.append({"from": tiers["web_server"], "to": tiers["app_server"], "protocol": "http"})
    callers = tiers["app_server"] or tiers["web_server"]
    databases = tiers["database"]
    if databases:
        primary = databases[0]
        if len(databases) > 1 and draw(st.booleans()):  # the others replicate it
            for replica in databases[1:]:
                components[replica].update({"role": "replica", "replica_of": primary})
            links.append({"from": callers, "to": primary, "protocol": "tcp", "access": "write"})
            reads = draw(st.sampled_from(["read", "readwrite"]))  # readwrite: writes to a replica
            links.append({"from": callers, "to": databases[1:], "protocol": "tcp", "access": reads})
        elif len(databases) > 1 and draw(st.booleans()):
            components["dbs"] = {"kind": "cluster", "members": databases, "mode": "active_passive"}
            links.append({"from": callers, "to": "dbs", "protocol": "tcp"})
        else:
            links.append({"from": callers, "to": databases, "protocol": "tcp"})
        if draw(st.integers(0, 4)) == 0:  # clients straight to the database
            links.insert(0, {"from": "user", "to": primary, "protocol": "tcp", "tls": True})
    if tiers["cache"]:
        links.append({"from": callers, "to": tiers["cache"], "protocol": "redis"})
    if draw(st.integers(0, 4)) == 0:  # a second kind of client
        components["api"] = {"kind": "client"}
        links.insert(0, {"from": "api", "to": entry if len(entry) > 1 else entry[0], "protocol": "https"})
    protected = draw(st.lists(st.sampled_from(servers), max_size=len(servers), unique=True))
    if protected:
        components["fw-servers"] = {"kind": "firewall", "protects": protected}
    if draw(st.booleans()):
        components["ufw"] = {"kind": "firewall", "host": draw(st.sampled_from(servers))}
    if https and draw(st.booleans()):
        components["cert-host"] = {"kind": "certificate", "host": draw(st.sampled_from(servers))}
    for server in draw(st.lists(st.sampled_from(servers), max_size=len(servers), unique=True)):
        components[f"mon-{server}"] = {"kind": "monitoring", "software": "datadog", "host": server}
    lines = ["archdoc: 1", "title: generated", "domain: example.com"]
    if draw(st.booleans()):
        named = [e for e in entry if components[e]["kind"] in ("load_balancer", "cluster")] + servers
        lines.append(f"dns: [{{name: www, type: A, to: {draw(st.sampled_from(named))}}}]")
    lines.append("components:")
    lines += [f"  {component}: {flow(fields)}" for component, fields in components.items()]
    lines.append("links:")
    lines += [f"  - {flow({k: v if not isinstance(v, list) or len(v) > 1 else v[0] for k, v in link.items()})}"
              for link in links]
    text = "\n".join(lines) + "\n"
    spots = [m.end() for m in re.finditer(r"\{|, ", text)]
    for at in sorted(draw(st.lists(st.sampled_from(spots), max_size=3, unique=True)), reverse=True):
        text = text[:at] + "# a note\n      " + text[at:]  # a comment between flow-style keys
    return text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_fix_on_generated_designs(text: str) -> None:
    assert_fixed_well(text)


def test_the_generator_writes_valid_designs() -> None:
    """The strategy itself: its designs are valid (else the test above proves nothing)."""
    from archdoc.fix import analyse_text

    @settings(max_examples=20, deadline=None)
    @given(designs())
    def valid(text: str) -> None:
        analyse_text(text, "design.yaml")

    valid()

