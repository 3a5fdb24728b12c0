"""Specs whose shape, not size, once broke a step: a long chain of replicas or of firewall
hops, many components sharing a label, repeated ids in a list, a drawing past a million
points. How long they take is bench/odd_shapes.py's to say; here, that the answers are right."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from archdoc.explain.design import hops_between
from archdoc.model.components import Firewall, Monitoring
from archdoc.render.diagram import inline_icons
from archdoc.render.interactive import check_svg
from archdoc.specfile import loads
from tests.conftest import run

HEADER = "archdoc: 1\ntitle: Odd shape\ncomponents:\n"


def test_a_long_chain_of_replicas_is_checked_and_a_cycle_at_its_end_found_once() -> None:
    chain = "".join(f"  db{i}: {{kind: database, role: replica, replica_of: db{i - 1}}}\n" for i in range(1, 3000))
    text = HEADER + "  db0: {kind: database, role: replica, replica_of: db2999}\n" + chain
    said = _check(text)
    assert said.count("replica_of goes round in a cycle") == 1
    assert "(db0 -> db2999 -> db2998 -> db2997 -> db2996 -> ... 2,994 more -> db1 -> db0)" in said


def test_a_long_chain_of_firewall_hops_is_walked_without_recursion() -> None:
    count = 3000  # past Python's recursion limit
    text = (HEADER + "  u: {kind: client}\n  web: {kind: web_server}\n"
            + "".join(f"  f{i}: {{kind: firewall}}\n" for i in range(count))
            + "links:\n  - {from: u, to: f0}\n" + "".join(f"  - {{from: f{i}, to: f{i + 1}}}\n" for i in range(count - 1))
            + f"  - {{from: f{count - 1}, to: web}}\n")
    assert hops_between(loads(text, "hops.yaml"), "u", "web") == [f"f{i}" for i in range(count)]


def test_hops_take_the_first_firewall_that_leads_on_and_no_other() -> None:
    text = (HEADER + "  u: {kind: client}\n  web: {kind: web_server}\n  other: {kind: web_server}\n"
            "  dead: {kind: firewall}\n  f1: {kind: firewall}\n  f2: {kind: firewall}\n"
            "links:\n  - {from: u, to: [dead, f1]}\n  - {from: dead, to: other}\n  - {from: f1, to: f2}\n"
            "  - {from: f2, to: web}\n")
    topology = loads(text, "hops.yaml")
    assert hops_between(topology, "u", "web") == ["f1", "f2"]
    assert hops_between(topology, "u", "other") == ["dead"]
    assert hops_between(topology, "u", "f2") == []  # a firewall is no target beyond a hop


def test_a_label_shared_by_many_names_a_few_of_the_others() -> None:
    text = HEADER + "".join(f"  w{i}: {{kind: web_server, label: web}}\n" for i in range(9))
    warnings = [w.message for w in loads(text, "labels.yaml").warnings]
    assert len(warnings) == 9
    assert "w0 has the label 'web', as w1, w2, w3, w4, w5 and 3 more do" in warnings[0]
    assert "w4 has the label 'web', as w0, w1, w2, w3, w5 and 3 more do" in warnings[4]


def test_an_id_listed_twice_in_protects_or_for_is_warned_of_and_counted_once() -> None:
    text = (HEADER + "  u: {kind: client}\n  s1: {kind: server}\n  s2: {kind: server}\n"
            "  w: {kind: web_server, host: s1}\n  f: {kind: firewall, protects: [s1, s2, s1]}\n"
            "  m: {kind: monitoring, for: [u, u]}\nlinks:\n  - {from: u, to: w}\n")
    topology = loads(text, "dup.yaml")
    assert [(w.line, w.column) for w in topology.warnings] == [(8, 42), (9, 34)]
    assert "'s1' is listed twice in f's protects; list it once" in topology.warnings[0].message
    firewall, agent = topology.components["f"], topology.components["m"]
    assert isinstance(firewall, Firewall) and isinstance(agent, Monitoring)
    assert firewall.protects == ["s1", "s2"]  # the report says "protects s1 and s2"
    assert agent.for_ == ["u"]


def test_a_drawing_past_a_million_points_keeps_its_icons_and_passes_the_allow_list() -> None:
    # dot writes coordinates past a million points in exponent notation
    from archdoc.render.diagram import ICON_ROOT

    icon = next(ICON_ROOT.rglob("*.png"))
    svg = ('<svg width="100pt" height="1.8e+06pt" viewBox="0.00 0.00 100.00 1.8e+06" '
           'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           f'<image xlink:href="{icon}" width="101px" height="101px" preserveAspectRatio="xMinYMin meet" '
           'x="94.5" y="-1.79989e+06"/></svg>')
    inlined = inline_icons(svg)
    assert "<image xlink:href=\"/" not in inlined and 'y="-1.79989e+06"' in inlined
    check_svg(ET.fromstring('<svg xmlns="http://www.w3.org/2000/svg"><text x="1.5e+06" y="-2e+06">x</text>'
                            '<path d="M1.2e+06,3 C4,5 6,7 8,9"/><g transform="translate(4 1.8e+06)"/></svg>'))


def _check(text: str) -> str:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "odd.yaml"
        spec.write_text(text, encoding="utf-8")
        result = run("check", str(spec))
    return result.stderr
