import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.lines import Line2D

import riskkit as rk
from riskkit import plot
from riskkit._format import money, ratio_label

from .conftest import SAMPLES


@pytest.fixture(scope="module")
def model():
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    res = rk.simulate(reg, sch, iterations=4_000, rng=1)
    after = rk.simulate(reg, sch, iterations=4_000, rng=1, scenario="mitigated")
    drivers = rk.risk_drivers(reg, sch, iterations=2_000, rng=1)
    ranking = rk.rank_mitigations(reg, sch, iterations=2_000, rng=1, value_per_day=2_000)
    return reg, sch, res, after, drivers, ranking


def calls(model):
    reg, sch, res, after, drivers, ranking = model
    return {
        "s_curve": lambda ax: plot.s_curve({"before": res, "after": after}, "cost", ax=ax),
        "histogram": lambda ax: plot.histogram(res, "schedule", ax=ax),
        "tornado": lambda ax: plot.tornado(drivers, "cost", ax=ax, top=8),
        "mitigation_ranking": lambda ax: plot.mitigation_ranking(ranking, ax=ax),
        "heat_map": lambda ax: plot.heat_map(reg, ax=ax),
        "joint_confidence": lambda ax: plot.joint_confidence(res, ax=ax),
        "criticality": lambda ax: plot.criticality(res, ax=ax, top=10),
        "contingency_waterfall": lambda ax: plot.contingency_waterfall(res, ax=ax),
    }


NAMES = ["s_curve", "histogram", "tornado", "mitigation_ranking", "heat_map",
         "joint_confidence", "criticality", "contingency_waterfall"]


@pytest.mark.parametrize("name", NAMES)
def test_draws_on_the_given_axes_and_leaves_pyplot_alone(model, name):
    plt.close("all")
    fig, ax = plt.subplots()
    other, _ = plt.subplots()
    before = plt.get_fignums()
    out = calls(model)[name](ax)
    assert out is ax
    assert plt.get_fignums() == before and plt.gcf() is other
    assert ax.has_data() or ax.texts
    plt.close("all")


@pytest.mark.parametrize("name", NAMES)
def test_makes_its_own_figure_without_axes(model, name):
    plt.close("all")
    out = calls(model)[name](None)
    assert len(plt.get_fignums()) == 1 and out.figure is plt.gcf()
    plt.close("all")


def test_s_curve_marks_percentiles_at_the_right_x(model):
    _, _, res, after, *_ = model
    fig, ax = plt.subplots()
    plot.s_curve({"before": res, "after": after}, "cost", ax=ax, currency="£")
    markers = [line for line in ax.lines if line.get_marker() == "o"]
    xs = sorted(m.get_xdata()[0] for m in markers)
    expected = [res.percentile(q, "cost") for q in (0.1, 0.5, 0.8, 0.9)]
    assert xs == pytest.approx(expected)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert f"P80 {money(expected[2], '£')}" in texts and "base" in texts
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["before", "after"]
    plt.close(fig)


def test_histogram_percentile_lines(model):
    _, _, res, *_ = model
    fig, ax = plt.subplots()
    plot.histogram(res, "schedule", ax=ax)
    vlines = [line.get_xdata()[0] for line in ax.lines]
    assert vlines == pytest.approx([res.percentile(q, "schedule") for q in (0.1, 0.5, 0.8, 0.9)])
    plt.close(fig)


def test_tornado_bars_and_labels(model):
    """Threats by their P80 effect, largest on top; the opportunities below them as
    savings (bars to the left, labelled "saves")."""
    *_, drivers, _ = model
    fig, ax = plt.subplots()
    plot.tornado(drivers, "cost", ax=ax, top=6)
    assert len(ax.patches) == 6
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1].startswith(drivers.ids[0])  # the largest effect on top
    table = drivers.table
    threats = table[table["expected_cost_reduction"] >= 0]
    savings = table[table["expected_cost_reduction"] < 0].sort_values("p80_cost_reduction")
    assert len(savings) == 2  # OF-16 and OF-17: a third of the bars
    widths = [p.get_width() for p in ax.patches]
    assert widths[:4][::-1] == pytest.approx(list(threats["p80_cost_reduction"].head(4)))
    assert widths[4:][::-1] == pytest.approx(list(savings["p80_cost_reduction"]))
    texts = [t.get_text() for t in ax.texts]
    assert sum(t.startswith("saves £") or t.startswith("saves ") for t in texts) == 2
    plt.close(fig)


