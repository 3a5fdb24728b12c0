"""archdoc render: real PNG, SVG and PDF, read back; golden reports; safe writing."""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from archdoc.render.pdf import OutputFolderFetcher
from tests.conftest import ROOT, SPECS, run
from tests.test_serve import ONE_BALANCER

EXAMPLES = [p.stem for p in sorted(SPECS.glob("*.yaml"))]
GOLDEN = ROOT / "tests" / "golden"
FILES = ["diagram.png", "diagram.svg", "report.md", "report.html", "report.pdf", "findings.json"]


def visible(folder: Path) -> list[str]:
    """The outputs of a folder, without the run's own record (.archdoc.json)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("stem", EXAMPLES)
def test_every_output_is_written(rendered_examples: Path, stem: str) -> None:
    folder = rendered_examples / stem
    assert visible(folder) == sorted(FILES)
    assert (folder / ".archdoc.json").is_file()
    width, height = png_size(folder / "diagram.png")
    assert 600 < width < 4000 and 400 < height < 3000


@pytest.mark.parametrize("stem", EXAMPLES)
def test_svg_is_self_contained_and_names_every_component(rendered_examples: Path, stem: str) -> None:
    text = (rendered_examples / stem / "diagram.svg").read_text()
    root = ET.fromstring(text)
    hrefs = [v for e in root.iter() for k, v in e.attrib.items() if k.endswith("href")]
    icons = [h for h in hrefs if h.startswith("data:image/png;base64,")]
    assert icons and len(icons) == len(set(icons))  # each icon once, used by every node showing it
    assert all(h.startswith("#archdoc-icon-") for h in hrefs if h not in icons)
    assert "site-packages" not in text and "/root" not in text and str(ROOT) not in text
    titles = {e.text for e in root.iter("{http://www.w3.org/2000/svg}title")}
    topology_ids = set(re.findall(r"^  ([a-z0-9][a-z0-9_-]*):", (SPECS / f"{stem}.yaml").read_text(), re.M))
    drawn = {i for i in topology_ids if i in titles}
    # every component is a node, except clusters (drawn as groups) and servers with something on them
    assert {"user"} <= drawn
    assert len(drawn) >= len(topology_ids) * 0.6


@pytest.mark.parametrize("stem", EXAMPLES)
def test_svg_viewbox_holds_the_whole_drawing(rendered_examples: Path, stem: str) -> None:
    """A browser shows what the viewBox holds: all of the drawing, scaled to pixels as it is."""
    root = ET.fromstring((rendered_examples / stem / "diagram.svg").read_text())
    _, _, box_width, box_height = (float(n) for n in root.attrib["viewBox"].split())
    assert (box_width, box_height) == (float(root.attrib["width"][:-2]), float(root.attrib["height"][:-2]))
    graph = root.find("{http://www.w3.org/2000/svg}g")
    assert graph is not None
    scale = float(re.match(r"scale\(([\d.]+)", graph.attrib["transform"]).group(1))  # type: ignore[union-attr]
    background = graph.find("{http://www.w3.org/2000/svg}polygon")
    assert background is not None
    corners = [tuple(float(n) for n in corner.split(",")) for corner in background.attrib["points"].split()]
    xs, ys = zip(*corners, strict=True)
    assert (max(xs) - min(xs)) * scale == pytest.approx(box_width, rel=0.01)
    assert (max(ys) - min(ys)) * scale == pytest.approx(box_height, rel=0.01)


@pytest.mark.parametrize("stem", EXAMPLES)
def test_pdf_reads_back(rendered_examples: Path, stem: str) -> None:
    reader = PdfReader(rendered_examples / stem / "report.pdf")
    assert 3 <= len(reader.pages) <= 15
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    # A4; a diagram too large for the first page gets a page of its own (A4 or A3 for the examples)
    assert (595, 842) in sizes and sizes <= {(595, 842), (842, 595), (1191, 842), (842, 1191)}
    text = "\n".join(page.extract_text() for page in reader.pages)
    title = (SPECS / f"{stem}.yaml").read_text().split("title: ")[1].splitlines()[0]
    assert title in text
    assert f"page 1 of {len(reader.pages)}" in text
    picture = reader.pages[0].images[0].image  # the diagram, read from the output folder
    assert picture.size == png_size(rendered_examples / stem / "diagram.png")
    for line in (SPECS / f"{stem}.expected").read_text().split("\n"):
        if line:
            rule, component = line.split()
            assert component in text


@pytest.mark.parametrize("stem", EXAMPLES)
def test_html_is_one_file_without_scripts(rendered_examples: Path, stem: str) -> None:
    html = (rendered_examples / stem / "report.html").read_text()
    assert "<script" not in html.lower() and "<link" not in html.lower() and "<img" not in html
    assert html.count("<svg") == 1 and "<style>" in html  # the diagram inline, as SVG
    assert "Content-Security-Policy\" content=\"default-src 'none'; img-src data:;" in html
    for url in re.findall(r'href="([^"]+)"', html):  # the references archdoc writes, and the diagram's links
        assert url.startswith(("https://", "data:image/png;base64,")) or re.fullmatch(
            r"#[cf]-[a-z0-9_-]+|#archdoc-icon-\d+", url), url


@pytest.mark.parametrize("stem", EXAMPLES)
def test_findings_json_matches_the_expected_findings(rendered_examples: Path, stem: str) -> None:
    document = json.loads((rendered_examples / stem / "findings.json").read_text())
    expected = sorted(line.split() for line in (SPECS / f"{stem}.expected").read_text().splitlines() if line)
    assert sorted([f["rule"], f["component"]] for f in document["findings"]) == expected


def _normalised(stem: str, name: str, folder: Path) -> str:
    text = (folder / stem / name).read_text()
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,...", text)
    text = re.sub(r"<svg .*</svg>", "<svg>...</svg>", text, flags=re.S)  # dot's geometry: tested apart
    text = re.sub(r"/\* this drawing \*/\n.*?</style>", "/* this drawing */ ...\n</style>", text, flags=re.S)
    return re.sub(r'"spec": "[^"]*"', '"spec": "..."', text)


@pytest.mark.parametrize("name", ["report.md", "report.html", "findings.json"])
@pytest.mark.parametrize("stem", EXAMPLES)
def test_golden(rendered_examples: Path, stem: str, name: str, request: pytest.FixtureRequest) -> None:
    """The reports of the examples, as committed in tests/golden/ (pytest --regen-golden rewrites them)."""
    actual = _normalised(stem, name, rendered_examples)
    golden = GOLDEN / stem / name
    if request.config.getoption("--regen-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual)
    assert actual == golden.read_text(), f"{golden} differs: run pytest --regen-golden and review the diff"


def test_the_markdown_embeds_the_diagram(rendered_examples: Path) -> None:
    text = (rendered_examples / EXAMPLES[0] / "report.md").read_text()
    assert "![Diagram: Simple web stack](diagram.png)" in text


def test_render_prints_where_it_wrote(tmp_path: Path) -> None:
    result = run("render", str(SPECS / "0-simple_web_stack.yaml"), "-o", str(tmp_path), "--formats", "md,json")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if line.startswith(str(SPECS / "0-simple_web_stack.yaml")))
    assert row.split()[1:6] == [f"{tmp_path}/0-simple_web_stack/", "4", "5", "0", "rendered"]
    assert visible(tmp_path / "0-simple_web_stack") == ["diagram.png", "findings.json", "report.md"]  # the picture report.md shows


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run("render", str(SPECS), "-o", str(tmp_path), "--formats", "png,docx")
    assert result.exit_code == 2 and "docx" not in result.stdout


def test_a_failed_spec_leaves_the_previous_outputs_intact(tmp_path: Path) -> None:
    spec = tmp_path / "design.yaml"
    spec.write_text((SPECS / "0-simple_web_stack.yaml").read_text())
    out = tmp_path / "out"
    assert run("render", str(spec), "-o", str(out), "--formats", "md,json").exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "design").iterdir()}
    assert "report.md" in before
    spec.write_text("archdoc: 1\ntitle: [broken\n")
    assert run("render", str(spec), "-o", str(out), "--formats", "md,json").exit_code == 2
    assert {p.name: p.read_bytes() for p in (out / "design").iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == [".archdoc.lock", "design", "index.html"]  # nothing temporary left


def test_specs_with_the_same_stem_get_folders_of_their_own(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "design.yaml").write_text((SPECS / "0-simple_web_stack.yaml").read_text())
    out = tmp_path / "out"
    assert run("render", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), "--formats", "json").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [".archdoc.lock", "design", "design-2", "index.html"]


def test_the_pdf_fetcher_loads_only_data_and_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "ok.txt").write_text("inside")
    (tmp_path / "secret.txt").write_text("outside")
    fetcher = OutputFolderFetcher(tmp_path / "out")
    assert fetcher.fetch((tmp_path / "out" / "ok.txt").as_uri()).read() == b"inside"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in [(tmp_path / "secret.txt").as_uri(), (tmp_path / "out" / ".." / "secret.txt").as_uri(),
                "http://127.0.0.1:9/x.png", "https://example.com/x.png", "ftp://example.com/x"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_same_spec_same_text_outputs(tmp_path: Path) -> None:
    for run_dir in ("one", "two"):
        assert run("render", str(SPECS / "3-scale_up.yaml"), "-o", str(tmp_path / run_dir)).exit_code == 0
    for name in ("report.md", "report.html", "findings.json", "diagram.svg"):
        assert (tmp_path / "one" / "3-scale_up" / name).read_bytes() == \
            (tmp_path / "two" / "3-scale_up" / name).read_bytes(), name


def test_findings_are_marked_on_the_diagram_and_plain_draws_none(tmp_path: Path) -> None:
    spec = SPECS / "1-distributed_web_infrastructure.yaml"
    assert run("render", str(spec), "-o", str(tmp_path / "marked"), "--formats", "svg").exit_code == 0
    assert run("render", str(spec), "-o", str(tmp_path / "plain"), "--formats", "svg", "--plain").exit_code == 0
    marked = (tmp_path / "marked" / spec.stem / "diagram.svg").read_text()
    plain = (tmp_path / "plain" / spec.stem / "diagram.svg").read_text()
    assert marked.count("SINGLE POINT OF FAILURE") == 2  # lb-01 and web-01, the spof findings
    assert "plain text" in marked and "Legend" in marked and "#c0392b" in marked.lower()
    assert "SINGLE POINT OF FAILURE" not in plain and "Legend" not in plain and "#c0392b" not in plain.lower()


def test_a_label_that_names_the_kind_is_not_repeated(rendered_examples: Path) -> None:
    svg = (rendered_examples / "0-simple_web_stack" / "diagram.svg").read_text()
    assert svg.count(">Application files<") == 1 and ">application files<" not in svg


def test_a_hostless_single_point_gets_a_red_box_clear_of_its_label(tmp_path: Path) -> None:
    spec = tmp_path / "hostless.yaml"
    spec.write_text(ONE_BALANCER, encoding="utf-8")  # lb-1 has no server of its own
    assert run("render", str(spec), "-o", str(tmp_path / "out"), "--formats", "svg").exit_code == 0
    svg = ET.parse(tmp_path / "out" / "hostless" / "diagram.svg").getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    box = next(g for g in svg.iterfind(".//s:g[@class='cluster']", ns)
               if g.findtext("s:title", namespaces=ns) == "cluster_spf_lb-1")
    outline = box.find("s:path", ns)
    assert outline is not None and outline.get("stroke") == "#c0392b"
    assert [t.text for t in box.iterfind("s:text", ns)] == ["single point of failure"]
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", outline.get("d", ""))]
    xs, ys = numbers[0::2], numbers[1::2]
    node = svg.find(".//s:g[@id='c-lb-1']", ns)
    assert node is not None
    for text in node.iterfind("s:text", ns):  # "lb-1", "load balancer": inside, off the outline
        x, y = float(text.get("x", 0)), float(text.get("y", 0))
        assert min(xs) + 40 < x < max(xs) - 40 and min(ys) + 20 < y < max(ys) - 4, text.text


def test_report_md_alone_keeps_the_picture_it_shows(tmp_path: Path) -> None:
    spec = SPECS / "0-simple_web_stack.yaml"
    assert run("render", str(spec), "-o", str(tmp_path), "--formats", "md").exit_code == 0
    folder = tmp_path / spec.stem
    assert "](diagram.png)" in (folder / "report.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["diagram.png", "report.md"]
