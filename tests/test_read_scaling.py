"""Reading a schedule does work in proportion to its size (issue 18: reading scales
linearly). Counted in function calls, which do not depend on the machine's speed; the
times are in benchmarks/bench_read_schedule.py."""

from __future__ import annotations

import cProfile
import pstats
import warnings

import riskkit as rk

TYPES = ("FS", "SS", "FF", "SF")


def _chain(path, n: int):
    lines = ["id,name,duration,predecessors"]
    for i in range(n):
        pred = "" if i == 0 else f"A{i - 1} {TYPES[i % 4]}+{i % 3}d"
        lines.append(f"A{i},Activity {i},{1 + i % 7},{pred}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _calls(path) -> int:
    profile = cProfile.Profile()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        profile.enable()
        schedule = rk.read_schedule(path)
        profile.disable()
    assert len(schedule.links) == len(schedule) - 1
    return sum(row[1] for row in pstats.Stats(profile).stats.values())


def test_reading_typed_lags_is_linear(tmp_path):
    # every link carries a type and a lag: the case whose ids were folded again for
    # every link (4x the calls for 2x the activities)
    small = _calls(_chain(tmp_path / "small.csv", 600))
    large = _calls(_chain(tmp_path / "large.csv", 1_200))
    assert 1.9 < large / small < 2.1


def test_typed_lag_still_names_ids_case_insensitively(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("id,duration,predecessors\nAb,2,\nc1,3,ab SS+1\nC2,1,\"C1 FF+2d\"\n",
                    encoding="utf-8")
    sch = rk.read_schedule(path)
    assert [(lk.predecessor, lk.type, lk.lag) for lk in sch.links] == [
        ("Ab", "SS", 1.0), ("c1", "FF", 2.0)]
    # Ab 0-2; c1 starts 1 day after Ab starts (1-4); C2 finishes 2 days after c1 (5-6)
    assert sch.duration() == 6.0
