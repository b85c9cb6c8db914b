"""Status words, threats and opportunities by a type column, labels in other languages
(issue 16, points 1, 2 and the labels of 6)."""

import io
import math
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import riskkit as rk
from riskkit.cli import main
from riskkit.io.scale import DEFAULT_SCALE


def load(text, name="reg.csv", **kwargs):
    fh = io.BytesIO(text.encode("utf-8"))
    fh.name = name
    return rk.read_register(fh, **kwargs)


def messages(record):
    return [str(w.message) for w in record if issubclass(w.category, rk.InputWarning)]


def mean_and_tolerance(values):
    """The Monte Carlo mean and four standard errors of it."""
    values = np.asarray(values, dtype=float)
    return values.mean(), 4 * values.std(ddof=1) / math.sqrt(len(values))


# --- 1. status words -----------------------------------------------------------------
CLOSED = ["Resolved", "Eliminated", "Geschlossen", "Erledigt", "Chiuso", "Fermé", "Cerrado",
          "Fechado", "Gesloten", "Zamknięte", "Закрыт", "CLOSED", "Closed - no longer relevant"]
REALISED = ["Occurred", "Realised", "Closed - realised", "Eingetreten", "Closed (occurred)"]


def test_closed_words_of_every_language_leave_the_risk_out():
    # each closed risk would add 1,000 for sure; the open one adds 10
    rows = "".join(f"C{i},{word},100%,1000\n" for i, word in enumerate(CLOSED))
    reg = load("ID,Status,Probability,Cost Impact\nO1,Open,100%,10\n" + rows)
    assert reg.closed_ids == tuple(f"C{i}" for i in range(len(CLOSED)))
    assert [r.id for r in reg.active_risks] == ["O1"]
    res = rk.simulate(reg, iterations=200, rng=1)
    assert set(np.unique(res.cost)) == {10.0}
    assert res.excluded == reg.closed_ids


def test_an_italian_register_with_chiuso_is_closed_not_simulated():
    reg = load("ID,Titolo,Status,Probability,Cost Impact\n"
               "R1,Ritardo permessi,Aperto,50%,100\nR2,Fornitore,Chiuso,50%,100\n")
    assert reg.closed_ids == ("R2",) and [r.id for r in reg.active_risks] == ["R1"]


def test_realised_risks_are_issues_left_out_and_reported(tmp_path, capsys):
    rows = "".join(f"X{i},{word},100%,1000\n" for i, word in enumerate(REALISED))
    text = "ID,Status,Probability,Cost Impact\nO1,Open,100%,10\n" + rows
    with pytest.warns(rk.InputWarning) as record:
        reg = load(text)
    assert reg.realised_ids == tuple(f"X{i}" for i in range(len(REALISED)))
    assert reg.closed_ids == () and [r.id for r in reg.active_risks] == ["O1"]
    note = next(m for m in messages(record) if "have occurred" in m)
    assert "'Occurred' (1 risk: X0)" in note and "'Closed - realised' (1 risk: X2)" in note
    assert "issue, not a risk" in note and "estimate" in note
    res = rk.simulate(reg, iterations=100, rng=1)
    assert set(np.unique(res.cost)) == {10.0} and len(res.excluded) == len(REALISED)
    assert "realised=5" in repr(reg) and "5 realised" in reg._repr_html_()
    path = tmp_path / "reg.csv"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr()
    assert "0 closed, 5 realised (issues)" in out.out and "have occurred" in out.err


def test_draft_on_hold_and_unknown_statuses_are_simulated_and_named():
    text = ("ID,Status,Probability,Cost Impact\n"
            "R1,Draft,100%,1\nR2,Proposed,100%,1\nR3,Proposed,100%,1\nR4,On hold,100%,1\n"
            "R5,Pending review,100%,1\nR6,Wibble,100%,1\nR7,Wibble,100%,1\nR8,Open,100%,1\n")
    with pytest.warns(rk.InputWarning) as record:
        reg = load(text)
    assert len(reg.active_risks) == 8
    notes = messages(record)
    draft = next(m for m in notes if "not yet accepted" in m)
    assert "'Draft' (1 risk: R1)" in draft and "'Proposed' (2 risks: R2, R3)" in draft
    assert "'Pending review' (1 risk: R5)" in draft
    assert any("'On hold' (1 risk: R4)" in m and "can still occur" in m for m in notes)
    unknown = next(m for m in notes if "not a status word" in m)
    assert "'Wibble' (2 risks: R6, R7)" in unknown and "Open" not in unknown.split(":")[1]
    assert rk.simulate(reg, iterations=50, rng=1).cost.min() == 8.0


