"""Headers in any script and language (issue 16, points 5 and 6), and a misspelt header
named as such (point 11)."""

import json
import re

import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.io.register import REGISTER_ALIASES
from riskkit.io.tables import normalise_header

from .conftest import ROOT, register_from_text

WORDS = ROOT / "riskkit" / "io" / "words"


# --- 5: any script ------------------------------------------------------------------

@pytest.mark.parametrize("header, expected", [
    ("Вероятность", "вероятность"), ("Probabilità", "probabilita"),
    ("Maßnahme", "massnahme"), ("MASSNAHME", "massnahme"), ("Zamknięte", "zamkniete"),
    ("Wpływ na koszt", "wplywnakoszt"), ("Πιθανότητα", "πιθανοτητα"), ("风险编号", "风险编号"),
    ("リスク（円）", "リスク"), ("№ п/п", "noпп"), ("N° risque", "norisque"),
    ("Стоимость, тыс. руб.", "стоимость"), ("Kosten in T€", "kosten"),
    ("Retraso (días)", "retraso"), ("Ёмкость", "емкость"),
])
def test_headers_keep_letters_of_every_script(header, expected):
    # main kept only a-z and 0-9: every Cyrillic header was the empty key
    assert normalise_header(header) == expected


def test_folding_matches_spellings_of_one_word():
    from riskkit.io.tables import fold

    assert fold("Maßnahme") == fold("Massnahme") == fold("MASSNAHME")
    assert fold("Probabilité") == fold("PROBABILITE")
    assert fold("Łódź") == "lodz"


RUSSIAN = ("№;Наименование риска;Вероятность;Стоимость мин.;Стоимость наиболее вероятная;"
           "Стоимость макс.;Задержка, дн.;Владелец\n"
           "Р-1;Срыв поставки;30%;100;200;400;5;Иванов\n"
           "Р-2;Рост цен;20%;50;80;150;;Петров\n")


def test_a_russian_register_loads(write_csv):
    reg = rk.read_register(write_csv(RUSSIAN))
    frame = reg.frame
    assert reg.ids == ("Р-1", "Р-2")
    assert frame["probability"].tolist() == pytest.approx([0.3, 0.2])
    assert frame[["cost_min", "cost_most_likely", "cost_max"]].iloc[0].tolist() == [100, 200, 400]
    assert frame["schedule_max"].iloc[0] == 5 and frame["owner"].iloc[1] == "Петров"


def test_the_column_map_takes_any_header_as_written(write_csv):
    # "Шанс" is no header riskkit knows: the user maps it, in Cyrillic as written
    path = write_csv("Код риска,Шанс,Ущерб\nR1,0.3,100\nR2,0.5,200\n")
    reg = rk.read_register(path, columns={"Шанс": "probability"})
    assert reg.frame["probability"].tolist() == pytest.approx([0.3, 0.5])
    assert main(["validate", str(path), "--map", "Шанс=probability"]) == 0
    # a header written in another case or without its accent still matches
    reg = rk.read_register(write_csv("ID,Probabilità,Costo\nR1,30%,100\n"),
                           columns={"PROBABILITA": "probability"})
    assert reg.frame["probability"].iloc[0] == pytest.approx(0.3)


# --- 6: localised headers -----------------------------------------------------------