def test_mitigation_ranking_has_break_even_and_ratios(model):
    *_, ranking = model
    fig, ax = plt.subplots()
    plot.mitigation_ranking(ranking, ax=ax, top=5)
    diag = [line for line in ax.lines if isinstance(line, Line2D)
            and np.allclose(line.get_xdata(), line.get_ydata())]
    assert diag, "no break-even line"
    texts = [t.get_text() for t in ax.texts]
    for rec in ranking.table.head(5).to_dict("records"):
        ratio = rec["benefit_cost_ratio"]
        assert f"{rec['id']} {ratio_label(ratio)}" in texts
    # every mitigation that costs more than it saves is named in the box
    table = ranking.table
    losing = table[table["total_benefit"] < table["mitigation_cost"].fillna(0)]
    assert len(losing) >= 1
    box = next(t for t in texts if t.startswith("costs more than it saves"))
    for rec in losing.to_dict("records"):
        assert f"{rec['id']} {ratio_label(rec['benefit_cost_ratio'])}" in box.split(
            "\n", 1)[1]
    plt.close(fig)


def test_heat_map_places_every_risk_with_that_impact_and_opportunities_apart(model):
    reg, *_ = model
    fig, ax = plt.subplots()
    plot.heat_map(reg, ax=ax)
    positions = {}
    for t in ax.texts:
        for rid in t.get_text().replace("\n", " ").replace(",", " ").split():
            positions[rid] = t.get_position()
    with_cost = {r.id for r in reg.active_risks if r.cost is not None}
    opportunities = {r.id for r in reg.active_risks if r.cost is not None and r.cost.mean < 0}
    assert opportunities == {"OF-16"}
    assert with_cost <= set(positions) and "OF-17" not in positions  # no cost impact
    for rid in with_cost:
        assert (positions[rid][0] < 0) is (rid in opportunities)  # to the left
    assert "1 risk without a cost impact not on this map" in ax.get_xlabel()
    assert "OF-25" not in positions  # closed
    with pytest.raises(rk.OptionError):
        plot.heat_map(reg, ax=ax, probability_bands=(0.5, 0.1, 0.3, 0.7))
    plt.close(fig)


def test_joint_confidence_prints_the_joint_probability(model):
    _, _, res, *_ = model
    fig, ax = plt.subplots()
    c, t = res.percentile(0.7, "cost"), res.percentile(0.9, "schedule")
    plot.joint_confidence(res, cost=c, duration=t, ax=ax)
    joint = np.mean((res.cost <= c) & (res.schedule <= t))
    assert any(f"= {joint:.0%}" in x.get_text() for x in ax.texts)
    frontier = [line for line in ax.lines if line.get_label().startswith("70%")][0]
    # every frontier point has a joint probability of 70%
    for tt, cc in list(zip(frontier.get_xdata(), frontier.get_ydata()))[::10]:
        assert np.mean((res.cost <= cc) & (res.schedule <= tt)) == pytest.approx(0.7, abs=0.002)
    # it rises to the largest cost (any larger budget keeps the joint probability)
    assert frontier.get_ydata()[0] == res.cost.max()
    plt.close(fig)


def test_criticality_and_waterfall(model):
    _, _, res, *_ = model
    fig, (a, b) = plt.subplots(1, 2)
    plot.criticality(res, ax=a, top=7)
    assert len(a.patches) == 7
    assert a.patches[-1].get_width() == pytest.approx(res.activity_table()["criticality"].iloc[0])
    plot.contingency_waterfall(res, ax=b)
    heights = [p.get_height() for p in b.patches]
    base, p50, p80 = res.base_cost, res.percentile(0.5), res.percentile(0.8)
    assert heights == pytest.approx([base, p50 - base, p80 - p50, p80])
    plt.close(fig)


def test_criticality_leaves_out_skipped_activities_and_lists_ties_in_finish_order(model):
    _, _, res, *_ = model
    table = res.activity_table()
    full = table[table["criticality"] == table["criticality"].iloc[0]]
    assert len(full) >= 2 and full["mean_finish"].is_monotonic_increasing
    milestones = ["A01", "A38"]
    fig, ax = plt.subplots()
    plot.criticality(res, ax=ax, top=10, skip=milestones, skip_reason="milestones, not shown")
    shown = [t.get_text().split()[0] for t in ax.get_yticklabels()][::-1]  # top first
    assert not set(milestones) & set(shown)
    expected = [a for a in table["id"] if a not in milestones][:10]
    assert shown == expected
    assert "milestones, not shown: A01, A38" in ax.get_xlabel()
    plt.close(fig)


