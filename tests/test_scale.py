import io

import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.io.scale import DEFAULT_SCALE, read_scale


def load(text, **kwargs):
    fh = io.BytesIO(text.encode())
    fh.name = "qual.csv"
    return rk.read_register(fh, **kwargs)


def test_labels_use_the_documented_default_scale():
    with pytest.warns(rk.InputWarning, match="qualitative scores read with the riskkit default"):
        reg = load("ID,Likelihood,Schedule Impact,Cost Impact,Residual Likelihood\n"
                   "R1,High,Medium,1000,low\nR2,Almost certain,Severe,500,\n")
    row = reg.frame.iloc[0]
    assert row["probability"] == 0.6 and row["mitigated_probability"] == 0.2
    assert (row["schedule_min"], row["schedule_most_likely"], row["schedule_max"]) == (10, 20, 30)
    assert reg.frame.iloc[1]["probability"] == 0.8
    assert reg.scale == "riskkit default scale: probability, schedule"


def test_explicit_values_in_score_cells_win():
    reg = load("ID,Probability,Schedule Impact\nR1,4 = 75%,3 = 12\n")
    row = reg.frame.iloc[0]
    assert row["probability"] == 0.75 and row["schedule_max"] == 12
    assert reg.scale is None  # nothing was read through the scale


def test_numeric_scores_need_a_scale(capsys, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("ID,Likelihood,Schedule Impact\nR1,4,3\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "1-5 score" in err and "--scale default" in err
    reg = rk.read_register(path, scale="default")
    assert reg.frame.loc[0, "probability"] == 0.6
    assert reg.frame.loc[0, "schedule_most_likely"] == 20
    assert main(["validate", str(path), "--scale", "default"]) == 0
    assert "scores read with the riskkit default scale" in capsys.readouterr().out


def test_cost_labels_need_a_scale_with_cost_levels(tmp_path):
    reg_path = tmp_path / "reg.csv"
    reg_path.write_text("ID,Likelihood,Cost Impact\nR1,Medium,High\nR2,Low,Low\n")
    with pytest.raises(rk.InputError, match="does not say what it means for cost") as info:
        rk.read_register(reg_path)
    assert "cost,4,High" in str(info.value)
    scale = tmp_path / "scale.csv"
    scale.write_text("dimension,score,labels,low,most_likely,high\n"
                     "probability,2,Low,10%,20%,30%\nprobability,3,Medium,30%,40%,50%\n"
                     'cost,2,Low,"£10,000","£20,000","£40,000"\n'
                     'cost,4,High,"£100,000","£250,000","£500,000"\n')
    reg = rk.read_register(reg_path, scale=scale)
    assert reg.frame["cost_most_likely"].tolist() == [250_000, 20_000]
    assert reg.frame["probability"].tolist() == pytest.approx([0.4, 0.2])
    res = rk.simulate(reg, iterations=20_000, rng=1)
    exact = 0.4 * 850_000 / 3 + 0.2 * 70_000 / 3
    assert res.cost.mean() == pytest.approx(exact, rel=0.02)


def test_bad_scales_are_reported(tmp_path):
    path = tmp_path / "scale.csv"
    path.write_text("dimension,score,labels,low,most_likely,high\n"
                    "likelihood,1,Low,0.1,0.2,0.3\nprobability,2,Mid,0.5,0.4,0.6\n"
                    "probability,3,High,0.5,0.7,1.5\n")
    with pytest.raises(rk.InputError) as info:
        read_scale(path)
    text = str(info.value)
    assert "unknown dimension" in text and "low <= most likely <= high" in text
    assert "between 0 and 1" in text
    assert read_scale("default") is DEFAULT_SCALE
