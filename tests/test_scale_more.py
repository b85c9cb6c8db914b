"""Scores on a scale read one way per column, hints that propose only what loads, scale
CSV errors and custom scales that extend the default labels (issue 16, points 3, 12, 13
and 14)."""

import io
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.io.scale import read_scale


def load(text, name="reg.csv", **kwargs):
    fh = io.BytesIO(text.encode("utf-8"))
    fh.name = name
    return rk.read_register(fh, **kwargs)


def problems(text, **kwargs):
    with pytest.raises(rk.InputError) as info:
        load(text, **kwargs)
    return info.value.problems


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


TEN_LEVELS = "dimension,score,labels,low,most_likely,high\n" + "".join(
    f"schedule,{k},L{k},{k},{2 * k},{3 * k}\nprobability,{k},P{k},{k - 1}%,{k}%,{k + 1}%\n"
    for k in range(1, 11))


# --- 3. negative scores ----------------------------------------------------------------
def test_a_negative_score_is_an_opportunity_of_its_level_never_a_fixed_value():
    with pytest.warns(rk.InputWarning) as record:
        reg = load("ID,Probability,Schedule Impact\nR1,3,5\nR2,3,-4\nR3,3,4\n", scale="default")
    r1, r2, r3 = reg.risks
    assert r1.schedule.estimate == (60, 90, 120)
    assert r3.schedule.estimate == (30, 45, 60)
    assert r2.schedule.estimate == (-60, -45, -30)  # level 4, an opportunity
    assert any("negative scores read as opportunities of their level" in str(w.message)
               and "row 3, column" in str(w.message)
               for w in record)
    res = rk.simulate(reg, iterations=20_000, rng=3)
    values = np.asarray(res.schedule)
    exact = 0.4 * (90 - 45 + 45)
    assert abs(values.mean() - exact) < 4 * values.std(ddof=1) / math.sqrt(len(values))


def test_a_negative_score_of_an_opportunity_is_read_once_and_a_negative_probability_refused():
    reg = load("ID,Type,Probability,Schedule Impact\nR1,Opportunity,3,-4\nR2,Opportunity,3,4\n",
               scale="default")
    assert reg.risk("R1").schedule.estimate == reg.risk("R2").schedule.estimate == (-60, -45, -30)
    found = problems("ID,Probability,Schedule Impact\nR1,-3,4\nR2,2,3\n", scale="default")
    assert [p.message for p in found] == ["a probability score cannot be negative (-3)"]


# --- 12. hints that load -------------------------------------------------------------
def test_a_probability_of_150_is_not_told_to_write_150_percent():
    (p,) = problems("ID,Probability,Cost Impact\nR1,150,100\n")
    assert "150%" not in p.hint and "at most 100%" in p.hint
    (q,) = problems("ID,Probability,Cost Impact\nR1,150%,100\n")
    assert q.message == "probability above 100%" and q.value == "150%"
    # what the hints do propose loads
    (r,) = problems("ID,Probability,Cost Impact\nR1,35,100\n")
    assert "write 35% for a percentage" in r.hint
    assert load("ID,Probability,Cost Impact\nR1,35%,100\n").risks[0].probability == 0.35


def test_a_score_hint_names_a_scale_that_can_read_it():
    (p,) = problems("ID,Probability,Cost Impact\nR1,4,100\n")
    assert "--scale default" in p.hint
    (q,) = problems("ID,Probability,Cost Impact\nR1,8,100\n")
    assert "--scale default" not in q.hint and "levels go up to 8" in q.hint


