"""What the analysis found, in the form the diagram draws it (kept light: no renderer imports)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Marks:
    """What the analysis found, drawn on the diagram. Empty: the plain drawing (--plain)."""

    single_points: frozenset[str] = frozenset()  # failure units (servers or hostless components)
    plain_entries: frozenset[str] = frozenset()  # what users reach over unencrypted links
    unprotected: frozenset[str] = frozenset()
    unmonitored: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.single_points or self.plain_entries or self.unprotected or self.unmonitored)


NO_MARKS = Marks()  # the plain drawing
