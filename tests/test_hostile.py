"""A stranger's pull request, a careless user: archdoc never touches what is not its own,
never hangs, never reads past its limit, and never lets a spec write to the terminal."""

from __future__ import annotations

import fcntl
import json
import os
import re
import time
from pathlib import Path

import pytest

from archdoc.errors import TimeLimitExceeded
from archdoc.limits import time_limit
from archdoc.render.diagram import dot_failure
from tests.conftest import SPECS, run

SIMPLE = (SPECS / "0-simple_web_stack.yaml").read_text()


def quick(*args: str, seconds: float = 5.0):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = run(*args)
    assert time.perf_counter() - started < seconds, f"archdoc {args[0]} took longer than {seconds} s"
    return result


# --- data loss ---------------------------------------------------------------------------------
def test_a_users_folder_named_like_a_spec_is_never_replaced(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort"
    (cohort / "alice").mkdir(parents=True)
    (cohort / "alice" / "notes.txt").write_text("my notes")
    (cohort / "alice" / "draft.yaml.bak").write_text("draft")
    (cohort / "alice.yaml").write_text(SIMPLE)
    (cohort / "bob.yaml").write_text(SIMPLE)
    result = run("render", str(cohort), "-o", str(cohort), "--formats", "md")
    assert result.exit_code == 2
    assert f"{cohort / 'alice'} exists and was not made by archdoc" in result.stdout + result.stderr
    assert (cohort / "alice" / "notes.txt").read_text() == "my notes"
    assert sorted(p.name for p in (cohort / "alice").iterdir()) == ["draft.yaml.bak", "notes.txt"]
    assert (cohort / "bob" / "report.md").exists()  # the others are rendered


def test_any_output_folder_holding_a_users_folder_keeps_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "victim").mkdir(parents=True)
    (out / "victim" / "important.txt").write_text("keep me")
    (tmp_path / "victim.yaml").write_text(SIMPLE)
    assert run("render", str(tmp_path / "victim.yaml"), "-o", str(out), "--formats", "md").exit_code == 2
    assert (out / "victim" / "important.txt").read_text() == "keep me"


def test_the_sweep_leaves_user_folders_named_like_staging(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name in (".design.new-abc", ".design.old-xyz", ".x.archdoc-tmp-folder"):
        (out / name).mkdir(parents=True)
        (out / name / "mine.txt").write_text("mine")
    (tmp_path / "design.yaml").write_text(SIMPLE)
    assert run("render", str(tmp_path / "design.yaml"), "-o", str(out), "--formats", "md").exit_code == 0
    for name in (".design.new-abc", ".design.old-xyz", ".x.archdoc-tmp-folder"):
        assert (out / name / "mine.txt").read_text() == "mine"


def test_a_spec_named_index_html_gets_another_folder(tmp_path: Path) -> None:
    (tmp_path / "index.html.yaml").write_text(SIMPLE)
    out = tmp_path / "out"
    for _ in range(2):  # and a second run into the same folder works too
        result = run("render", str(tmp_path / "index.html.yaml"), "-o", str(out), "--formats", "md", "--force")
        assert result.exit_code == 0, result.stdout + result.stderr
    assert (out / "index.html").is_file() and (out / "index.html-2" / "report.md").is_file()
    assert not [p for p in out.iterdir() if "archdoc-tmp" in p.name or ".new-" in p.name]


def test_an_index_html_archdoc_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("<p>my own page</p>")
    (tmp_path / "d.yaml").write_text(SIMPLE)
    result = run("render", str(tmp_path / "d.yaml"), "-o", str(out), "--formats", "md")
    assert result.exit_code == 2 and "index.html exists and was not written by archdoc" in result.stderr
    assert (out / "index.html").read_text() == "<p>my own page</p>"
    assert not (out / "d").exists()


def test_a_second_run_into_a_folder_in_use_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "d.yaml").write_text(SIMPLE)
    with (out / ".archdoc.lock").open("w") as held:  # what a run in progress holds
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run("render", str(tmp_path / "d.yaml"), "-o", str(out), "--formats", "md")
    assert result.exit_code == 2
    assert f"another archdoc run is writing into {out}" in result.stderr
    assert not (out / "d").exists()
    assert run("render", str(tmp_path / "d.yaml"), "-o", str(out), "--formats", "md").exit_code == 0


