"""Course mode: starter specs, grading against a task, and the hand-in folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import SPECS, run

EXAMPLES = sorted(SPECS.glob("[0-3]-*.yaml"))
# The answer files exactly as docs/course.md names them.
COURSE_NAMES = ["0-simple_web_stack", "1-distributed_web_infrastructure",
                "2-secured_and_monitored_web_infrastructure", "3-scale_up"]


@pytest.mark.parametrize("number", range(4))
def test_a_starter_spec_meets_its_task(number: int, tmp_path: Path) -> None:
    spec = tmp_path / f"{number}.yaml"
    result = run("new", "--task", f"alx-{number}", "-o", str(spec))
    assert result.exit_code == 0, result.stderr
    assert run("grade", str(spec), "--task", f"alx-{number}").exit_code == 0
    again = run("new", "--task", f"alx-{number}", "-o", str(spec))
    assert again.exit_code == 2 and "never overwrites" in again.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_meets_its_own_task(example: Path) -> None:
    result = run("grade", str(example), "--task", f"alx-{example.name[0]}")
    assert result.exit_code == 0, result.stdout
    assert "meets" in result.stdout


def test_the_simple_stack_does_not_meet_task_1() -> None:
    result = run("grade", str(EXAMPLES[0]), "--task", "alx-1")
    assert result.exit_code == 1
    for missing in ("three servers (the design has 1)", "a load balancer (HAProxy)", "two web servers (Nginx)",
                    "a primary database and a replica of it", "a www A record pointing at the load balancer"):
        assert f"  missing: {missing}\n" in result.stdout


def test_grade_names_the_course_mistakes(write_spec) -> None:  # type: ignore[no-untyped-def]
    spec = write_spec("""
        archdoc: 1
        title: t
        domain: foobar.com
        dns:
          - {name: www, type: CNAME, to: lb.example.net}
        components:
          user: {kind: client}
          web: {kind: web_server, software: nginx}
          app: {kind: app_server}
          db-1: {kind: database, software: mysql}
          db-2: {kind: database, software: mysql, role: replica, replica_of: db-1}
        links:
          - {from: user, to: web, protocol: http}
          - {from: web, to: app, protocol: http}
          - {from: app, to: db-2, protocol: mysql}
        """)
    result = run("grade", str(spec), "--task", "alx-0")
    assert result.exit_code == 1
    assert "mistake: www should be an A record, not a CNAME" in result.stdout
    assert "mistake: app writes to a read-only replica" in result.stdout
    assert "missing: a server\n" in result.stdout


def test_the_hand_in_folder_is_named_as_the_course_requires(tmp_path: Path) -> None:
    out = tmp_path / "0x09-web_infrastructure_design"
    result = run("handin", *map(str, EXAMPLES), "-o", str(out), "--course", "alx")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(COURSE_NAMES + [f"{n}.md" for n in COURSE_NAMES] + ["README.md", "images"])
    assert (out / "README.md").read_text().strip()
    for name in COURSE_NAMES:
        answers = (out / name).read_text()
        assert answers.splitlines()[0] == f"images/{name}.png"
        assert answers.splitlines()[2].startswith("Q: ") and answers.endswith(f"every issue: {name}.md\n")
        with Image.open(out / "images" / f"{name}.png") as image:
            assert image.format == "PNG" and image.width > 300
        assert f"](images/{name}.png)" in (out / f"{name}.md").read_text()


def test_answer_files_hold_the_hosted_address(tmp_path: Path) -> None:
    base = "https://raw.githubusercontent.com/student/alx-system_engineering-devops/main/0x09"
    result = run("handin", str(EXAMPLES[3]), "-o", str(tmp_path), "--image-base-url", base + "/")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "3-scale_up").read_text().splitlines()[0] == f"{base}/images/3-scale_up.png"
    assert "warning" not in result.stderr
    page = run("handin", str(EXAMPLES[3]), "-o", str(tmp_path / "x"),
               "--image-base-url", "https://github.com/student/repo/blob/main/0x09")
    assert page.exit_code == 2 and "raw.githubusercontent.com" in page.stderr


def test_a_misnamed_spec_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    wrong = tmp_path / "3-scale-up.yaml"
    shutil.copy(EXAMPLES[3], wrong)
    result = run("handin", str(EXAMPLES[0]), str(wrong), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "cannot tell which task" in result.stderr and "3-scale_up.yaml" in result.stderr
    assert not (tmp_path / "out").exists()
