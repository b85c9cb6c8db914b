"""The column names of a risk register, in every language riskkit knows.

The words are data: ``riskkit/io/words/headers_<code>.json``, one file a language
(``headers_en.json`` describes the layout). A header names a canonical column when,
normalised (:func:`~riskkit.io.tables.normalise_header`: case, accents, spaces,
punctuation and a bracketed unit ignored), it is

- one of the ``columns`` phrases of a file (``Risiko-Nr.``, ``Probabilité``), or
- composed of the files' parts: an impact phrase (``Kosten``, ``Impact sur le délai``)
  alone, for a fixed impact, or with a point word before or after it (``Kosten max``,
  ``Coût le plus probable``, ``Минимальная стоимость``), for one point of a three-point
  estimate; and any of those, or a probability phrase, with one ``mitigated`` word
  (``Wahrscheinlichkeit nach Maßnahme``, ``Coût max résiduel``) or one ``before`` word
  (``Brutto-Wahrscheinlichkeit``) before, after or between its parts.

Parts of different files combine (``Kosten Worst Case``): registers mix languages.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from ..distributions import parameter_columns
from ..exceptions import Problem
from ..words import read_words, word_files
from .sense import TYPE_HEADERS
from .tables import fold, normalise_header

__all__ = ["HEADER_LANGUAGES", "REGISTER_ALIASES", "REGISTER_HEADERS", "RegisterHeaders",
           "check_columns"]

_POINTS = ("min", "most_likely", "max")
_IMPACTS = ("cost", "schedule")


def _files() -> dict[str, dict]:
    """The header files by language code, English first."""
    codes = [name.removeprefix("headers_") for name in word_files("headers_")]
    codes.sort(key=lambda code: (code != "en", code))
    return {code: read_words(f"headers_{code}") for code in codes}


_FILES = _files()
#: The languages of the header files: code -> name, English first.
HEADER_LANGUAGES: dict[str, str] = {code: f["language"] for code, f in _FILES.items()}


@dataclass(frozen=True)
class _Part:
    kind: str  # "impact", "point", "mitigated", "before" or "probability"
    value: str  # the impact ("cost", "schedule") or the point ("min", ...), else ""


class RegisterHeaders(Mapping[str, str]):
    """Normalised header -> canonical register column, for every header the files name
    or compose.

    Iterating gives the phrases the files list (their composed forms are too many to
    list, and are recognised on lookup).
    """

    def __init__(self, files: Mapping[str, Mapping] | None = None) -> None:
        files = _FILES if files is None else files
        plain: dict[str, str] = {}
        parts: dict[str, set[_Part]] = {}
        display: dict[str, str] = {}

        def add_plain(canon: str, phrase: str) -> None:
            key = normalise_header(phrase)
            if key:
                plain.setdefault(key, canon)
                display.setdefault(key, phrase)

        def add_part(phrase: str, part: _Part) -> None:
            key = normalise_header(phrase)
            if key:
                parts.setdefault(key, set()).add(part)
                display.setdefault(key, phrase)

        for canon in _canonical_names():
            add_plain(canon, canon)
        english = next(iter(files.values()))
        for words in files.values():
            for canon, phrases in words.get("columns", {}).items():
                for phrase in phrases:
                    add_plain(canon, phrase)
            if words is english:
                # the threat/opportunity column's headers live with its words (types.json)
                for phrase in TYPE_HEADERS:
                    add_plain("type", phrase)
                for name, p in parameter_columns().items():
                    for phrase in (name, *p.aliases):
                        add_plain(name, phrase)
        before = {normalise_header(w) for f in files.values() for w in f.get("before", ())}
        for words in files.values():
            for impact, phrases in words.get("impacts", {}).items():
                for phrase in phrases:
                    add_part(phrase, _Part("impact", impact))
            for point, phrases in words.get("points", {}).items():
                for phrase in phrases:
                    add_part(phrase, _Part("point", point))
            for phrase in words.get("mitigated", ()):
                add_part(phrase, _Part("mitigated", ""))
            for phrase in words.get("before", ()):
                add_part(phrase, _Part("before", ""))
            for phrase in words.get("columns", {}).get("probability", ()):
                key = normalise_header(phrase)
                # "Inherent Probability" is itself composed; it is no base to compose on
                if not any(key.startswith(b) or key.endswith(b) for b in before):
                    add_part(phrase, _Part("probability", ""))
        self._plain = plain
        self._parts = {k: tuple(sorted(v, key=lambda p: (p.kind, p.value)))
                       for k, v in parts.items()}
        self._lengths = sorted({len(k) for k in parts})
        self._display = display
        self._bare = {normalise_header(w) for f in files.values()
                      for w in f.get("bare_impacts", ())}
        self._words = _word_list(files)
        self._compose = lru_cache(maxsize=8192)(self._parse)
        self._near = lru_cache(maxsize=4096)(self._near_words)

    # -- the mapping ------------------------------------------------------------------
    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        found = self._plain.get(key)
        if found is None and key:
            found = self._compose(key)
        return default if found is None else found

    def __getitem__(self, key: str) -> str:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._plain)

    def __len__(self) -> int:
        return len(self._plain)

    # -- composition ------------------------------------------------------------------
    def _parse(self, key: str) -> str | None:
        best: tuple[int, str] | None = None
        for parts in self._segments(key, 0, 4):
            canon = _meaning(parts)
            if canon is not None and (best is None or len(parts) < best[0]):
                best = (len(parts), canon)
        return best[1] if best else None

    def _segments(self, key: str, start: int, budget: int) -> Iterator[list[_Part]]:
        if start == len(key):
            yield []
            return
        if not budget:
            return
        for n in self._lengths:
            if start + n > len(key):
                break
            for part in self._parts.get(key[start:start + n], ()):
                for rest in self._segments(key, start + n, budget - 1):
                    yield [part, *rest]

    # -- hints ------------------------------------------------------------------------
    def _near_words(self, word: str) -> tuple[str, ...]:
        return tuple(difflib.get_close_matches(word, self._words, n=3, cutoff=0.8))

    def is_bare_impact(self, header: str) -> bool:
        """Whether a header names an impact without saying cost or time (``Impact``,
        ``Auswirkung``, ``Gevolg``)."""
        return normalise_header(header) in self._bare

    def suggest(self, header: str, wanted: Collection[str]) -> tuple[str, str] | None:
        """The header corrected, and the column it names, when ``header`` is a near miss
        of a known header for one of the ``wanted`` columns: one word misspelt (``Cost
        Impact Most Likley``) or the whole header (``Probabilty``). None otherwise."""
        key = normalise_header(header)
        if len(key) < 4 or self.get(key) is not None:
            return None
        words = list(re.finditer(r"\w+", header))
        for m in words:
            word = fold(m.group())
            if len(word) < 4 or word in self._words:
                continue
            for near in self._near(word):
                fixed = header[:m.start()] + _case_of(m.group(), self._words[near]) \
                    + header[m.end():]
                canon = self.get(normalise_header(fixed))
                if canon is not None and canon in wanted:
                    return fixed.strip(), canon
        for near in difflib.get_close_matches(key, self._plain, n=3, cutoff=0.85):
            if self._plain[near] in wanted:
                return self._display[near], self._plain[near]
        return None


def _case_of(written: str, word: str) -> str:
    """``word`` in the case ``written`` has (upper, capitalised or lower)."""
    if written.isupper() and len(written) > 1:
        return word.upper()
    if written[:1].isupper():
        return word[:1].upper() + word[1:]
    return word[:1].lower() + word[1:]


def _meaning(parts: list[_Part]) -> str | None:
    """The column a sequence of parts names, if any."""
    modifiers = [p for p in parts if p.kind in ("mitigated", "before")]
    core = [p for p in parts if p.kind not in ("mitigated", "before")]
    if len(modifiers) > 1:
        return None
    prefix = "mitigated_" if modifiers and modifiers[0].kind == "mitigated" else ""
    kinds = sorted(p.kind for p in core)
    if kinds == ["impact"]:
        return f"{prefix}{core[0].value}_impact"
    if kinds == ["impact", "point"]:
        impact = next(p.value for p in core if p.kind == "impact")
        point = next(p.value for p in core if p.kind == "point")
        return f"{prefix}{impact}_{point}"
    if kinds == ["probability"] and modifiers:
        return f"{prefix}probability"
    return None


def _canonical_names() -> list[str]:
    names = ["id", "title", "description", "category", "type", "owner", "status", "project",
             "probability", "distribution", "activities", "mitigation", "correlation_group",
             "mitigation_cost", "review_date", "depends_on", "exclusive_group"]
    names += [f"{i}_factor_{p}" for i in _IMPACTS for p in _POINTS]
    names += [f"{i}_impact" for i in _IMPACTS]
    names += [f"{i}_{p}" for i in _IMPACTS for p in _POINTS]
    names += [f"mitigated_{c}" for c in ("probability", "cost_impact", "schedule_impact")]
    names += [f"mitigated_{i}_{p}" for i in _IMPACTS for p in _POINTS]
    return names


def _word_list(files: Mapping[str, Mapping]) -> dict[str, str]:
    """Every word of every phrase, folded -> as first written (for suggestions)."""
    words: dict[str, str] = {}

    def walk(value: object) -> None:
        if isinstance(value, str):
            for m in re.finditer(r"\w+", value):
                words.setdefault(fold(m.group()), m.group())
        elif isinstance(value, Mapping):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    for f in files.values():
        walk({k: v for k, v in f.items() if k != "language"})
    return words


def _english_table() -> dict[str, tuple[str, ...]]:
    """The English phrases by canonical column, composed forms written out: what
    README.md shows and ``REGISTER_ALIASES`` lists."""
    english = _FILES["en"]
    shown: dict[str, list[str]] = {}

    def add(canon: str, *phrases: str) -> None:
        shown.setdefault(canon, []).extend(phrases)

    for canon, phrases in english["columns"].items():
        add(canon, canon, *phrases)
        if canon == "category":
            add("type", "type", *TYPE_HEADERS)
    for name, p in parameter_columns().items():
        add(name, name, *p.aliases)
    points = english["points"]
    for impact, words in english["impacts"].items():
        add(f"{impact}_impact", f"{impact}_impact", *words)
        for point, pwords in points.items():
            canon = f"{impact}_{point}"
            add(canon, canon)
            for w, p in product(words, pwords):
                add(canon, f"{w} {p}", f"{p} {w}")
    before = [normalise_header(w) for w in english["before"]]
    for canon in ("probability", "cost_impact", "schedule_impact",
                  *(f"{i}_{p}" for i in english["impacts"] for p in points)):
        base = [s for s in shown[canon] if "_" not in s
                and not normalise_header(s).startswith(tuple(before))]
        add(f"mitigated_{canon}", f"mitigated_{canon}")
        for w, b in product(english["mitigated"], base):
            add(f"mitigated_{canon}", f"{w} {b}", f"{b} {w}")
    return {k: tuple(dict.fromkeys(v)) for k, v in shown.items()}


#: The English headers recognised, by canonical column (composed forms written out).
#: Other languages: :data:`HEADER_LANGUAGES` and the files ``riskkit/io/words/headers_*.json``.
REGISTER_ALIASES: dict[str, tuple[str, ...]] = _english_table()
#: Every header of every language: normalised header -> canonical column.
REGISTER_HEADERS = RegisterHeaders()


def check_columns(header: tuple[str, ...], found: Mapping[str, int], unrecognised: list[int],
                  canonical: Collection[str], source: str) -> tuple[list[Problem], str | None]:
    """What a register's header lacks, and the near misses among the headers it has.

    A header that is not recognised but is a near miss of a column the file needs (its
    id, its probability, an impact, or the missing point of a three-point estimate) is
    an error that names the header as written and the header it looks like, once,
    instead of an error on every row; a near miss of a column the file can do without
    is named in the note of the columns not used. Returns the problems (the register
    cannot be read when there are any) and that note.
    """
    missing = set(canonical) - set(found)
    needed: set[str] = {c for c in ("id", "probability") if c in missing}
    if not any(c.startswith(("cost_", "schedule_")) for c in found):
        needed |= {c for c in missing if c.startswith(("cost_", "schedule_"))}
    for prefix, impact in product(("", "mitigated_"), _IMPACTS):
        points = [f"{prefix}{impact}_{p}" for p in _POINTS]
        if any(p in found for p in points):
            needed |= {p for p in points if p not in found}
    near = {i: REGISTER_HEADERS.suggest(header[i], missing) for i in unrecognised}
    problems, covered, hints = [], set(), {}
    for i, suggestion in near.items():
        if suggestion is None:
            continue
        fixed, canon = suggestion
        advice = f'did you mean {fixed!r}? correct it, or map it: --map "{header[i]}={canon}"'
        if canon in needed:
            problems.append(Problem("not a header riskkit knows",
                                    source=source, column=header[i], hint=advice))
            covered.add(canon)
        else:
            hints[i] = advice
    general = []
    if "id" in missing and "id" not in covered:
        general.append(Problem(
            "no risk id column", source=source,
            hint="name a column 'ID' or 'Risk ID', or map one with --map \"Header=id\""))
    if "probability" in missing and "probability" not in covered:
        general.append(Problem(
            "no probability column", source=source,
            hint="name a column 'Probability' or 'Likelihood', or map one with --map"))
    if (not any(c.startswith(("cost_", "schedule_")) for c in found)
            and not any(c.startswith(("cost_", "schedule_")) for c in covered)):
        hint = ("add 'Cost Min / Cost Most Likely / Cost Max' (or 'Cost Impact'), and/or the "
                "same for 'Schedule'")
        bare = [header[i] for i in unrecognised if REGISTER_HEADERS.is_bare_impact(header[i])]
        if bare:
            hint = (f"{bare[0]!r} does not say whether it is a cost or a time impact: map it, "
                    f'e.g. --map "{bare[0]}=cost_impact" or --map "{bare[0]}=schedule_impact"; '
                    f"or {hint}")
        general.append(Problem("no cost or schedule impact column", source=source, hint=hint))
    if general:
        general.append(Problem("headers found: " + ", ".join(map(repr, header)), source=source))
    if problems or general:  # the file is refused: name every near miss at once
        problems += [Problem("not a header riskkit knows (a column riskkit would leave out)",
                             source=source, column=header[i], hint=advice)
                     for i, advice in hints.items()]
    note = None
    if unrecognised:
        note = f"{source}: columns not used by riskkit: " + ", ".join(
            repr(header[i]) + (f" ({hints[i]})" if i in hints else "") for i in unrecognised)
    return problems + general, note
