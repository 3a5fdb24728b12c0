"""The diagram's layout: alike servers drawn as one group, tiers, odd designs that must still draw."""

from __future__ import annotations

import os
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from archdoc.errors import RenderError
from archdoc.render.crossings import crossed_titles
from archdoc.render.diagram import diagram_source, render_diagram
from archdoc.render.layout import GROUP_AT, Layout
from archdoc.render.marks import Marks
from archdoc.render.report import MIN_SCALE, MM_PER_PX, diagram_page
from archdoc.render.svg_geometry import SVG
from archdoc.specfile import loads
from tests.conftest import ROOT, run


def web_farm(webs: int, unmonitored: tuple[int, ...] = ()) -> str:
    """A load balancer in front of ``webs`` alike web servers, all writing to one database."""
    lines = ["archdoc: 1", "title: Web farm", "components:", "  user: {kind: client}",
             "  lbs: {kind: server, ip: 10.0.0.1}",
             "  lb: {kind: load_balancer, software: haproxy, host: lbs}",
             "  dbs: {kind: server}", "  db: {kind: database, software: mysql, host: dbs}"]
    for i in range(1, webs + 1):
        lines += [f"  web-{i:02d}: {{kind: server, ip: 10.0.1.{i}}}",
                  f"  nginx-{i:02d}: {{kind: web_server, software: nginx, host: web-{i:02d}}}"]
        if i not in unmonitored:
            lines.append(f"  mon-{i:02d}: {{kind: monitoring, software: datadog, host: web-{i:02d}}}")
    nginx = ", ".join(f"nginx-{i:02d}" for i in range(1, webs + 1))
    lines += ["links:", "  - {from: user, to: lb, protocol: https}",
              f"  - {{from: lb, to: [{nginx}], protocol: http, port: 80}}",
              f"  - {{from: [{nginx}], to: db, protocol: mysql}}"]
    return "\n".join(lines) + "\n"


def test_alike_servers_are_drawn_once_with_their_count() -> None:
    topology = loads(web_farm(8, unmonitored=(3,)), "farm.yaml")
    marks = Marks(unmonitored=frozenset({"web-03"}))
    source = diagram_source(topology, marks=marks)
    assert "web-01 ... web-08 (x8)" in source
    assert "10.0.1.1 ... 10.0.1.8" in source
    assert "web-03: no monitoring" in source  # the member's finding, in the group's label
    assert "nginx-02" not in source and "cluster_srv_web-02" not in source
    assert source.count('lb -> "nginx-01"') == 1 and source.count('"nginx-01" -> db') == 1  # one arrow for eight


def test_expand_draws_every_server() -> None:
    source = diagram_source(loads(web_farm(8), "farm.yaml"), expand=True)
    assert "(x8)" not in source
    assert all(f"cluster_srv_web-{i:02d}" in source for i in range(1, 9))


def test_a_links_entry_drawn_as_many_arrows_is_labelled_once_with_their_count() -> None:
    # drawn every one, the balancer's eight arrows and the eight to the database would
    # each carry a label, and each label takes room: a mesh of 48 by 48 was 135,000 points tall
    source = diagram_source(loads(web_farm(8), "farm.yaml"), expand=True)
    assert source.count('"http:80 (8 links)"') == 1 and source.count('"mysql (8 links)"') == 1
    assert source.count('label="http:80') == 1 and source.count('label="mysql') == 1
    assert source.count('lb -> "nginx-') == 8  # every arrow still drawn
    few = diagram_source(loads(web_farm(GROUP_AT - 1), "farm.yaml"), expand=True)
    assert few.count('label="http:80"') == GROUP_AT - 1 and "links)" not in few


def test_every_source_to_every_target_goes_through_a_junction() -> None:
    # 8 web servers each to 8 application servers, drawn every one: 16 arrows, not 64
    nginx = ", ".join(f"nginx-{i:02d}" for i in range(1, 9))
    apps = ", ".join(f"app-{i}" for i in range(8))
    text = web_farm(8).replace("links:\n", "".join(f"  app-{i}: {{kind: app_server}}\n" for i in range(8)) + "links:\n")
    text += f"  - {{from: [{nginx}], to: [{apps}], protocol: http, port: 8000}}\n"
    source = diagram_source(loads(text, "mesh.yaml"), expand=True)
    assert source.count("shape=point") == 1
    assert source.count('-> "_links-3" ') == 8 and source.count('"_links-3" -> ') == 8
    assert source.count("arrowhead=none") == 8  # the arrows point at the targets, not at the junction
    assert source.count('label="http:8000 (64 links)"') == 1 and source.count('label="http:8000') == 1
    assert "_links" not in diagram_source(loads(text, "mesh.yaml"))  # grouped: one arrow from group to group


