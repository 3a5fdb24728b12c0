"""The Mermaid export: diagram.mmd, and report.md's ```mermaid block (--md-diagram mermaid).

What Mermaid draws is checked by Mermaid itself: its own CLI (tests/tools/mermaid, set
up by scripts/bootstrap) renders, in one launch, the diagram.mmd of every example and
of hostile and odd designs; each SVG must hold one node per component drawn, every
label's text, and nothing active (no script, link, image or event handler).
"""

from __future__ import annotations

import html
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from archdoc.render.diagram import diagram_source_and_size
from archdoc.render.mermaid import RESERVED, WORD_JOINER, Flowchart, Ids, flowchart, mermaid_text
from archdoc.render.scene import Scene
from archdoc.render.text import MAX_TEXT, drawn_text
from archdoc.rules import analyse
from archdoc.run.job import DEFAULT_FORMATS, FILES, diagram_marks
from archdoc.specfile import load_spec, loads
from tests.conftest import ROOT, SPECS, run
from tests.test_layout import web_farm

MERMAID_CLI = ROOT / "tests" / "tools" / "mermaid"
MMDC = MERMAID_CLI / "node_modules" / ".bin" / "mmdc"

HOSTILE = r"""archdoc: 1
title: "Evil ``` %%{init: {'theme':'dark'}}%% <img src=x onerror=alert(1)>"
domain: foobar.com
dns:
  - {name: www, type: A, to: end}
components:
  user:   {kind: client, label: "User (browser) \"quoted\" [x] {y} #hash; semi; end"}
  end:    {kind: server, ip: 8.8.8.8, public: true, label: "end"}
  graph:  {kind: web_server, software: nginx, host: end, label: "nginx (web) <script>alert(1)</script>"}
  style:  {kind: app_server, host: end, label: "click style href \"javascript:alert(1)\""}
  class:  {kind: database, software: mysql, host: end,
           label: "```\n%%{init: {\"securityLevel\": \"loose\"}}%%\nclick class href \"javascript:alert(1)\""}
  click:  {kind: database, software: mysql, role: replica, replica_of: class, host: end,
           label: "**bold** _it_ `code` [link](https://x.org) direction TB <br> &amp;"}
  v:      {kind: cache, software: redis, label: "Ünïcödé ✓ — «guillemets» &amp; &lt; #quot; #35; \\n"}
  o:      {kind: monitoring, host: end, to: "grafana; end; subgraph x"}
  x:      {kind: certificate, for: graph, domain: www.foobar.com}
  web-1:  {kind: firewall, protects: [end], label: "a-->b ; c -.-> d ==> e |f| @g"}
  web_1:  {kind: load_balancer, label: "style:a#35;b; classDef x fill:#f00;"}
  default: {kind: app_files, host: end, label: "%% comment"}
  subgraph: {kind: client, label: "\u202Eevil\u202C zero\u200Bwidth"}
  long:   {kind: client, label: "LONG"}
links:
  - {from: user, to: graph, protocol: http, port: 80, label: "GET /a?b=1&c=\"2\" (x) ; end"}
  - {from: subgraph, to: web_1, protocol: https}
  - {from: long, to: web_1, protocol: https}
  - {from: web_1, to: graph, protocol: http}
  - {from: graph, to: style, protocol: http, label: "end"}
  - {from: style, to: class, access: write}
  - {from: style, to: click, access: read}
  - {from: style, to: v}
""".replace("LONG", "(long) " * 60)

# Ids Mermaid reads as words of its own, one-letter arrow heads, ids starting with digits,
# and two spec ids that meet in one Mermaid id
ODD_IDS = """archdoc: 1
title: Odd ids
components:
  "1":       {kind: client}
  2-lb:      {kind: load_balancer}
  flowchart: {kind: server}
  direction: {kind: web_server, host: flowchart}
  call:      {kind: web_server, host: flowchart}
  href:      {kind: app_server}
  a-b:       {kind: database, software: postgresql}
  a_b:       {kind: database, software: postgresql, role: replica, replica_of: a-b}
  a_b_2:     {kind: cache}
  interpolate: {kind: server}
  linkstyle: {kind: server}
  classdef:  {kind: server}
  pair:      {kind: cluster, members: [direction, call], mode: active_active}
  constructor: {kind: web_server}
links:
  - {from: "1", to: 2-lb, protocol: https}
  - {from: 2-lb, to: constructor}
  - {from: 2-lb, to: pair}
  - {from: [direction, call], to: href}
  - {from: href, to: a-b, access: write}
  - {from: href, to: a_b, access: read}
  - {from: href, to: a_b_2}
"""