# The same register in each language, with the phrases registers in that language use.
HEADERS = {
    "de": ["Risiko-Nr.", "Risiko", "Eintrittswahrscheinlichkeit", "Kosten min",
           "Kosten wahrscheinlich", "Auswirkung Kosten (höchst)", "Verzögerung (Tage)",
           "Massnahme", "Maßnahmenkosten", "Wahrscheinlichkeit nach Maßnahme",
           "Kosten max nach Maßnahme"],
    "fr": ["N°", "Intitulé du risque", "Probabilité", "Coût min (€)", "Coût le plus probable (€)",
           "Coût max (€)", "Délai (jours)", "Plan d'action", "Coût des actions",
           "Probabilité résiduelle", "Coût max résiduel"],
    "es": ["Nº", "Riesgo", "Probabilidad", "Coste mínimo", "Coste más probable", "Coste máximo",
           "Retraso (días)", "Plan de respuesta", "Costo de la respuesta",
           "Probabilidad residual", "Coste máximo tras mitigación"],
    "it": ["Codice rischio", "Titolo", "Probabilità", "Costo minimo", "Costo più probabile",
           "Costo massimo", "Ritardo (giorni)", "Azioni di mitigazione", "Costo delle azioni",
           "Probabilità residua", "Costo massimo residuo"],
    "pt": ["Código do risco", "Título", "Probabilidade", "Custo mínimo", "Custo mais provável",
           "Custo máximo", "Atraso (dias)", "Plano de resposta", "Custo da resposta",
           "Probabilidade residual", "Custo máximo após mitigação"],
    "nl": ["Nr.", "Risico", "Kans", "Kosten minimaal", "Kosten meest waarschijnlijk",
           "Kosten maximaal", "Vertraging (dagen)", "Beheersmaatregel",
           "Kosten beheersmaatregel", "Kans na maatregelen", "Kosten maximaal na maatregelen"],
    "pl": ["Lp.", "Nazwa ryzyka", "Prawdopodobieństwo", "Koszt minimalny",
           "Koszt najbardziej prawdopodobny", "Koszt maksymalny", "Opóźnienie (dni)",
           "Działania zaradcze", "Koszt działań", "Prawdopodobieństwo rezydualne",
           "Koszt maksymalny po działaniach"],
    "ru": ["№", "Наименование риска", "Вероятность", "Минимальная стоимость",
           "Наиболее вероятная стоимость", "Максимальная стоимость", "Задержка, дн.",
           "Меры реагирования", "Стоимость мероприятий", "Остаточная вероятность",
           "Стоимость макс. после мероприятий"],
}
ROW = ["R1", "Late delivery", "30%", "1000", "2000", "4000", "5", "Second supplier", "500",
       "10%", "3000"]


@pytest.mark.parametrize("language", sorted(HEADERS))
def test_a_register_in_each_language(language, write_csv):
    # on main none of these headers but a few English-looking ones was recognised
    text = ";".join(HEADERS[language]) + "\n" + ";".join(ROW) + "\n"
    r = rk.read_register(write_csv(text)).frame.iloc[0]
    assert (r["id"], r["title"], r["mitigation"]) == ("R1", "Late delivery", "Second supplier")
    assert r["probability"] == pytest.approx(0.3)
    assert (r["cost_min"], r["cost_most_likely"], r["cost_max"]) == (1000, 2000, 4000)
    assert r["schedule_min"] == r["schedule_max"] == 5
    assert r["mitigation_cost"] == 500
    assert r["mitigated_probability"] == pytest.approx(0.1)
    # blank post-mitigation fields take the pre-mitigation values
    assert (r["mitigated_cost_min"], r["mitigated_cost_most_likely"],
            r["mitigated_cost_max"]) == (1000, 2000, 3000)


@pytest.mark.parametrize("header, canonical", [
    # the issue's examples
    ("Risiko-Nr.", "id"), ("Eintrittswahrscheinlichkeit", "probability"),
    ("Maßnahme", "mitigation"), ("Massnahme", "mitigation"), ("Kosten", "cost_impact"),
    ("Verzögerung", "schedule_impact"), ("Probabilité", "probability"),
    ("Coût", "cost_impact"), ("Délai", "schedule_impact"), ("Probabilidad", "probability"),
    ("Coste", "cost_impact"), ("Costo", "cost_impact"), ("Retraso", "schedule_impact"),
    ("Probabilità", "probability"), ("Ritardo", "schedule_impact"),
    ("Probabilidade", "probability"), ("Custo", "cost_impact"), ("Atraso", "schedule_impact"),
    ("Kans", "probability"), ("Prawdopodobieństwo", "probability"),
    # composed forms
    ("Kosten max", "cost_max"), ("Max. Kosten", "cost_max"), ("Höchstkosten", "cost_max"),
    ("Mindestkosten", "cost_min"), ("Kosten Worst Case", "cost_max"),
    ("Auswirkung Kosten (höchst)", "cost_max"), ("Terminverzug (AT) min", "schedule_min"),
    ("Wahrscheinlichkeit nach Maßnahme", "mitigated_probability"),
    ("Wahrscheinlichkeit nach Massnahmen", "mitigated_probability"),
    ("Brutto-Wahrscheinlichkeit", "probability"), ("Netto-Wahrscheinlichkeit",
                                                   "mitigated_probability"),
    ("Kosten nach Maßnahme (max)", "mitigated_cost_max"),
    ("Impact sur les délais (jours) le plus probable", "schedule_most_likely"),
    ("Impacto en el cronograma máx.", "schedule_max"), ("Impatto sui costi minimo", "cost_min"),
    ("Gevolg kosten max", "cost_max"), ("Skutki finansowe (maks.)", "cost_max"),
    ("Затраты (тыс. руб.) макс.", "cost_max"),
    ("Остаточный ущерб", "mitigated_cost_impact"), ("Исходная вероятность", "probability"),
    # in English, as before
    ("Cost Impact Most Likely (£)", "cost_most_likely"), ("Residual Probability",
                                                          "mitigated_probability"),
    ("Impact", None), ("Unit cost", None),
])
def test_localised_and_composed_headers(header, canonical):
    from riskkit.io.headers import REGISTER_HEADERS

    assert REGISTER_HEADERS.get(normalise_header(header)) == canonical