def test_an_entry_whose_targets_speak_different_protocols_is_no_junction() -> None:
    # protocol left out: each target speaks its own, and each arrow says which
    text = ("archdoc: 1\ntitle: Mixed\ncomponents:\n  user: {kind: client}\n"
            + "".join(f"  app-{i}: {{kind: app_server}}\n" for i in range(3))
            + "  pg: {kind: database, software: postgresql}\n  redis: {kind: cache, software: redis}\n"
            "  mc: {kind: cache, software: memcached}\nlinks:\n  - {from: user, to: [app-0, app-1, app-2]}\n"
            "  - {from: [app-0, app-1, app-2], to: [pg, redis, mc]}\n")
    source = diagram_source(loads(text, "mixed.yaml"))
    assert "_links" not in source
    assert source.count("label=postgresql") == 3 and source.count("label=redis") == 3
    assert source.count("label=memcached") == 3


def test_a_count_is_of_links_not_of_arrows() -> None:
    # eight alike web servers (one box) and four others behind one balancer: five arrows, twelve links
    nginx = ", ".join(f"nginx-{i:02d}" for i in range(1, 9))
    others = ", ".join(f"other-{i}" for i in range(4))
    text = web_farm(8).replace(f"to: [{nginx}]", f"to: [{nginx}, {others}]").replace(
        "links:\n", "".join(f"  other-{i}: {{kind: web_server, software: apache}}\n" for i in range(4)) + "links:\n")
    source = diagram_source(loads(text, "farm.yaml"))
    assert source.count("lb -> ") == 5 and source.count('label="http:80 (12 links)"') == 1


def test_fewer_alike_servers_than_the_threshold_are_drawn_each() -> None:
    source = diagram_source(loads(web_farm(GROUP_AT - 1), "farm.yaml"))
    assert "(x" not in source and f"cluster_srv_web-{GROUP_AT - 1:02d}" in source


def test_servers_linked_differently_are_not_grouped() -> None:
    text = web_farm(6).replace("  - {from: user, to: lb, protocol: https}",
                               "  - {from: user, to: lb, protocol: https}\n  - {from: nginx-06, to: lb, protocol: http}")
    groups = Layout(loads(text, "farm.yaml")).groups
    assert groups["web-01"].members == ("web-01", "web-02", "web-03", "web-04", "web-05")
    assert "web-06" not in groups


def test_many_gaps_in_a_group_are_counted_not_listed() -> None:
    topology = loads(web_farm(10, unmonitored=(2, 4, 6, 8, 9)), "farm.yaml")
    lines = Layout(topology, Marks(unmonitored=frozenset({"web-02", "web-04", "web-06", "web-08", "web-09"}))) \
        .group_lines("web-01")
    assert lines[-1] == "web-02, web-04, web-06 and 2 more: no monitoring"


def test_a_cluster_of_servers_draws(tmp_path: Path, write_spec: Callable[..., Path]) -> None:
    spec = write_spec("""
        archdoc: 1
        title: Cluster of servers
        components:
          user: {kind: client}
          s1: {kind: server, ip: 10.0.0.1}
          s2: {kind: server, ip: 10.0.0.2}
          pair: {kind: cluster, members: [s1, s2], mode: active_active}
        links:
          - {from: user, to: pair, protocol: http, port: 80}
    """)
    files = render_diagram(loads(spec.read_text(), str(spec)), tmp_path)
    assert files.png.stat().st_size > 1000 and "s2" in files.svg.read_text()


def test_labels_and_titles_over_16_kb_draw_cut_short(tmp_path: Path) -> None:
    long = "x" * 20_000
    text = (f'archdoc: 1\ntitle: "{"T" * 17_000}"\ncomponents:\n  user: {{kind: client, label: "{long}"}}\n'
            f'  web: {{kind: web_server, label: "{"a b " * 5000}"}}\n'
            f'links:\n  - {{from: user, to: web, protocol: http, label: "{"L" * 17_000}"}}\n')
    files = render_diagram(loads(text, "long.yaml"), tmp_path)
    svg = files.svg.read_text()
    assert "…" in svg and "x" * 20_000 not in svg


def test_code_points_xml_forbids_become_replacement_characters(tmp_path: Path) -> None:
    text = ('archdoc: 1\ntitle: "odd \\uFFFE title"\ncomponents:\n  user: {kind: client}\n'
            '  web: {kind: web_server, label: "bad \\uFFFE\\uFFFF here"}\n'
            'links:\n  - {from: user, to: web, protocol: http}\n')
    files = render_diagram(loads(text, "odd.yaml"), tmp_path)
    svg = files.svg.read_text()
    ET.fromstring(svg)  # well-formed XML
    assert "\ufffe" not in svg and "\uffff" not in svg and "bad \ufffd\ufffd here" in svg


def fake_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "dot").write_text(f"#!/usr/bin/env bash\n{script}\n")
    (folder / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


SMALL = "archdoc: 1\ntitle: t\ncomponents:\n  user: {kind: client}\n  web: {kind: web_server}\n" \
        "links:\n  - {from: user, to: web, protocol: http}\n"


@pytest.mark.parametrize(("script", "reason"), [
    ("echo 'Error: something broke' >&2; exit 1", "dot failed: Error: something broke"),
    ("exit 3", "dot failed: exit status 3"),
    ("kill -SEGV $$", "dot failed: killed by SIGSEGV"),
])
def test_a_failing_dot_always_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str,
                                       reason: str) -> None:
    fake_dot(tmp_path, monkeypatch, script)
    with pytest.raises(RenderError) as raised:
        render_diagram(loads(SMALL, "small.yaml"), tmp_path)
    assert str(raised.value) == reason