# --- hangs and exhaustion ------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "[" * (1 << 20),
    "archdoc: 1\ntitle: t\ncomponents:\n" + "".join(f"{' ' * (i + 2)}k{i}:\n" for i in range(1000)),
    "archdoc: 1\ntitle: t\ncomponents:\n" + "- " * 300_000 + "x\n",
], ids=["1 MiB of [", "deep mappings", "deep sequences"])
@pytest.mark.parametrize("command", ["check", "fix", "grade", "whatif", "diff"])
def test_deep_nesting_is_refused_at_once_by_every_command(tmp_path: Path, text: str, command: str) -> None:
    spec = tmp_path / "deep.yaml"
    spec.write_text(text)
    args = {"check": ["check", str(spec)], "fix": ["fix", str(spec)], "grade": ["grade", str(spec), "--task", "alx-0"],
            "whatif": ["whatif", str(spec), "--fail", "x"], "diff": ["diff", str(spec), str(spec)]}[command]
    result = quick(*args, "--max-bytes", str(2 << 20))
    assert result.exit_code == 2 and "nested more than 64 levels deep" in result.stderr


def one_mebibyte_of_unknown_ids() -> str:
    lines = ["archdoc: 1", "title: t", "components:"]
    size, number = 30, 0
    while size < 1_000_000:
        lines.append(f"  c{number}: {{kind: web_server, host: server-{number:06d}}}")
        size += len(lines[-1]) + 1
        number += 1
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("command", ["check", "fix", "grade", "whatif", "diff"])
def test_every_command_answers_a_mebibyte_of_unknown_ids_in_seconds(tmp_path: Path, command: str) -> None:
    spec = tmp_path / "0-simple_web_stack.yaml"
    spec.write_text(one_mebibyte_of_unknown_ids())
    args = {"check": ["check", str(spec)], "fix": ["fix", str(spec)], "grade": ["grade", str(spec), "--task", "alx-0"],
            "whatif": ["whatif", str(spec), "--down", "c1"], "diff": ["diff", str(spec), str(spec)]}[command]
    result = quick(*args)
    assert result.exit_code == 2 and "more problems; fix these first" in result.stderr


def test_thousands_of_unknown_ids_are_reported_fast_and_capped(tmp_path: Path) -> None:
    lines = ["archdoc: 1", "title: t", "components:"]
    lines += [f"  c{i}: {{kind: web_server, host: server-{i:05d}}}" for i in range(8000)]
    (tmp_path / "s.yaml").write_text("\n".join(lines) + "\n")
    result = quick("check", str(tmp_path / "s.yaml"))
    assert result.exit_code == 2
    problems = result.stderr.splitlines()
    assert len(problems) == 51 and problems[-1].endswith("and 7,950 more problems; fix these first")


def test_links_that_expand_to_a_million_pairs_are_an_input_error(tmp_path: Path) -> None:
    ids = [f"c{i}" for i in range(1000)]
    text = "archdoc: 1\ntitle: t\ncomponents:\n" + "".join(f"  {i}: {{kind: web_server}}\n" for i in ids)
    text += f"links:\n  - {{from: [{', '.join(ids)}], to: [{', '.join(ids)}], protocol: http}}\n"
    (tmp_path / "s.yaml").write_text(text)
    result = quick("check", str(tmp_path / "s.yaml"))
    assert result.exit_code == 2 and "more than 300,000 (from, to) pairs" in result.stderr


def test_a_huge_sparse_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    spec = tmp_path / "huge.yaml"
    with spec.open("wb") as file:
        file.truncate(3 * 1024 ** 3)  # 3 GB, no disk used
    result = quick("check", str(spec))
    assert result.exit_code == 2 and "more than the 1,048,576 a spec may be" in result.stderr
    (tmp_path / "out").mkdir()
    assert quick("render", str(spec), "-o", str(tmp_path / "out")).exit_code == 2