def drawn(text: str, name: str, direction: str = "LR", expand: bool = False) -> Flowchart:
    topology = loads(text, name)
    return flowchart(topology, direction, diagram_marks(analyse(topology)), expand)


def decoded(label: str) -> str:
    """A label as Mermaid shows it: its entity codes turned back into characters."""
    return html.unescape(re.sub(r"#(\d+);", r"&#\1;", label))


# --- the text: nothing in a label can be read as Mermaid, Markdown or HTML ------------------------
def test_specials_are_entity_codes_and_letters_stay() -> None:
    assert mermaid_text('a "b" #c; 50%') == "a #34;b#34; #35;c#59; 50#37;"
    assert mermaid_text("<img onerror=x>`") == "#60;img onerror#61;x#62;#96;"
    assert mermaid_text("Ünïcödé — ✓ 日本") == "Ünïcödé — ✓ 日本"
    assert mermaid_text("flow direction TB") == "flow direction#32;TB"  # Mermaid reads 'direction TB' anywhere
    assert mermaid_text("\u202eevil") == "\ufffdevil"  # a bidirectional override is replaced, as everywhere
    assert mermaid_text("a\u200db") == "a#8205;b"  # other format characters are never written raw
    assert mermaid_text("C:\\new") == "C#58;#92;#8288;new"  # Mermaid reads a backslash and n as a line break
    assert mermaid_text("a\n\n b") == "a b"
    assert mermaid_text("x" * 500).endswith("…") and len(drawn_text("x" * 500)) == MAX_TEXT


# Every line Mermaid reads from archdoc: a statement archdoc writes, labels quoted and made of
# safe characters and entity codes alone
_LABEL = r'"(?:[^"#`%;:<>\[\]{}()|&\\]|#\d+;|<br>)*"'
_ID = r"[A-Za-z0-9_]+"
_STATEMENTS = re.compile("|".join([
    r"flowchart (?:LR|TB|RL|BT)",
    rf" *subgraph {_ID} \[{_LABEL}\]",
    r" *end",
    rf" *{_ID}(?:\[|\(\[|\[\(|\{{\{{|\[/|>){_LABEL}(?:\]|\]\)|\)\]|\}}\}}|/\])",
    rf"  {_ID} (?:-->|==>|-\.->)(?:\|{_LABEL}\|)? {_ID}",
    r"  classDef [A-Za-z]+ [a-z:#0-9A-F,. -]+",
    rf"  class {_ID}(?:,{_ID})* [A-Za-z]+",
    r"  linkStyle \d+(?:,\d+)* [a-z:#0-9A-F,. -]+",
]))


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_a_hostile_design_gives_only_statements_archdoc_writes(direction: str) -> None:
    chart = drawn(HOSTILE, "hostile.yaml", direction)
    for line in chart.text.splitlines():
        assert _STATEMENTS.fullmatch(line), line
    assert "`" not in chart.text and "%%" not in chart.text and "<img" not in chart.text
    assert chart.text.startswith(f"flowchart {direction}\n")
    # and every label says what the spec says
    topology = loads(HOSTILE, "hostile.yaml")
    shown = {decoded(line) for quoted in re.findall(r'"([^"]*)"', chart.text) for line in quoted.split("<br>")}
    assert drawn_text(topology.label("class")) in shown
    assert drawn_text(topology.label("user")) in shown
    assert 'click style href "javascript:alert(1)"' in shown
    assert drawn_text(topology.label("long")) in shown and len(drawn_text(topology.label("long"))) == MAX_TEXT


def test_ids_come_from_the_spec_made_safe_unique_and_stable() -> None:
    ids = Ids(["web-1", "web_1", "end", "graph", "1", "a-b", "a_b", "a_b_2", "_dns"])
    assert ids.of == {"web-1": "web_1", "web_1": "web_1_2", "end": "end_", "graph": "graph_", "1": "1",
                      "a-b": "a_b", "a_b": "a_b_2", "a_b_2": "a_b_2_2", "_dns": "_dns"}
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", i) and i.lower() not in RESERVED for i in ids.of.values())
    assert drawn(ODD_IDS, "odd.yaml").text == drawn(ODD_IDS, "odd.yaml").text


