"""What a risk's status means to a simulation.

The vocabulary lives in ``riskkit/io/words/status.json`` (English, German, French,
Spanish, Italian, Portuguese, Dutch, Polish and Russian), which a contributor extends
without touching code. A status is one of:

- ``open``: simulated;
- ``closed``: left out, counted as closed;
- ``realised``: the risk has happened. It is an issue, not a risk: left out and
  reported, since its impact belongs in the estimate;
- ``draft``: proposed, not yet accepted: simulated, and reported;
- ``on_hold``: simulated (a risk on hold can still occur), and reported;
- ``unknown``: a word not in the vocabulary: simulated as open, and reported.

A blank status is open. Only a status riskkit is sure of leaves a risk out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from ..words import read_words

__all__ = ["SIMULATED_KINDS", "STATUS_KINDS", "status_kind", "status_notes", "status_words",
           "words_key"]

#: The kinds of status, in the order the README documents them.
STATUS_KINDS = ("open", "closed", "realised", "draft", "on_hold", "unknown")
#: The kinds a simulation draws.
SIMULATED_KINDS = frozenset({"open", "draft", "on_hold", "unknown"})

_NOT_WORD = re.compile(r"[^\w]+|_+")


def words_key(text: object) -> str:
    """Text as vocabulary lists are matched: case folded, accents stripped, any run of
    punctuation or spaces read as one space (letters of every script kept).

    >>> words_key("Closed – Réalisé!")
    'closed realise'
    >>> words_key("  ZAMKNIĘTE ")
    'zamkniete'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", bare.casefold()).split())


def flatten(groups: Mapping[str, Any] | Iterable[str]) -> list[str]:
    """The words of a ``{language: [words]}`` table (or a plain list), in file order."""
    if isinstance(groups, Mapping):
        return [w for words in groups.values() for w in flatten(words)]
    return [str(w) for w in groups]


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, str], frozenset[str]]:
    data = read_words("status")
    lookup: dict[str, str] = {}
    for kind in STATUS_KINDS[:-1]:
        for word in flatten(data.get(kind, {})):
            key = words_key(word)
            if lookup.setdefault(key, kind) != kind:
                raise RuntimeError(f"status.json: {word!r} is both {lookup[key]} and {kind}")
    negations = frozenset(words_key(w) for w in flatten(data["negations"]["words"]))
    return lookup, negations


def status_words(kind: str) -> frozenset[str]:
    """The status words of ``kind``, as :func:`words_key` writes them."""
    lookup, _ = _vocabulary()
    return frozenset(k for k, v in lookup.items() if v == kind)


@lru_cache(maxsize=4096)
def status_kind(status: str | None) -> str:
    """What a status means: one of :data:`STATUS_KINDS`.

    An exact phrase of the vocabulary wins; otherwise the longest phrase the status
    starts with ("Closed - no longer relevant" is closed), except that a closed status
    that names a realised word without a negation ("Closed (occurred)") is realised.

    >>> status_kind("Chiuso"), status_kind("Closed - Realised"), status_kind("On hold")
    ('closed', 'realised', 'on_hold')
    >>> status_kind("Closed - not occurred"), status_kind(""), status_kind("Maybe")
    ('closed', 'open', 'unknown')

    A closed status that also names an open, draft or on-hold word ("Closed -
    reopened") says two things: it is "unknown", so it is simulated and named.
    """
    key = words_key(status or "")
    if not key:
        return "open"
    lookup, negations = _vocabulary()
    if key in lookup:
        return lookup[key]
    words = key.split()
    for n in range(len(words) - 1, 0, -1):
        kind = lookup.get(" ".join(words[:n]))
        if kind is None:
            continue
        rest = words[n:]
        named = {lookup.get(" ".join(rest[i:j]))
                 for i in range(len(rest)) for j in range(i + 1, len(rest) + 1)}
        if kind == "closed" and not negations.intersection(rest) and "realised" in named:
            return "realised"
        if kind in ("closed", "realised") and named & {"open", "draft", "on_hold"}:
            return "unknown"  # "Closed - reopened": says two things; simulated and named
        return kind
    return "unknown"


def _risks_list(ids: list[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def status_notes(risks: Iterable[Any], source: str, column: str = "status") -> list[str]:
    """Warnings a register's statuses call for: realised risks left out, draft and
    on-hold risks simulated, and every status word outside the vocabulary (each value
    with how many risks carry it). ``risks`` are objects with ``id`` and ``status``."""
    by_kind: dict[str, dict[str, list[str]]] = {}
    for risk in risks:
        kind = status_kind(risk.status)
        if kind in ("open", "closed"):
            continue
        by_kind.setdefault(kind, {}).setdefault(str(risk.status).strip(), []).append(risk.id)

    def values(kind: str) -> str:
        return "; ".join(f"{value!r} ({len(ids)} risk{'s' * (len(ids) != 1)}: "
                         f"{_risks_list(ids)})" for value, ids in by_kind[kind].items())

    notes = []
    if "realised" in by_kind:
        notes.append(f"{source}: column {column!r} says these risks have occurred: "
                     f"{values('realised')}. A realised risk is an issue, not a risk: they "
                     f"were left out of the simulation; put their cost and delay in the "
                     f"estimate")
    if "draft" in by_kind:
        notes.append(f"{source}: column {column!r} says {values('draft')}: proposed, not "
                     f"yet accepted into the register; simulated as open risks")
    if "on_hold" in by_kind:
        notes.append(f"{source}: column {column!r} says {values('on_hold')}: on hold; "
                     f"simulated as open risks (a risk on hold can still occur; close it to "
                     f"leave it out)")
    if "unknown" in by_kind:
        notes.append(f"{source}: column {column!r} says {values('unknown')}: not a status "
                     f"word riskkit knows; simulated as open risks. Write a status of the "
                     f"vocabulary (README: Status words), e.g. Open, Closed, Occurred, "
                     f"Draft, On hold")
    return notes