def test_a_fifo_or_a_device_is_never_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    for name in ("pipe.yaml", "zero.yaml"):
        result = quick("check", str(tmp_path / name))
        assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_every_command_has_a_time_limit(tmp_path: Path) -> None:
    from bench.designs import generate_design

    (tmp_path / "big.yaml").write_text(generate_design(6000, 1))
    result = run("check", str(tmp_path / "big.yaml"), "--timeout", "0.1", "--max-bytes", str(4 << 20))
    assert result.exit_code == 3 and "timeout: checking it took longer than 0.1 s" in result.stdout
    result = run("fix", str(tmp_path / "big.yaml"), "--timeout", "0.1", "--max-bytes", str(4 << 20))
    assert result.exit_code == 3 and "timeout: fixing took longer than 0.1 s" in result.stderr
    with pytest.raises(TimeLimitExceeded), time_limit(0.05, "waiting"):
        while True:
            pass


# --- reading what is not a spec -------------------------------------------------------------------
SECRET = "aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"


def test_a_symlink_in_a_folder_is_skipped_and_its_target_never_printed(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text(SECRET)
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "design.yaml").write_text(SIMPLE)
    (folder / "submission.yaml").symlink_to(secrets)
    result = run("check", str(folder))
    assert result.exit_code == 0
    assert "wJalrXUtnFEMI" not in result.stdout + result.stderr
    assert "1 file skipped" in result.stdout
    out = tmp_path / "out"
    result = run("render", str(folder), "-o", str(out), "--formats", "md")
    assert result.exit_code == 0 and "skipped" in result.stdout
    assert "wJalrXUtnFEMI" not in (out / "index.html").read_text() + result.stdout + result.stderr


def test_a_file_that_is_no_spec_is_said_so_without_quoting_it(tmp_path: Path) -> None:
    (tmp_path / "secrets.yaml").write_text(SECRET)
    (tmp_path / "link.yaml").symlink_to(tmp_path / "secrets.yaml")
    for name in ("secrets.yaml", "link.yaml"):  # named on the command line: read, but not repeated
        result = run("check", str(tmp_path / name))
        assert result.exit_code == 2 and "not an archdoc spec" in result.stderr
        assert "wJalrXUtnFEMI" not in result.stdout + result.stderr


def test_a_folder_scan_skips_yaml_that_is_no_spec(tmp_path: Path) -> None:
    (tmp_path / "design.yaml").write_text(SIMPLE)
    (tmp_path / "docker-compose.yml").write_text("services:\n  web: {image: nginx}\n")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / "ci.yaml").write_text("on: push\njobs: {}\n")
    result = run("check", str(tmp_path), "--format", "json")
    document = json.loads(result.stdout)
    assert result.exit_code == 0
    assert [s["path"] for s in document["specs"]] == [str(tmp_path / "design.yaml")]
    assert sorted(Path(s["path"]).name for s in document["skipped"]) == ["ci.yaml", "docker-compose.yml"]


def test_quoted_text_in_messages_is_capped(tmp_path: Path) -> None:
    long = "x" * 10_000
    (tmp_path / "s.yaml").write_text(f"archdoc: 1\ntitle: t\ncomponents:\n  a: {{kind: client, {long}: 1}}\n"
                                     f"links:\n  - {{from: a, to: {'y' * 10_000}, protocol: http}}\n")
    result = run("check", str(tmp_path / "s.yaml"))
    assert result.exit_code == 2
    assert all(len(line) < 300 for line in result.stderr.splitlines())


# --- crashes that are input errors ------------------------------------------------------------------
@pytest.mark.parametrize(("value", "where"), [("9" * 5000, "4:27"), ("0x" + "f" * 5000, None)])
def test_a_huge_integer_is_an_input_error(tmp_path: Path, value: str, where: str | None) -> None:
    (tmp_path / "s.yaml").write_text(f"archdoc: 1\ntitle: t\ncomponents:\n  a: {{kind: client, port: {value}}}\n")
    result = run("check", str(tmp_path / "s.yaml"))
    assert result.exit_code == 2 and "internal error" not in result.stderr
    if where:
        assert f"s.yaml:{where}: components.a.port: a number with more than 4,300 digits" in result.stderr