def test_mermaid_draws_what_graphviz_draws() -> None:
    """One scene, two renderers: the same nodes (a bare server's box is its node), the same arrows."""
    designs = [(p.read_text(encoding="utf-8"), p.name) for p in sorted(SPECS.glob("*.yaml"))]
    for text, name in [*designs, (HOSTILE, "hostile.yaml"), (ODD_IDS, "odd.yaml"), (web_farm(50, (7,)), "farm")]:
        topology = loads(text, name)
        marks = diagram_marks(analyse(topology))
        chart = flowchart(topology, "LR", marks)
        scene = Scene(topology, marks)
        drawn_nodes = len(scene.shapes) + (1 if scene.legend else 0)
        components = set(chart.nodes) - set(chart.facts.values())  # the facts nodes hold a box's lines past its title
        assert len(components) == diagram_source_and_size(topology, "LR", marks)[1] == drawn_nodes, name
        assert len(chart.arrows) == len(scene.arrows), name


def test_fifty_alike_servers_are_one_box_and_expand_draws_them_all() -> None:
    grouped = drawn(web_farm(50, (7,)), "farm.yaml")
    assert [lines for lines in grouped.boxes.values() if "(x50)" in lines[0]] == [
        ("web-01 ... web-50 (x50)", "10.0.1.1 ... 10.0.1.50", "all: no firewall", "web-07: no monitoring")]
    assert re.search(r"class [\w,]*\bweb_01\b[\w,]* gap", grouped.text)  # the group: one member lacks an agent
    assert len(grouped.nodes) < 15
    expanded = drawn(web_farm(50, (7,)), "farm.yaml", expand=True)
    servers = [box for box in expanded.boxes if box.startswith("web_")]
    assert len(servers) == 50 and len(expanded.nodes) > 100
    assert re.search(r"class [\w,]*\bweb_07\b[\w,]* gap", expanded.text)
    assert expanded.nodes[expanded.facts["web_07"]][-1] == "no firewall · no monitoring"
    assert expanded.nodes[expanded.facts["web_08"]][-1] == "no firewall"


def test_findings_are_classes_and_plain_text_links_are_red() -> None:
    chart = drawn((SPECS / "0-simple_web_stack.yaml").read_text(encoding="utf-8"), "0.yaml")
    assert "  class server_1 spof" in chart.text.splitlines()
    plain = [i for i, lines in enumerate(chart.arrows) if "plain text" in lines]
    assert plain and re.search(rf"linkStyle {','.join(map(str, plain))} stroke:#C0392B", chart.text)
    plain_drawing = flowchart(load_spec(SPECS / "0-simple_web_stack.yaml")).text  # --plain: no marks
    assert not re.search(r"^  (class .* (spof|gap)|linkStyle .*C0392B)$", plain_drawing, re.MULTILINE)


# --- the command line ------------------------------------------------------------------------------
def test_mermaid_is_a_format_but_not_a_default_one(tmp_path: Path) -> None:
    assert "mermaid" not in DEFAULT_FORMATS and FILES["mermaid"] == "diagram.mmd"
    spec = SPECS / "1-distributed_web_infrastructure.yaml"
    result = run("render", str(spec), "-o", str(tmp_path), "--formats", "mermaid,json", "--direction", "TB")
    assert result.exit_code == 0, result.output + result.stderr
    folder = tmp_path / spec.stem
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["diagram.mmd", "findings.json"]
    text = (folder / "diagram.mmd").read_text(encoding="utf-8")
    assert text == flowchart(load_spec(spec), "TB", diagram_marks(analyse(load_spec(spec)))).text