def test_dot_has_its_own_cpu_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dot left behind by a killed run stops by itself: its CPU time is limited to about the --timeout."""
    limit = tmp_path / "limit"
    fake_dot(tmp_path, monkeypatch, f"ulimit -t > {limit}; exit 1")
    with pytest.raises(RenderError):
        render_diagram(loads(SMALL, "small.yaml"), tmp_path, timeout=7)
    assert 7 <= int(limit.read_text()) <= 9


@pytest.mark.parametrize(("size", "page"), [
    ((1310, 983), None),  # the first example: on the first page, under its title
    ((1742, 1415), "A4 landscape"),
    ((2827, 1582), "A3 landscape"),
    ((1714, 2311), "A3 portrait"),
    ((2539, 2327), "A2 landscape"),
    ((3000, 30_000), "413mm 3985mm"),  # past A2: a page of its own size, the text at half size
])
def test_the_diagram_gets_a_page_where_its_text_stays_legible(size: tuple[int, int], page: str | None) -> None:
    chosen = diagram_page(*size)
    assert chosen.size == page
    if page is not None:
        assert chosen.width / (size[0] * MM_PER_PX) >= MIN_SCALE  # 13 pt text at 6.5 pt or more
        assert chosen.height / (size[1] * MM_PER_PX) >= MIN_SCALE


def test_a_large_design_is_drawn_grouped_on_a_page_of_its_own(tmp_path: Path) -> None:
    spec = tmp_path / "farm.yaml"
    spec.write_text(web_farm(30, unmonitored=(7,)))
    result = run("render", str(spec), "-o", str(tmp_path / "out"), "--formats", "pdf,png,svg")
    assert result.exit_code in (0, 1), result.output
    folder = tmp_path / "out" / "farm"
    svg = (folder / "diagram.svg").read_text().replace("&#45;", "-")
    assert "web-01 ... web-30 (x30)" in svg and "web-07: no monitoring" in svg
    width, height = struct.unpack(">II", (folder / "diagram.png").read_bytes()[16:24])
    assert width < 3000 and height < 3000  # thirty servers drawn as one group, not a column
    page = diagram_page(width, height)
    assert page.size is not None
    reader = PdfReader(folder / "report.pdf")
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert len(sizes) == 2  # A4 portrait, and the diagram's own page
    assert not [p for p in folder.iterdir() if p.name.startswith(".diagram")]  # the PDF's picture is gone


def test_a_certificate_held_for_a_component_on_a_server_is_drawn(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "archdoc: 1\ntitle: t\ncomponents:\n  user: {kind: client}\n  srv: {kind: server}\n"
        "  nginx: {kind: web_server, host: srv}\n  cert: {kind: certificate, domain: www.example.com, for: nginx}\n"
        "links:\n  - {from: user, to: nginx, protocol: https}\n")
    assert run("render", str(tmp_path / "c.yaml"), "-o", str(tmp_path / "out"), "--formats", "svg").exit_code == 0
    svg = (tmp_path / "out" / "c" / "diagram.svg").read_text()
    assert "TLS cert for" in svg and "www.example.com" in svg


def test_an_arrow_across_a_box_title_is_found() -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><g id="c-web" class="cluster">'
           '<path d="M0,-200C0,-200 300,-200 300,-200 300,0 0,0 0,-200"/>'
           '<text text-anchor="middle" x="150" y="-180" font-size="17">web-01</text></g>'
           '<g id="e1" class="edge"><path d="M-50,-185C50,-185 250,-185 350,-185"/></g>'
           '<g id="e2" class="edge"><path d="M-50,-20C50,-20 250,-20 350,-20"/></g></svg>')
    assert crossed_titles(svg) == {"c-web": 1}  # the arrow at its head, not the one below


def test_no_arrow_crosses_a_box_title_in_the_course_task_2(tmp_path: Path) -> None:
    """dot drew the write path and the replication through "web-01 ... SINGLE POINT OF
    FAILURE"; that box is laid out again with its title at its foot."""
    spec = ROOT / "specs" / "2-secured_and_monitored_web_infrastructure.yaml"
    assert run("render", str(spec), "-o", str(tmp_path), "--formats", "svg").exit_code == 0
    svg = (tmp_path / spec.stem / "diagram.svg").read_text()
    assert not crossed_titles(svg)
    web_01 = next(g for g in ET.fromstring(svg).iter(f"{{{SVG}}}g") if g.get("id") == "c-web-01")
    box_ys = [float(y) for y in re.findall(r"-?[\d.]+,(-?[\d.]+)", web_01.find(f"{{{SVG}}}path").get("d"))]
    assert float(web_01.find(f"{{{SVG}}}text").get("y")) > (min(box_ys) + max(box_ys)) / 2  # its title at its foot