def test_mitigation_labels_do_not_overprint_each_other():
    """A crowd of mitigations near the origin: every label that is placed keeps clear
    of the others, and the best ten by ratio are all labelled."""
    import pandas as pd

    g = np.random.default_rng(2)
    n = 30
    cost = np.concatenate([g.uniform(0, 3_000, 20), g.uniform(3_000, 20_000, 10)]).round(-2)
    benefit = cost * g.uniform(1.1, 6.0, n)
    ranking = pd.DataFrame({"id": [f"R{i:02d}" for i in range(n)], "mitigation_cost": cost,
                            "total_benefit": benefit, "benefit_cost_ratio": benefit / cost})
    ranking = ranking.sort_values("benefit_cost_ratio", ascending=False).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7, 6))
    plot.mitigation_ranking(ranking, ax=ax, top=10)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_text()[:1] == "R"]
    texts = {t.get_text().split()[0] for t in labels}
    assert set(ranking["id"].head(10)) <= texts
    from matplotlib.text import Text

    boxes = [Text.get_window_extent(t, renderer) for t in labels]  # the text, not its leader
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)
    plt.close(fig)


def test_impact_bands_are_round_and_never_fail():
    assert plot.impact_bands_for(325_000) == [12_500, 25_000, 50_000, 100_000]
    assert plot.impact_bands_for(1_000_000) == [50_000, 100_000, 200_000, 400_000]
    for odd in (0.0, -5.0, float("nan"), float("inf")):  # no risk with a positive impact
        bands = plot.impact_bands_for(odd)
        assert bands == sorted(bands) and all(b > 0 for b in bands)


def test_mitigation_chart_takes_any_index_and_odd_rankings():
    """Review finding: labels were looked up by index label as if it were a position."""
    import pandas as pd

    r = pd.DataFrame({"rank": [1, 2, 3], "id": list("ABC"),
                      "mitigation_cost": [10.0, 10.0, 0.0], "total_benefit": [50.0, 1.0, -4.0]})
    r["net_benefit"] = r["total_benefit"] - r["mitigation_cost"]
    r["benefit_cost_ratio"] = np.where(r["mitigation_cost"] > 0,
                                       r["total_benefit"] / r["mitigation_cost"].where(
                                           r["mitigation_cost"] > 0, 1.0), np.nan)
    for frame in (r[r["id"] != "B"], r.sort_values("net_benefit"), r.set_index("id", drop=False),
                  r.head(0), r.assign(total_benefit=np.nan)):
        fig, ax = plt.subplots()
        plot.mitigation_ranking(frame, ax=ax)
        texts = [t.get_text() for t in ax.texts]
        box = next((t for t in texts if t.startswith("costs more than it saves")), "")
        labels = [t for t in texts if t != box and t != "break-even"]
        assert not any(t.startswith(("B ", "C ")) for t in labels)  # they lose money
        if "B" in set(frame["id"]) and frame["total_benefit"].notna().all():
            assert "B ×0.10" in box and "C (free)" in box and "A ×5.0" in texts
        plt.close(fig)


def test_frontier_draws_every_point_and_marks_the_efficient_ones(model):
    reg, sch, _, _, _, ranking = model
    frontier = rk.efficient_frontier(ranking, sch, register=reg, order="ranking", points=8)
    table = frontier.to_frame()
    assert len(table) == 8 and table["step"].tolist()[0] == 0
    for metric, column in (("cost", frontier.cost_column), ("schedule", frontier.finish_column)):
        fig, ax = plt.subplots()
        plot.frontier(frontier, metric, ax=ax, currency="£")
        line = ax.get_lines()[0]
        np.testing.assert_allclose(line.get_xdata(), table["mitigation_cost"])
        np.testing.assert_allclose(line.get_ydata(), table[column])
        filled = sum(len(c.get_offsets()) for c in ax.collections[:1])
        assert filled == int(table["efficient"].sum())
        texts = " ".join(t.get_text() for t in ax.texts)
        assert "no mitigation" in texts
        plt.close(fig)
