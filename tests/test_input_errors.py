"""Every class of input error: exit status 2 and the FILE:LINE:COLUMN that names it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import run

HEADER = "archdoc: 1\ntitle: t\n"

# (what, file content, line:column, words the message must contain)
CASES = [
    ("yaml syntax", HEADER + "components: {a: {kind: client}\n", "4:1", "YAML syntax error"),
    ("not utf-8", b"archdoc: 1\ntitle: caf\xe9\n", "2:11", "not UTF-8"),
    ("empty file", "", "1:1", "the spec is empty"),
    ("only comments", "# nothing yet\n", "1:1", "the spec is empty"),
    ("top level is a list", "- archdoc: 1\n", "1:1", "must be a mapping"),
    ("top level is text", "hello\n", "1:1", "must be a mapping"),
    ("duplicate key", HEADER + "components:\n  a: {kind: client}\n  a: {kind: server}\n", "5:3", "duplicate key 'a'"),
    ("alias", HEADER + "components:\n  a: &c {kind: client}\n  b: *c\n", "5:6", "aliases (*c) are not allowed"),
    ("tag", HEADER + "components:\n  a: !!python/object:os.system {kind: client}\n", "4:6", "tags"),
    ("two documents", HEADER + "components: {}\n---\nx: 1\n", "4:1", "one YAML document"),
    ("unknown field", HEADER + "components:\n  a: {kind: client, hots: x}\n", "4:21", "unknown field 'hots'"),
    ("unknown top-level field", HEADER + "component: {}\n", "3:1", "unknown field 'component'"),
    ("missing field", "archdoc: 1\ncomponents: {}\n", "1:1", "missing required field 'title'"),
    ("kind is a list", HEADER + "components:\n  a: {kind: []}\n", "4:13", "unknown kind '[]'"),
    ("unknown kind", HEADER + "components:\n  a: {kind: webserver}\n", "4:13", "unknown kind 'webserver' (did you mean 'web_server'?)"),
    ("wrong version", "archdoc: 2\ntitle: t\ncomponents: {}\n", "1:10", "expected 1"),
    ("wrong type: bool", HEADER + "components:\n  s: {kind: server, public: yes}\n", "4:29", "expected true or false, got 'yes'"),
    ("wrong type: port", HEADER + "components:\n  a: {kind: client}\n  b: {kind: web_server}\n"
     "links:\n  - {from: a, to: b, protocol: http, port: eighty}\n", "7:44", "expected a whole number"),
    ("wrong type: components", HEADER + "components: [a, b]\n", "3:13", "expected a mapping"),
    ("invalid id", HEADER + "components:\n  Web_1: {kind: client}\n", "4:3", "not a valid id"),
    ("unknown id in host", HEADER + "components:\n  w: {kind: web_server, host: srv-1}\n", "4:31", "unknown id 'srv-1'"),
    ("host is not a server", HEADER + "components:\n  a: {kind: app_server}\n  w: {kind: web_server, host: a}\n",
     "5:31", "a host must be a server"),
    ("unknown id in a link list", HEADER + "components:\n  a: {kind: client}\n  b: {kind: web_server}\n"
     "links:\n  - {from: a, to: [b, c], protocol: http}\n", "7:23", "unknown id 'c'"),
    ("cname to an ip", HEADER + "dns:\n  - {name: www, type: CNAME, to: 8.8.8.8}\ncomponents: {}\n", "4:34",
     "can never point at an IP address"),
    ("replica_of cycle", HEADER + "components:\n  d1: {kind: database, role: replica, replica_of: d2}\n"
     "  d2: {kind: database, role: replica, replica_of: d1}\n", "4:51", "cycle (d1 -> d2 -> d1)"),
    ("replica without replica_of", HEADER + "components:\n  d: {kind: database, role: replica}\n", "4:6",
     "needs 'replica_of'"),
    ("cluster of mixed kinds", HEADER + "components:\n  a: {kind: web_server}\n  b: {kind: app_server}\n"
     "  c: {kind: cluster, members: [a, b], mode: active_active}\n", "6:31", "one kind"),
    ("cluster of one", HEADER + "components:\n  a: {kind: web_server}\n"
     "  c: {kind: cluster, members: [a], mode: active_active}\n", "5:31", "two or more members"),
    ("deep nesting", HEADER + "x: " + "[" * 70 + "]" * 70 + "\n", "3:", "nested more than 64 levels"),
]


@pytest.mark.parametrize(("content", "position", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_input_error(tmp_path: Path, content: str | bytes, position: str, words: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run("check", str(path))
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if words in line]
    assert lines, result.stderr
    assert lines[0].startswith(f"{path}:{position}"), lines[0]
    assert "Traceback" not in result.output + result.stderr


def test_a_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(HEADER + "components:\n" + "".join(f"  c{i}: {{kind: client}}\n" for i in range(60_000)))
    result = run("check", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:1:1: the file is ")
    assert run("check", "--max-bytes", str(4 * 1024 * 1024), str(path)).exit_code == 0


def test_every_problem_is_reported_at_once(write_spec) -> None:  # type: ignore[no-untyped-def]
    path = write_spec("""
        archdoc: 1
        title: many problems
        components:
          user: {kind: client}
          web: {kind: web_server, hots: srv}
          app: {kind: app_server, host: nowhere}
          db: {kind: databse}
        links:
          - {from: user, to: web, protocol: http}
          - {from: web, to: ap, protocol: http}
    """)
    result = run("check", str(path))
    assert result.exit_code == 2
    positions = [line.split(": ")[0] for line in result.stderr.splitlines()]
    assert positions == [f"{path}:5:27", f"{path}:6:33", f"{path}:7:14", f"{path}:10:21"]
    assert "did you mean 'app'" in result.stderr


def test_a_bad_spec_never_stops_the_others(tmp_path: Path) -> None:
    (tmp_path / "a-bad.yaml").write_text("archdoc: 1\ntitle: [\n")
    good = Path(__file__).parent.parent / "specs" / "0-simple_web_stack.yaml"
    (tmp_path / "b-good.yaml").write_text(good.read_text())
    result = run("check", "--format", "json", str(tmp_path), str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    import json

    specs = json.loads(result.stdout)["specs"]
    assert [s["path"].rsplit("/", 1)[-1] for s in specs] == ["missing.yaml", "a-bad.yaml", "b-good.yaml"]
    assert len(specs[2]["findings"]) == 9
    assert specs[0]["errors"][0]["message"] == "no such file or folder"


def test_yaml_1_2_reads_on_and_yes_as_text(write_spec) -> None:  # type: ignore[no-untyped-def]
    path = write_spec("""
        archdoc: 1
        title: on
        description: yes
        components:
          no: {kind: client, label: off}
    """)
    from archdoc.specfile import load_spec

    topology = load_spec(path)
    assert (topology.title, topology.description, topology.label("no")) == ("on", "yes", "off")


def test_hidden_folders_are_not_searched(tmp_path: Path) -> None:
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "config.yaml").write_text("not: [a spec\n")
    good = Path(__file__).parent.parent / "specs" / "0-simple_web_stack.yaml"
    (tmp_path / "design.yaml").write_text(good.read_text())
    result = run("check", str(tmp_path))
    assert result.exit_code == 0, result.stderr


def _build(text: str, quick: bool) -> tuple[str, dict[object, object], dict[object, object], list[str]]:
    """What the reader builds from a text's events: values (as repr, since nan is not equal
    to itself), positions and problems; with its quick path, or every event taken carefully."""
    import yaml

    from archdoc.specfile.yaml_source import _Builder

    builder = _Builder("x.yaml")
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if type(event) not in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentStartEvent,
                               yaml.DocumentEndEvent):
            (builder.feed if quick else builder.event)(event)
    return repr(builder.root), builder.source.values, builder.source.keys, [str(p) for p in builder.problems]


ODD_YAML = [
    "a: 1\nb: [x, 'y', \"z\", ~, null, true, 0x1F, 0o17, 1.5e3, .inf, -.INF, .nan, yes, on, '1']\n",
    "a:\n  b:\n    - {c: d, e: [1, 2, {f: g}]}\n    - - nested\n      - list\n",
    "a: 1\na: 2\nb: {c: 1, c: 2}\n",  # duplicate keys, at the top and inside
    "a: &x 3\nb: *x\nc: [*x, 4]\n*x : 5\n",  # aliases as values, items and keys
    "a: !!str 5\nb: !custom {c: 1}\nc: [!!int '7']\n",  # tags
    "? [complex, key]\n: value\nd: {? {e: f} : g}\nh: 1\n",  # complex keys, then ordinary ones
    "a: " + "9" * 5000 + "\nb: [" + "8" * 5000 + "]\n",  # numbers Python refuses to read
    "components:\n  web-01: {kind: web_server, label: \"web (nginx)\", port: 80}\n",
]


@pytest.mark.parametrize("text", ODD_YAML + [p.read_text(encoding="utf-8") for p in sorted(
    (Path(__file__).parent.parent / "specs").glob("*.yaml"))])
def test_the_quick_path_reads_exactly_what_the_careful_one_does(text: str) -> None:
    """Most events take a quick path (an untagged scalar, the end of a collection); it must
    build the same values, positions and problems as taking every event the careful way."""
    assert _build(text, quick=True) == _build(text, quick=False)


def _careful(text: str) -> tuple[str, dict[object, object], dict[object, object]] | None:
    from archdoc.errors import SpecError
    from archdoc.specfile.yaml_source import parse_yaml

    try:
        raw, source = parse_yaml(text, "x.yaml")
    except SpecError:
        return None
    return repr(raw), source.values, source.keys


def assert_quick_reads_as_careful(text: str) -> None:
    """The quick reader gives up (None) on whatever the careful one reports, and otherwise
    reads the same values, and the same positions where it keeps one."""
    from archdoc.specfile.yaml_source import quick_parse

    careful, quick = _careful(text), quick_parse(text, "x.yaml")
    if careful is None or quick is None:
        assert quick is None
        return
    raw, values, keys = careful
    assert repr(quick[0]) == raw
    assert quick[1].values.items() <= values.items() and quick[1].keys.items() <= keys.items()


SPECS_AND_MORE = ODD_YAML + [p.read_text(encoding="utf-8") for p in sorted(
    [*(Path(__file__).parent.parent / "specs").glob("*.yaml"), *(Path(__file__).parent / "designs").glob("*.yaml")])] + [
    HEADER + "components:\n  a: &x {kind: client}\n",  # an anchor alone (the careful reader allows it)
    HEADER + "components: {a: {kind: client}}\naccepted:\n  - {rule: spof, component: a, reason: r}\n  - x\n",
    HEADER + "components:\n  a: {kind: client}\n---\n",  # a second document, empty
    HEADER + "components:\n  ? a\n  : {kind: client}\n",  # an explicit key
    HEADER + "x: " + "[" * 63 + "]" * 63 + "\n",  # nested to the limit, and past it
    HEADER + "x: " + "[" * 64 + "]" * 64 + "\n",
    HEADER + "description: |\n  {[ }}]\ncomponents: {}\n",
]


@pytest.mark.parametrize("text", SPECS_AND_MORE)
def test_the_quick_reader_reads_what_the_careful_one_does(text: str) -> None:
    assert_quick_reads_as_careful(text)


FRAGMENTS = ["a", "b", "kind", ": ", "- ", "\n", "  ", "{", "}", "[", "]", ", ", "'", '"', "#", "&x ", "*x",
             "!t ", "1", "0x1F", "~", "yes", "---\n", "? ", "|\n", ">-\n", "\t", "é"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_the_quick_reader_gives_up_or_agrees_on_any_text(text: str) -> None:
    assert_quick_reads_as_careful(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS + ["- - ", "      ", "{[", "]}"]), max_size=60).map("".join))
def test_the_quick_nesting_check_never_lets_a_deep_text_through(text: str) -> None:
    """When the check by passes of C says a text is shallow, the scan line by line finds it so,
    for a limit small enough for short texts to pass it."""
    from archdoc.specfile.yaml_source import _nesting_scan, _shallow

    for depth in (8, 12, 16):
        if _shallow(text, depth):
            assert _nesting_scan(text, "x.yaml", depth) is None, (depth, text)
