"""English for the sentences archdoc writes: lists, plurals, verbs that agree, figures.

Every sentence of a report, a finding or a message that counts things uses these, so
that "1 server", "2 servers", "app-1 writes" and "app-1 and app-2 write" come out right
everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

_IRREGULAR_VERBS = {"be": ("is", "are"), "have": ("has", "have"), "do": ("does", "do")}


def sentence_list(items: Iterable[str], conjunction: str = "and") -> str:
    """``['a', 'b', 'c']`` -> ``'a, b and c'``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def article(word: str) -> str:
    """'an app server', 'a server'."""
    return f"an {word}" if word[:1] in tuple("aeiou") else f"a {word}"


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """The noun for ``count`` things: noun(1, 'server') -> 'server', noun(2, 'server') -> 'servers'."""
    return singular if count == 1 else plural or singular + "s"


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """'1 server', '3 servers', '2 replicas'."""
    return f"{count} {noun(count, singular, plural)}"


def verb(count: int, base: str) -> str:
    """The present tense agreeing with a subject of ``count`` things:
    verb(1, 'take') -> 'takes', verb(2, 'take') -> 'take', verb(1, 'be') -> 'is'."""
    if base in _IRREGULAR_VERBS:
        one, many = _IRREGULAR_VERBS[base]
        return one if count == 1 else many
    if count != 1:
        return base
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return base + "es"
    if base.endswith("y") and base[-2:-1] not in tuple("aeiou"):
        return base[:-1] + "ies"
    return base + "s"


def one_or_many(count: int, one: str, many: str) -> str:
    """Any pair of words that depends on a count: one_or_many(n, 'it', 'them')."""
    return one if count == 1 else many


def possessive(name: str) -> str:
    """'haproxy' -> "haproxy's", 'the servers' -> "the servers'", 'lbs' -> "lbs'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def verb_phrase(count: int, phrase: str) -> str:
    """Every verb of a phrase written in the base form, joined by 'and', agreeing:
    verb_phrase(1, 'read from and write to') -> 'reads from and writes to'."""
    parts = phrase.split(" and ")
    return " and ".join(verb(count, p.split(" ")[0]) + p[len(p.split(" ")[0]):] for p in parts)


def percent(value: float) -> str:
    """99.7901 %, with 'over 99.9999 %' rather than a rounded 100."""
    if value < 1 and round(value * 100, 4) >= 100:
        return "over 99.9999 %"
    return f"{value * 100:.4f} %"


def yearly_downtime(hours: float) -> str:
    """'18 h 23 min', '31 min', 'under a minute'."""
    minutes = round(hours * 60)
    if minutes >= 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes} min" if minutes else "under a minute"
