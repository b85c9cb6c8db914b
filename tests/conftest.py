from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # no display in tests; set before anything imports pyplot

import riskkit as rk  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_registers"
REALWORLD = ROOT.parent / "shared" / "realworld"


def register_from_text(text: str, **kwargs) -> rk.RiskRegister:
    """A register from CSV text, as if read from a file called 'test.csv'."""
    fh = io.BytesIO(text.encode("utf-8"))
    fh.name = "test.csv"
    return rk.read_register(fh, **kwargs)


@pytest.fixture(autouse=True)
def close_figures():
    """Every test starts and ends without open pyplot figures (a test that forgets to
    close one cannot leak memory or warnings into the next)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def write_csv(tmp_path):
    """Write CSV text (or bytes) to a file and return its path."""

    def write(text: str | bytes, name: str = "register.csv") -> Path:
        path = tmp_path / name
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8", newline="")
        else:
            path.write_bytes(text)
        return path

    return write
