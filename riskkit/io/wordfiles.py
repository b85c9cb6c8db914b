"""The vocabulary files of the readers (``riskkit/io/words/*.json``).

Words that people write (column names in each language, units) are data, not code: a
contributor adds a language or a phrase by editing a JSON file. Every file explains
itself in a ``"_comment"`` key; keys starting with ``_`` are comments at any depth and
are dropped when the file is read.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["read_words", "word_files"]


def _strip_comments(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_comments(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_strip_comments(v) for v in value]
    return value


@cache
def read_words(name: str) -> Any:
    """The content of ``words/<name>.json``, comments dropped (read once, then cached;
    treat it as read-only)."""
    text = resources.files("riskkit.io").joinpath("words").joinpath(f"{name}.json").read_text(
        encoding="utf-8")
    return _strip_comments(json.loads(text))


def word_files(prefix: str) -> tuple[str, ...]:
    """The names (without ``.json``) of the vocabulary files starting with ``prefix``,
    sorted."""
    folder = resources.files("riskkit.io").joinpath("words")
    return tuple(sorted(p.name[:-5] for p in folder.iterdir()
                        if p.name.startswith(prefix) and p.name.endswith(".json")))