def test_status_rules_and_the_model_agree():
    from riskkit.model.status import status_kind

    assert status_kind("Closed - not occurred") == "closed"
    assert status_kind("closed, did not occur") == "closed"
    assert status_kind("On hold until Q3") == "on_hold"
    assert status_kind("") == status_kind(None) == "open"
    # a register built in Python gets the same vocabulary
    reg = rk.RiskRegister([rk.Risk("A", 0.5, rk.Fixed(1), status="Geschlossen"),
                           rk.Risk("B", 0.5, rk.Fixed(1), status="Eingetreten"),
                           rk.Risk("C", 0.5, rk.Fixed(1), status="Entwurf")])
    assert (reg.closed_ids, reg.realised_ids, reg.excluded_ids) == (("A",), ("B",), ("A", "B"))
    assert "geschlossen" in rk.model.CLOSED_STATUSES


def test_status_vocabulary_file_names_each_word_once():
    from riskkit.model.status import STATUS_KINDS, status_kind, words_key
    from riskkit.words import read_words

    data = read_words("status")
    seen = {}
    for kind in STATUS_KINDS[:-1]:
        assert set(data[kind]) >= {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru"}
        for words in data[kind].values():
            for word in words:
                assert seen.setdefault(words_key(word), kind) == kind, word
                assert status_kind(word) == kind, word


# --- 2. threats and opportunities by a type column -------------------------------------
OPPORTUNITY_WORDS = ["Opportunity", "Chance", "Opportunité", "Opportunità", "Oportunidad",
                     "Szansa", "Возможность"]


@pytest.mark.parametrize("header", ["Type", "Threat/Opportunity", "Risk type"])
def test_a_type_column_makes_the_row_an_opportunity(header):
    rows = "".join(f"O{i},{w},50%,100,200,600\n" for i, w in enumerate(OPPORTUNITY_WORDS))
    with pytest.warns(rk.InputWarning, match="read as savings"):
        reg = load(f"ID,{header},Probability,Cost Min,Cost ML,Cost Max\n"
                   f"T1,Threat,50%,100,200,600\n{rows}")
    assert reg.risk("T1").cost.estimate == (100, 200, 600)
    for i in range(len(OPPORTUNITY_WORDS)):
        assert reg.risk(f"O{i}").cost.estimate == (-600, -200, -100)
    res = rk.simulate(reg, iterations=20_000, rng=7)
    exact = 0.5 * 300 * (1 - len(OPPORTUNITY_WORDS))
    mean, tol = mean_and_tolerance(res.cost)
    assert abs(mean - exact) < tol


def test_negative_impacts_of_an_opportunity_are_read_once():
    text = ("ID,Category,Threat/Opportunity,Probability,Cost Impact,Schedule Min,"
            "Schedule ML,Schedule Max\n"
            "R1,Design,Opportunity,40%,-500,-10,-5,-2\n"      # already signed
            "R2,Design,Opportunity,40%,500,2,5,10\n"          # magnitudes
            "R3,Design,Opportunity,40%,,-10,0,5\n")           # both signs: ambiguous
    with pytest.warns(rk.InputWarning) as record:
        reg = load(text)
    r1, r2, r3 = reg.risks
    assert r1.cost.mean == r2.cost.mean == -500
    assert r1.schedule.estimate == r2.schedule.estimate == (-10, -5, -2)
    assert r3.schedule.estimate == (-10, 0, 5)
    notes = messages(record)
    assert any("row 4: an opportunity" in m and "ambiguous" in m for m in notes)
    assert any("row 3: an opportunity" in m and "negated once" in m for m in notes)
    assert r1.category == "Design"


def test_a_type_column_of_categories_stays_the_category_and_a_mix_is_named():
    with pytest.warns(rk.InputWarning) as record:
        reg = load("ID,Type,Probability,Cost Impact\nR1,Technical,50%,100\n"
                   "R2,Opportunity,50%,100\nR3,Commercial,50%,100\n")
    assert [r.category for r in reg] == ["Technical", "Opportunity", "Commercial"]
    assert [r.cost.mean for r in reg] == [100, -100, 100]
    mix = next(m for m in messages(record) if "holds categories" in m)
    assert "'Technical' (1)" in mix and "'Opportunity' (1)" in mix and "as threats" in mix


def test_threat_rows_with_negative_impacts_and_other_words_are_named():
    with pytest.warns(rk.InputWarning) as record:
        reg = load("ID,Category,Risk Type,Probability,Cost Impact\n"
                   "R1,Site,Threat,50%,-100\nR2,Site,Maybe,50%,100\n")
    assert [r.cost.mean for r in reg] == [-100, 100]
    notes = messages(record)
    assert any("row 2: a threat" in m and "negative impacts" in m for m in notes)
    assert any("'Maybe' (1)" in m and "read as threats" in m for m in notes)


def test_an_opportunity_that_a_lognormal_cannot_describe_is_an_error():
    with pytest.raises(rk.InputError, match="never negative"):
        load("ID,Type,Probability,Cost Min,Cost ML,Cost Max,Distribution\n"
             "R1,Opportunity,50%,100,200,600,lognormal\n")


def test_a_post_mitigation_opportunity_takes_the_values_as_written():
    reg = load("ID,Type,Probability,Cost Min,Cost ML,Cost Max,Residual Cost Max\n"
               "R1,Opportunity,50%,100,200,600,300\n")
    r = reg.risk("R1")
    assert r.cost.estimate == (-600, -200, -100)
    assert r.exposure("mitigated").cost.estimate == (-300, -200, -100)


# --- 6. labels in other languages -----------------------------------------------------
LABELS = {
    "de": ["Sehr niedrig", "Niedrig", "Mittel", "Hoch", "Sehr hoch"],
    "fr": ["Très faible", "Faible", "Moyen", "Élevé", "Très élevé"],
    "es": ["Muy bajo", "Bajo", "Medio", "Alto", "Muy alto"],
    "it": ["Molto basso", "Basso", "Medio", "Alto", "Molto alto"],
    "pt": ["Muito baixa", "Baixa", "Média", "Alta", "Muito alta"],
    "nl": ["Zeer laag", "Laag", "Middel", "Hoog", "Zeer hoog"],
    "pl": ["Bardzo niskie", "Niskie", "Średnie", "Wysokie", "Bardzo wysokie"],
    "ru": ["Очень низкий", "Низкий", "Средний", "Высокий", "Очень высокий"],
}
LIKELIHOOD = {"de": ["Unwahrscheinlich", "Möglich", "Wahrscheinlich", "Fast sicher"],
              "fr": ["Peu probable", "Possible", "Probable", "Très probable"],
              "es": ["Poco probable", "Posible", "Probable", "Casi seguro"],
              "it": ["Improbabile", "Possibile", "Probabile", "Quasi certo"],
              "pt": ["Improvável", "Possível", "Provável", "Quase certo"],
              "nl": ["Onwaarschijnlijk", "Mogelijk", "Waarschijnlijk", "Zeer waarschijnlijk"],
              "pl": ["Mało prawdopodobne", "Możliwe", "Prawdopodobne", "Prawie pewne"],
              "ru": ["Маловероятно", "Возможно", "Вероятно", "Почти наверняка"]}


@pytest.mark.parametrize("language", sorted(LABELS))
def test_localised_labels_read_with_the_default_scale(language):
    levels = LABELS[language]
    rows = "".join(f"R{i},{label},{label}\n" for i, label in enumerate(levels, start=1))
    rows += "".join(f"P{i},{w},{levels[2]}\n" for i, w in enumerate(LIKELIHOOD[language], 2))
    with pytest.warns(rk.InputWarning, match="qualitative scores read"):
        reg = load("ID,Probability,Schedule Impact\n" + rows)
    frame = reg.frame.set_index("id")
    assert frame.loc[[f"R{i}" for i in range(1, 6)], "probability"].tolist() == \
        pytest.approx([0.05, 0.2, 0.4, 0.6, 0.8])
    assert frame.loc[[f"R{i}" for i in range(1, 6)], "schedule_most_likely"].tolist() == \
        [2, 7, 20, 45, 90]
    assert frame.loc[[f"P{i}" for i in range(2, 6)], "probability"].tolist() == \
        pytest.approx([0.2, 0.4, 0.6, 0.8])


def test_a_german_register_with_title_rows_and_hoch_mittel_niedrig():
    text = ("Risikoregister Projekt Nordbahn,,,\nStand: 2027-03-01,,,\n"
            "ID,Title,Probability,Schedule Impact\n"
            "R1,Baugrund,Hoch,Mittel\nR2,Genehmigung,NIEDRIG,sehr hoch\n"
            "R3,Lieferant,Mittel,Gering\n")
    reg = load(text)
    assert reg.frame["probability"].tolist() == pytest.approx([0.6, 0.2, 0.4])
    assert reg.frame["schedule_most_likely"].tolist() == [20, 90, 7]


def test_labels_match_in_any_case_with_or_without_accents():
    for lv in DEFAULT_SCALE.levels:
        for label in lv.labels:
            bare = "".join(c for c in unicodedata.normalize("NFKD", label)
                           if not unicodedata.combining(c))
            for form in (label.upper(), label.lower(), bare, f"  {label} "):
                found = DEFAULT_SCALE.lookup(lv.dimension, form, scores=False)
                assert found is lv, (label, form)


def test_a_cost_label_in_another_language_still_asks_for_cost_levels():
    with pytest.raises(rk.InputError, match="does not say what it means for cost") as info:
        load("ID,Probability,Cost Impact\nR1,Hoch,Hoch\n")
    assert "cost,4,Hoch," in str(info.value)


# --- fuzz: any status text, any label casing -----------------------------------------

ALL_LABELS = [(lv.dimension, lv.score, label) for lv in DEFAULT_SCALE.levels
              for label in lv.labels]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_any_status_text_has_a_kind_and_loads(status):
    from riskkit.model.status import STATUS_KINDS, status_kind

    assert status_kind(status) in STATUS_KINDS
    cell = '"' + status.replace('"', '""') + '"'
    try:
        reg = load(f"ID,Status,Probability,Cost Impact\nR1,{cell},50%,10\n")
    except rk.InputError:
        return  # e.g. a status holding a line break that ends the row
    risk = reg.risks[0]
    assert risk.simulated is (risk.id not in reg.excluded_ids)
    assert (risk in reg.active_risks) is risk.simulated


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.sampled_from(ALL_LABELS), st.lists(st.booleans(), min_size=40, max_size=40))
def test_a_label_in_any_casing_reads_its_level(entry, upper):
    dimension, score, label = entry
    mixed = "".join(c.upper() if u else c.lower() for c, u in zip(label, upper))
    assert DEFAULT_SCALE.lookup(dimension, mixed, scores=False).score == score


def test_a_category_of_opportunity_with_positive_impacts_is_an_opportunity():
    with pytest.warns(rk.InputWarning, match=r"row 3: an opportunity \(column 'Category'\)"):
        reg = load("ID,Category,Probability,Cost Impact\nR1,Design,50%,100\n"
                   "R2,Opportunity,50%,100\nR3,Opportunity,50%,-100\n")
    assert [r.cost.mean for r in reg] == [100, -100, -100]
    assert [r.category for r in reg] == ["Design", "Opportunity", "Opportunity"]


def test_a_closed_status_that_also_says_reopened_is_named_not_left_out():
    """Review of #16: 'Closed - reopened' started with 'Closed' and was left out."""
    from riskkit.model.status import status_kind

    assert status_kind("Closed - reopened") == "unknown"
    assert status_kind("Closed - on hold") == "unknown"
    assert status_kind("Closed - no longer relevant") == "closed"
    frame = pd.DataFrame({"id": ["S1", "S4"], "probability": [0.5, 0.5],
                          "cost_impact": [100, 100], "status": ["Open", "Closed - reopened"]})
    with pytest.warns(rk.InputWarning, match="Closed - reopened"):
        reg = rk.read_register(frame)
    assert len(reg.active_risks) == 2
