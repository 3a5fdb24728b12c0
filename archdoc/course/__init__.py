"""Course mode: ALX and Holberton's "web infrastructure design" project.

Each task (``alx-0`` to ``alx-3``) has a starter spec (``archdoc new``), the
requirements its design must meet (``archdoc grade``, in ``tasks``), and the name of
its answer file (``archdoc handin``, in ``handin``). The names are here, light to import,
for the command line's choices.
"""

from __future__ import annotations

from dataclasses import dataclass

COURSES = ("alx",)


@dataclass(frozen=True)
class TaskName:
    key: str  # alx-0
    answer_file: str  # the file name the course checks: 0-simple_web_stack
    title: str


TASK_NAMES = {name.key: name for name in (
    TaskName("alx-0", "0-simple_web_stack", "Simple web stack"),
    TaskName("alx-1", "1-distributed_web_infrastructure", "Distributed web infrastructure"),
    TaskName("alx-2", "2-secured_and_monitored_web_infrastructure", "Secured and monitored web infrastructure"),
    TaskName("alx-3", "3-scale_up", "Scale up"),
)}

__all__ = ["COURSES", "TASK_NAMES", "TaskName"]