def test_the_english_table_is_unchanged():
    from riskkit.io.headers import REGISTER_HEADERS

    # every English phrase README and REGISTER_ALIASES list names the same column as before
    for canonical, phrases in REGISTER_ALIASES.items():
        for phrase in phrases:
            assert REGISTER_HEADERS.get(normalise_header(phrase)) == canonical, phrase
    assert len(REGISTER_ALIASES["mitigated_cost_max"]) > 100


def test_header_files_are_data_a_contributor_can_extend():
    from riskkit.io.headers import HEADER_LANGUAGES
    from riskkit.words import read_words

    files = sorted(WORDS.glob("headers_*.json"))
    assert {p.stem.removeprefix("headers_") for p in files} == set(HEADER_LANGUAGES)
    assert set(HEADER_LANGUAGES) >= {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru"}
    seen: dict[str, tuple[str, str]] = {}
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert raw["_comment"] and raw["language"]
        words = read_words(path.stem)
        for canonical, phrases in words["columns"].items():
            for phrase in phrases:
                key = normalise_header(phrase)
                assert key, (path.name, phrase)
                # one phrase, one meaning, across every language
                other = seen.setdefault(key, (canonical, path.name))
                assert other[0] == canonical, (phrase, path.name, other)


def test_readme_lists_the_languages():
    from riskkit.io.headers import HEADER_LANGUAGES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Headers in other languages"):]
    section = section[:section.index("\n### ", 5)]
    for name in HEADER_LANGUAGES.values():
        assert name in section, name
    assert "riskkit/io/words/headers_" in section


def test_an_impact_that_says_neither_cost_nor_time_is_named_with_a_map_that_loads(write_csv):
    path = write_csv("Nr.,Risiko,Kans,Gevolg\nR1,Storm,30%,1000\n")
    with pytest.raises(rk.InputError) as info:
        rk.read_register(path)
    hint = " ".join(p.hint or "" for p in info.value.problems)
    assert "'Gevolg' does not say whether it is a cost or a time impact" in hint
    suggested = re.search(r'--map "([^"]+)"', hint).group(1)
    header, _, target = suggested.rpartition("=")
    reg = rk.read_register(path, columns={header: target})
    assert reg.frame["cost_max"].iloc[0] == 1000


# --- 11: a misspelt header ----------------------------------------------------------

MISSPELT = (
    "Risk ID,Title,Probability,Cost Impact Min (£),Cost Impact Most Likley (£),"
    "Cost Impact Max (£),Residual Probability,Residual Cost Impact Min (£),"
    "Residual Cost Impact Most Likley (£),Residual Cost Impact Max (£)\n"
    "R1,A,30%,100,200,400,10%,50,100,200\n"
    "R2,B,20%,100,300,500,10%,50,,\n")


def test_a_misspelt_header_is_named_with_the_closest_known_one(write_csv, capsys):
    path = write_csv(MISSPELT)
    with pytest.raises(rk.InputError) as info:
        rk.read_register(path)
    problems = info.value.problems
    # one problem per misspelt header, none per row; on main: 'cost_most_likely' on
    # every row, and a spurious mitigated_* error on the row with blank residual cells
    assert [p.column for p in problems] == ["Cost Impact Most Likley (£)",
                                            "Residual Cost Impact Most Likley (£)"]
    assert all(p.row is None for p in problems)
    assert "did you mean 'Cost Impact Most Likely (£)'?" in problems[0].hint
    text = str(info.value)
    assert "column 'cost_most_likely'" not in text and "column 'mitigated_" not in text
    # the map the hint proposes loads
    columns = {}
    for p in problems:
        header, _, target = re.search(r'--map "([^"]+)"', p.hint).group(1).rpartition("=")
        columns[header] = target
    reg = rk.read_register(path, columns=columns)
    assert reg.frame["cost_most_likely"].tolist() == [200, 300]
    assert reg.frame["mitigated_cost_max"].tolist() == [200, 500]
    assert main(["validate", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_misspelt_optional_header_is_named_in_the_warning(write_csv):
    path = write_csv("ID,Probability,Cost Impact,Mitigaton Cost\nR1,0.3,100,20\n")
    with pytest.warns(rk.InputWarning) as record:
        reg = rk.read_register(path)
    message = " ".join(str(w.message) for w in record)
    assert "'Mitigaton Cost' (did you mean 'Mitigation Cost'?" in message
    assert '--map "Mitigaton Cost=mitigation_cost"' in message
    assert reg.frame["mitigation_cost"].isna().all()


def test_a_misspelt_required_header_replaces_the_missing_column_error(write_csv):
    with pytest.raises(rk.InputError) as info:
        rk.read_register(write_csv("ID,Probabilty,Cost Impact\nR1,0.3,100\n"))
    text = str(info.value)
    assert "column 'Probabilty': not a header riskkit knows" in text
    assert "did you mean 'Probability'?" in text and "no probability column" not in text


def test_errors_never_name_an_internal_column(write_csv):
    # min and max but no most likely column at all: on main the error named the
    # column 'cost_most_likely', which the file does not have
    with pytest.raises(rk.InputError) as info:
        rk.read_register(write_csv("ID,Probability,Cost Min,Cost Max,Residual Cost Min\n"
                                   "R1,30%,100,400,50\n"))
    problems = info.value.problems
    assert len(problems) == 1  # and no mitigated_* error after it
    assert problems[0].column is None and problems[0].row == 2
    assert "most likely" in problems[0].message
    assert '--map "Header=cost_most_likely"' in problems[0].hint


def test_the_german_example_of_the_issue(write_csv):
    # title rows, composed headers, both spellings of Maßnahme, decimal commas
    text = ("Risikoregister Projekt Falke;;;;;;;\n"
            "Stand: 01.11.2026;;;;;;;\n"
            ";;;;;;;\n"
            "Risiko-Nr.;Risikobezeichnung;Eintrittswahrscheinlichkeit;Kosten min;"
            "Kosten wahrscheinlich;Kosten max;Auswirkung Kosten (höchst) nach Maßnahme;Massnahme;"
            "Wahrscheinlichkeit nach Maßnahme\n"
            "R-01;Lieferverzug Stahl;40%;10.000,00;12.500,00;25.000,00;15.000,00;Zweitlieferant;"
            "20%\n")
    reg = register_from_text(text)
    r = reg.frame.iloc[0]
    assert r["id"] == "R-01" and r["mitigation"] == "Zweitlieferant"
    assert (r["cost_min"], r["cost_most_likely"], r["cost_max"]) == (10000, 12500, 25000)
    assert r["mitigated_cost_max"] == 15000
    assert r["mitigated_probability"] == pytest.approx(0.2)


def test_a_currency_in_the_cost_headers_is_the_registers(tmp_path):
    """Review of #16: 'Kosten min (€)' left the register without a currency."""
    path = tmp_path / "eur.csv"
    path.write_text("ID,Probability,Kosten min (€),Kosten wahrscheinlich (€),Kosten max (€)\n"
                    "R1,0.5,100,200,400\n", encoding="utf-8")
    assert rk.read_register(path).currency == "EUR"
    path.write_text("ID,Probability,Cost Impact in GBP\nR1,0.5,100\n", encoding="utf-8")
    assert rk.read_register(path).currency == "GBP"
    path.write_text("ID,Probability,Cost Impact\nR1,0.5,100\n", encoding="utf-8")
    assert rk.read_register(path).currency is None


def test_every_misspelt_header_is_named_in_one_run(tmp_path):
    """Review of #16: a misspelt optional header surfaced only after the required one
    was fixed; when the file is refused, every near miss is named at once."""
    path = tmp_path / "missp.csv"
    path.write_text("ID,Probabilty,Cost Impact,Schedule Imapct,Mitigaton Cost\nR1,0.5,100,5,10\n")
    with pytest.raises(rk.InputError) as caught:
        rk.read_register(path)
    text = str(caught.value)
    for written, meant in (("Probabilty", "Probability"), ("Schedule Imapct", "Schedule Impact"),
                           ("Mitigaton Cost", "Mitigation Cost")):
        assert f"column {written!r}" in text and f"did you mean {meant!r}" in text