def test_a_nul_byte_is_reported_where_it_stands(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_bytes(b'archdoc: 1\ntitle: t\ncomponents:\n  a: {kind: client, label: "x\x00y"}\n')
    result = run("check", str(tmp_path / "s.yaml"))
    assert result.exit_code == 2 and "s.yaml:4:30: the character U+0000 is not allowed" in result.stderr


@pytest.mark.parametrize("version", ["true", "1.0", "1e0"])
def test_the_version_must_be_the_number_1(tmp_path: Path, version: str) -> None:
    (tmp_path / "s.yaml").write_text(f"archdoc: {version}\ntitle: t\ncomponents:\n  a: {{kind: client}}\n")
    result = run("check", str(tmp_path / "s.yaml"))
    assert result.exit_code == 2 and "s.yaml:1:10: archdoc:" in result.stderr


# --- terminals and other outputs ------------------------------------------------------------------
def test_no_escape_sequence_reaches_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text('archdoc: 1\ntitle: "Evil \\e[2K\\rno findings \\u202e"\ncomponents:\n'
                                     '  "\\e[31mred": {kind: client}\n  web: {kind: web_server}\n'
                                     'links:\n  - {from: web, to: "\\e[2Kghost", protocol: http}\n')
    for args in (["check", str(tmp_path / "s.yaml")], ["render", str(tmp_path / "s.yaml"), "-o",
                                                       str(tmp_path / "out"), "--formats", "md"]):
        result = run(*args)
        printed = result.stdout + result.stderr
        assert not re.search("[\x1b\r\x9b\u202e]", printed), printed
        assert "\ufffd" in printed
    result = run("check", str(tmp_path / "s.yaml"), "--format", "json")
    assert "\x1b" not in result.stdout
    json.loads(result.stdout)  # still valid JSON, the characters escaped


def test_a_worker_out_of_memory_says_so(tmp_path: Path) -> None:
    result = run("render", str(SPECS / "0-simple_web_stack.yaml"), "-o", str(tmp_path), "--memory", "64")
    assert result.exit_code == 3
    assert "rendering ran out of memory (the limit is 64 MiB; --memory raises it)" in result.stdout, result.stdout[-600:]


def test_handin_never_writes_through_a_symlinked_images_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "handin"
    out.mkdir()
    (out / "images").symlink_to(elsewhere)
    spec = tmp_path / "0-simple_web_stack.yaml"
    spec.write_text(SIMPLE)
    result = run("handin", str(spec), "-o", str(out))
    assert result.exit_code == 2 and "images is not a folder of its own" in result.stderr
    assert not list(elsewhere.iterdir())


@pytest.mark.parametrize("url", ["https://x.example/a) [click](https://evil.example", "https://x.example/a b",
                                 "https://x.example/\n# Title"])
def test_handin_refuses_an_image_address_that_could_write_markdown(tmp_path: Path, url: str) -> None:
    spec = tmp_path / "0-simple_web_stack.yaml"
    spec.write_text(SIMPLE)
    result = run("handin", str(spec), "-o", str(tmp_path / "h"), "--image-base-url", url)
    assert result.exit_code == 2 and not (tmp_path / "h").exists()


def test_sarif_addresses_are_percent_encoded(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # the repository the addresses are relative to
    folder = tmp_path / "a b#c"
    folder.mkdir()
    (folder / "d%e.yaml").write_text(SIMPLE)
    result = run("check", "--format", "sarif", str(folder / "d%e.yaml"))
    uri = json.loads(result.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "a%20b%23c/d%25e.yaml", "uriBaseId": "%SRCROOT%"}


def test_findings_json_names_the_spec_by_its_file_name(tmp_path: Path) -> None:
    (tmp_path / "design.yaml").write_text(SIMPLE)
    run("render", str(tmp_path / "design.yaml"), "-o", str(tmp_path / "out"), "--formats", "json")
    assert json.loads((tmp_path / "out" / "design" / "findings.json").read_text())["spec"] == "design.yaml"


def test_dots_error_is_kept_when_its_warnings_run_long() -> None:
    # Under a tight --memory, dot prints a page of warnings and then the error that matters
    warnings = b"".join(b"Warning: node 'n%d', graph 'g' size too small for label\n" % n for n in range(40))
    error = b"(process:1): GLib-ERROR **: creating thread '[pango] FcFontSetMatch': Resource temporarily unavailable\n"
    said = dot_failure(-6, warnings + error)
    assert said.startswith("dot failed: (process:1): GLib-ERROR") and "Resource temporarily unavailable" in said
