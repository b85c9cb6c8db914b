"""The one exception family of riskkit.

Every input problem is collected as a :class:`Problem` (file, spreadsheet row, column as
the user wrote it, value, what is wrong, a hint) and raised once in an :class:`InputError`
that lists them all, so a user can fix a register in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass


class RiskkitError(Exception):
    """Base class of every error riskkit raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    ``row`` counts the lines of the file as a spreadsheet shows them: the header is
    row 1. ``row`` and ``column`` are None when the problem concerns the whole file.
    """

    message: str
    source: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = ", ".join(where)
        text = f"{text}: " if text else ""
        text += self.message
        if self.value is not None:
            text += f" (value {self.value!r})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class InputError(RiskkitError, ValueError):
    """Bad input: carries every :class:`Problem` found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem | str, source: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems, source=source)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems found:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class InputWarning(UserWarning):
    """Something in an input was left out or ignored; the message says what and where."""


class OptionError(RiskkitError, ValueError):
    """A keyword option has a value outside its allowed set."""

    def __init__(self, name: str, value: object, allowed: str):
        super().__init__(f"{name} must be {allowed}; got {value!r}")
        self.name = name
        self.value = value
