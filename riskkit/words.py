"""The vocabulary files (``riskkit/io/words/*.json``): the one loader.

Words that people write (column names in each language, status words, labels, units,
summary-row words) are data, not code: a contributor adds a language or a phrase by
editing a JSON file. The files live with the readers, as package data, so that every
word list is in one folder; this module sits at the bottom of the package so that the
model (status words) and the readers read them the same way. Every file explains itself
in a ``"_comment"`` key; keys starting with ``_`` are comments at any depth and are
dropped when the file is read.
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
    name = name.removesuffix(".json")
    folder = resources.files("riskkit").joinpath("io").joinpath("words")
    text = folder.joinpath(f"{name}.json").read_text(encoding="utf-8")
    return _strip_comments(json.loads(text))


def word_files(prefix: str) -> tuple[str, ...]:
    """The names (without ``.json``) of the vocabulary files starting with ``prefix``,
    sorted."""
    folder = resources.files("riskkit").joinpath("io").joinpath("words")
    return tuple(sorted(p.name[:-5] for p in folder.iterdir()
                        if p.name.startswith(prefix) and p.name.endswith(".json")))