# --- 13. hints never propose a column that does not exist; scores off the scale ---------
def test_a_duplicate_header_hint_proposes_only_real_columns(tmp_path, capsys):
    path = write(tmp_path, "reg.csv", "ID,Risk,Risk,Probability,Cost Impact\n"
                                      "R1,Flood,Flood of the site,50%,100\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "mitigated_title" not in err and '--map "Risk#2=ignore"' in err
    assert main(["validate", str(path), "--map", "Risk#2=ignore"]) == 0
    # where a post-mitigation twin exists, it is still the proposal
    path = write(tmp_path, "twice.csv", "ID,Probability,Probability,Cost Impact\n"
                                        "R1,50%,20%,100\n")
    assert main(["validate", str(path)]) == 2
    assert '--map "Probability#2=mitigated_probability"' in capsys.readouterr().err


def test_a_score_off_the_scale_says_so_and_lists_the_levels():
    found = problems("ID,Probability,Schedule Impact\nR1,3,4\nR2,3,7\nR3,3,2\n",
                     scale="default")
    assert [p.message for p in found] == [
        "7 is not a schedule score of the riskkit default scale"]
    assert found[0].row == 3 and found[0].column == "Schedule Impact"
    assert "1 (Very low), 2 (Low), 3 (Medium), 4 (High), 5 (Very high)" in found[0].hint


def test_half_levels_are_refused_and_float_scores_match_their_level(tmp_path):
    scale = read_scale(write(tmp_path, "ten.csv", TEN_LEVELS))
    (p,) = problems("ID,Probability,Schedule Impact\nR1,3,1.5\nR2,3,2\n", scale=scale)
    assert "has no half levels" in p.message and p.value == "1.5"
    # a column of floats, as a workbook or a DataFrame gives it
    frame = pd.DataFrame({"ID": ["R1", "R2"], "Probability": [9.0, 2.0],
                          "Schedule Impact": [9.0, 10.0]})
    reg = rk.read_register(frame, scale=scale)
    assert reg.risk("R1").probability == pytest.approx(0.09)
    assert reg.risk("R1").schedule.estimate == (9, 18, 27)
    assert reg.risk("R2").schedule.estimate == (10, 20, 30)


def test_a_column_of_values_is_never_partly_read_as_scores():
    with pytest.warns(rk.InputWarning, match="not as levels, including one that looks like"):
        reg = load("ID,Probability,Schedule Impact\nR1,30%,12\nR2,40%,3\nR3,50%,25\n",
                   scale="default")
    assert [r.schedule.mean for r in reg] == [12, 3, 25]  # 3 is 3 days, not level 3


# --- 14. scale CSV errors and custom scales extending the default labels -----------------
def test_a_scale_csv_error_lists_the_columns_found(tmp_path):
    path = write(tmp_path, "scale.csv", "Dim,Score,Name,Lo,Mid,Hi\ncost,1,Low,1,2,3\n")
    with pytest.raises(rk.InputError) as info:
        read_scale(path)
    (p,) = info.value.problems
    assert "'Dim', 'Score', 'Name', 'Lo', 'Mid', 'Hi'" in p.hint
    assert "dimension,score,labels,low,most_likely,high" in p.hint


def test_the_hint_proposing_a_scale_row_shows_its_header(tmp_path):
    (p,) = problems("ID,Probability,Cost Impact\nR1,Medium,High\n")
    assert "header 'dimension,score,labels,low,most_likely,high'" in p.hint
    assert "'cost,4,High,100000,250000,500000'" in p.hint
    # the proposed file loads and reads the cell
    scale = write(tmp_path, "scale.csv", "dimension,score,labels,low,most_likely,high\n"
                                         "cost,4,High,100000,250000,500000\n")
    assert load("ID,Probability,Cost Impact\nR1,Medium,High\n",
                scale=scale).risk("R1").cost.estimate == (100000, 250000, 500000)


def test_a_custom_scale_extends_the_default_labels_unless_it_says_otherwise(tmp_path):
    text = "ID,Probability,Cost Impact\nR1,Medium,High\nR2,Hoch,Niedrig\nR3,Likely,3\n"
    cost = "".join(f"cost,{k},C{k},{k}000,{2 * k}000,{3 * k}000\n" for k in range(1, 6))
    scale = write(tmp_path, "scale.csv", "dimension,score,labels,low,most_likely,high\n"
                  + cost)
    with pytest.warns(rk.InputWarning, match="probability labels from the riskkit default"):
        reg = load(text, scale=scale)
    # probability from the default's labels, cost at the scale's own numbers by the
    # default's words for its scores 1-5 (High = 4, Niedrig = 2) and by score
    assert [r.probability for r in reg] == pytest.approx([0.4, 0.6, 0.6])
    assert [r.cost.estimate for r in reg] == [(4000, 8000, 12000), (2000, 4000, 6000),
                                              (3000, 6000, 9000)]
    only = write(tmp_path, "only.csv", "dimension,score,labels,low,most_likely,high\n"
                 + cost + "extends,,none,,,\n")
    with pytest.raises(rk.InputError, match="'Medium' is not a level"):
        load(text, scale=only)
    with pytest.raises(rk.InputError, match="'Medium' is not a level"):
        load(text, scale=read_scale(scale, extend=False))


def test_a_custom_probability_scale_keeps_its_own_numbers_for_default_words(tmp_path):
    probability = "".join(f"probability,{k},P{k},{k * 10 - 5}%,{k * 10}%,{k * 10 + 5}%\n"
                          for k in range(1, 6))
    scale = write(tmp_path, "scale.csv", "dimension,score,labels,low,most_likely,high\n"
                  + probability.replace("P3", "P3;Medium-ish"))
    reg = load("ID,Probability,Schedule Impact\nR1,Medium,Medium\nR2,Élevé,Major\n"
               "R3,Medium-ish,1\n", scale=scale)
    assert [r.probability for r in reg] == pytest.approx([0.3, 0.4, 0.3])
    # schedule labels from the default scale; its scores are not read from the default
    assert [r.schedule.estimate[1] for r in reg] == [20, 45, 1]


def test_a_cost_column_of_small_whole_numbers_is_named_as_possible_scores(tmp_path):
    """Review of #16: 'High,4,4' rows read the 4 as money without a word said."""
    path = tmp_path / "scored.csv"
    path.write_text("ID,Likelihood,Cost Impact,Schedule Impact\nR1,High,4,4\nR2,Medium,3,2\n"
                    "R3,Low,2,1\nR4,High,5,3\n")
    with pytest.warns(rk.InputWarning, match=r"'Cost Impact' holds only whole numbers from 2 "
                                             r"to 5: read as amounts of money"):
        reg = rk.read_register(path)
    assert reg.risks[0].cost.mean == 4.0  # read as written, and said
    money = tmp_path / "money.csv"
    money.write_text("ID,Probability,Cost Impact\nR1,0.5,£4\nR2,0.2,£3\nR3,0.1,£2\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", rk.InputWarning)
        rk.read_register(money)  # written as money: nothing to say