def test_report_md_embeds_the_flowchart_and_html_keeps_the_drawing(tmp_path: Path, write_spec) -> None:
    spec = write_spec(HOSTILE)
    result = run("render", str(spec), "-o", str(tmp_path), "--formats", "md,html,mermaid", "--md-diagram", "mermaid")
    assert result.exit_code == 0, result.output + result.stderr
    folder = tmp_path / spec.stem
    report = (folder / "report.md").read_text(encoding="utf-8")
    mmd = (folder / "diagram.mmd").read_text(encoding="utf-8")
    assert "](diagram.png)" not in report
    # the block opens once and closes where the flowchart ends: no label can close it early
    start = report.index("```mermaid\n") + len("```mermaid\n")
    assert report[start:].index("\n```") + 1 == len(mmd) and report[start:start + len(mmd)] == mmd
    assert report.count("```mermaid") == 1
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert '<div class="diagram interactive">' in page and "<svg" in page  # dot's drawing, inline
    assert "flowchart" not in page and "mermaid" not in page


def test_md_diagram_image_is_the_default(tmp_path: Path) -> None:
    spec = SPECS / "0-simple_web_stack.yaml"
    result = run("render", str(spec), "-o", str(tmp_path), "--formats", "md")
    assert result.exit_code == 0
    assert "![Diagram: Simple web stack](diagram.png)" in (tmp_path / spec.stem / "report.md").read_text()
    result = run("render", str(spec), "-o", str(tmp_path), "--md-diagram", "svg")
    assert result.exit_code == 2 and "--md-diagram" in result.stderr


# --- Mermaid's own renderer ------------------------------------------------------------------------
SVG = "{http://www.w3.org/2000/svg}"
ACTIVE = {"script", "a", "img", "image", "iframe", "object", "embed", "foreignobject-script"}


def _text(element: ET.Element) -> str:
    return " ".join(" ".join(element.itertext()).replace(WORD_JOINER, "").split())


def _check_svg(svg_path: Path, chart: Flowchart, name: str) -> None:
    root = ET.parse(svg_path).getroot()
    prefix = root.get("id", "") + "-"
    assert "Syntax error" not in _text(root), name
    nodes = {}
    for g in root.iter(f"{SVG}g"):
        classes = g.get("class", "").split()
        if "node" in classes:
            match = re.fullmatch(re.escape(prefix) + r"flowchart-(\w+)-\d+", g.get("id", ""))
            assert match, (name, g.get("id"))
            nodes[match.group(1)] = _text(g)
    assert sorted(nodes) == sorted(chart.nodes), name  # one node per component drawn, and no other
    for node_id, lines in chart.nodes.items():
        for line in lines:
            assert " ".join(drawn_text(line).split()) in nodes[node_id], (name, node_id, line)
    clusters = {g.get("id", "").removeprefix(prefix): _text(g) for g in root.iter(f"{SVG}g")
                if "cluster" in g.get("class", "").split()}
    for box_id, lines in chart.boxes.items():  # the title; the other lines are the box's facts node
        assert drawn_text(lines[0]) in clusters[box_id], (name, box_id)
        assert len(lines) == 1 or chart.nodes[chart.facts[box_id]] == lines[1:]
    edge_text = " ".join(_text(g) for g in root.iter(f"{SVG}g") if "edgeLabel" in g.get("class", "").split())
    for lines in chart.arrows:
        for line in lines:
            assert " ".join(drawn_text(line).split()) in edge_text, (name, line)
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        assert tag not in ACTIVE, (name, tag)
        for attribute, value in element.attrib.items():
            assert not attribute.rsplit("}", 1)[-1].lower().startswith("on"), (name, attribute)
            assert "javascript:" not in value.lower(), (name, attribute, value)


