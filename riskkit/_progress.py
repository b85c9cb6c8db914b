"""Progress bars: tqdm.auto when a run is long enough to need one, never otherwise.

Compute functions take ``progress=None`` (decide from the expected work), ``True`` or
``False``. Bars go to standard error, so they never mix with ``--json -`` output.
"""

from __future__ import annotations

from typing import Any

#: Expected work, in risk-iterations and activity-iterations, above which a bar shows
#: by default (about two seconds on the development machine).
AUTO_THRESHOLD = 3e8


class Silent:
    """A progress bar that shows nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass


def bar(total: int, desc: str, progress: bool | None, work: float) -> Any:
    """A tqdm bar of ``total`` steps, or a silent stand-in."""
    show = work >= AUTO_THRESHOLD if progress is None else bool(progress)
    if not show or total <= 1:
        return Silent()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="step", leave=False)