@pytest.mark.skipif(not MMDC.exists(), reason="Mermaid's CLI is not installed: run scripts/bootstrap")
def test_mermaid_cli_renders_every_example_and_hostile_design(tmp_path: Path) -> None:
    """The examples' and a hostile design's report.md (--md-diagram mermaid) as written, and
    odd designs' flowcharts: one launch renders them all, as mmdc makes one SVG per
    ```mermaid block of a Markdown file (a label that closed report.md's block early would
    break its diagram)."""
    out = tmp_path / "out"
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(HOSTILE, encoding="utf-8")
    specs = [*sorted(SPECS.glob("*.yaml")), hostile]
    for chosen, direction in ((specs[:-1], "LR"), (specs[-1:], "TB")):
        result = run("render", *map(str, chosen), "-o", str(out), "--formats", "md,mermaid", "--md-diagram", "mermaid",
                     "--direction", direction)
        assert result.exit_code == 0, result.output + result.stderr
    charts: list[tuple[str, Flowchart]] = []
    document = ""
    for spec in specs:
        topology = load_spec(spec)
        chart = flowchart(topology, "TB" if spec == hostile else "LR", diagram_marks(analyse(topology)))
        assert (out / spec.stem / "diagram.mmd").read_text(encoding="utf-8") == chart.text
        charts.append((spec.stem, chart))
        document += (out / spec.stem / "report.md").read_text(encoding="utf-8")
    for name, chart in [("odd ids", drawn(ODD_IDS, "odd.yaml")), ("50 servers", drawn(web_farm(50, (7,)), "farm")),
                        ("mesh", drawn(MESH, "mesh.yaml"))]:
        charts.append((name, chart))
        document += f"\n```mermaid\n{chart.text}```\n"
    (tmp_path / "all.md").write_text(document, encoding="utf-8")
    done = subprocess.run([str(MMDC), "-q", "-p", str(MERMAID_CLI / "puppeteer.json"), "-i", str(tmp_path / "all.md"),
                           "-o", str(tmp_path / "svg.md")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in tmp_path.glob("svg-*.svg")) == sorted(f"svg-{n}.svg" for n in range(1, 9))
    for number, (name, chart) in enumerate(charts, start=1):
        _check_svg(tmp_path / f"svg-{number}.svg", chart, name)


# every web server to every application server, in one links entry: drawn through a junction
MESH = ("archdoc: 1\ntitle: Mesh\ncomponents:\n  user: {kind: client}\n"
        + "".join(f"  web-{i}: {{kind: web_server}}\n  app-{i}: {{kind: app_server}}\n" for i in range(6))
        + "links:\n  - {from: user, to: [web-0, web-1, web-2, web-3, web-4, web-5]}\n"
        + "  - {from: [web-0, web-1, web-2, web-3, web-4, web-5], to: [app-0, app-1, app-2, app-3, app-4, app-5], "
          "port: 8000}\n")


def test_a_mesh_goes_through_a_junction() -> None:
    chart = drawn(MESH, "mesh.yaml")
    assert "  _links_1((\"·\"))" in chart.text
    assert chart.text.count("--- _links_1") == 6 and chart.text.count("_links_1 -->") == 6
    assert ("http:8000 (36 links)",) in chart.arrows and chart.arrows.count(()) == 5 + 6 + 5  # each entry labelled once


def many_arrows(count: int) -> str:
    """count web servers each writing to count databases: count² arrows (an entry per web
    server: one entry from all to all would be drawn through a junction)."""
    webs = "\n".join(f"  w-{i}: {{kind: web_server}}" for i in range(count))
    databases = "\n".join(f"  d-{i}: {{kind: database}}" for i in range(count))
    to_all = ", ".join(f"d-{i}" for i in range(count))
    return (f"archdoc: 1\ntitle: Many arrows\ncomponents:\n  user: {{kind: client}}\n{webs}\n{databases}\nlinks:\n"
            f"  - {{from: user, to: [{', '.join(f'w-{i}' for i in range(count))}]}}\n"
            + "".join(f"  - {{from: w-{i}, to: [{to_all}], protocol: mysql}}\n" for i in range(count)))


def test_a_chart_past_mermaids_limits_says_so_and_report_md_shows_the_image(tmp_path: Path, write_spec) -> None:
    chart = drawn(many_arrows(23), "many.yaml")  # 23 + 529 arrows
    assert chart.too_large == f"{len(chart.arrows)} arrows; Mermaid draws up to 500"
    assert chart.text.startswith("%% archdoc: too large for Mermaid's default limits (552 arrows;")
    assert drawn(many_arrows(20), "fewer.yaml").too_large is None  # 420 arrows
    spec = write_spec(many_arrows(23))
    result = run("render", str(spec), "-o", str(tmp_path), "--formats", "md,mermaid", "--md-diagram", "mermaid")
    assert result.exit_code == 0, result.output + result.stderr
    report = (tmp_path / spec.stem / "report.md").read_text(encoding="utf-8")
    assert "```mermaid" not in report and "](diagram.png)" in report
    assert "as a Mermaid chart it is too large to draw (552 arrows; Mermaid draws up to 500)" in report
    assert (tmp_path / spec.stem / "diagram.png").exists()  # the image report.md shows
