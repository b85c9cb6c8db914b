"""Fuzzing: whatever a user feeds riskkit, it answers with exit code 0 or 2, never a
traceback; and a register that survives a harmless transformation gives the same
numbers as its clean original."""

import io
import os
import tempfile
import unicodedata
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import riskkit as rk
from riskkit.cli import main

from .conftest import SAMPLES

CLEAN = (SAMPLES / "office_fitout.csv").read_text(encoding="utf-8")
SCHEDULE = (SAMPLES / "office_fitout_schedule.csv").read_text(encoding="utf-8")
FAST = settings(max_examples=700, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
_DIR = tempfile.mkdtemp(prefix="riskkit-fuzz-")


def run_cli(argv):
    err, out = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        code = main(argv)
    return code, err.getvalue()


def write(name, data: bytes) -> str:
    path = os.path.join(_DIR, name)
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def assert_clean_exit(code, err):
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err


@FAST
@given(st.binary(max_size=2_000))
def test_random_bytes_as_a_register(data):
    assert_clean_exit(*run_cli(["validate", write("random.csv", data)]))


@FAST
@given(st.binary(max_size=2_000))
def test_random_bytes_as_a_schedule(data):
    assert_clean_exit(*run_cli(["validate", "--schedule", write("random_schedule.csv", data)]))


def mutations(text: str):
    """Edits a careless hand or a broken export makes to a CSV."""
    lines = text.splitlines()
    edit = st.one_of(
        st.tuples(st.just("delete"), st.integers(0, len(text) - 1), st.integers(1, 20)),
        st.tuples(st.just("insert"), st.integers(0, len(text)),
                  st.text(alphabet=',;"\n\r\t%$€£()-.0123456789abcXYZ =', max_size=8)),
        st.tuples(st.just("drop_line"), st.integers(0, len(lines) - 1), st.just(0)),
        st.tuples(st.just("dup_line"), st.integers(0, len(lines) - 1), st.just(0)),
        st.tuples(st.just("swap_cells"), st.integers(1, len(lines) - 1), st.integers(0, 20)),
    )
    return st.lists(edit, min_size=1, max_size=4)


def apply(text: str, edits) -> str:
    for kind, a, b in edits:
        lines = text.splitlines()
        if kind == "delete":
            text = text[:a] + text[a + b:]
        elif kind == "insert":
            text = text[:a] + b + text[a:]
        elif kind == "drop_line" and lines:
            del lines[a % len(lines)]
            text = "\n".join(lines)
        elif kind == "dup_line" and lines:
            lines.insert(a % len(lines), lines[a % len(lines)])
            text = "\n".join(lines)
        elif kind == "swap_cells" and lines:
            cells = lines[a % len(lines)].split(",")
            i = b % len(cells)
            j = (i + 1) % len(cells)
            cells[i], cells[j] = cells[j], cells[i]
            lines[a % len(lines)] = ",".join(cells)
            text = "\n".join(lines)
    return text


@FAST
@given(mutations(CLEAN))
def test_mutated_registers_simulate_or_fail_cleanly(edits):
    path = write("mutated.csv", apply(CLEAN, edits).encode("utf-8", "surrogatepass"))
    assert_clean_exit(*run_cli(["simulate", path, "-n", "200", "--seed", "1", "-q"]))


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutations(SCHEDULE))
def test_mutated_schedules_simulate_or_fail_cleanly(edits):
    path = write("mutated_schedule.csv", apply(SCHEDULE, edits).encode("utf-8",
                                                                        "surrogatepass"))
    assert_clean_exit(*run_cli(["simulate", "--schedule", path, "-n", "200", "--seed", "1",
                                "-q"]))


BASE = rk.read_register(SAMPLES / "office_fitout.csv").frame
NUMERIC = [c for c in BASE.columns if BASE[c].dtype.kind == "f"]


def harmless(text: str, case: str, crlf: bool, bom: bool, blank_rows: int, quote: bool,
             reorder: int) -> bytes:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    cols = list(frame.columns)
    k = reorder % len(cols)
    frame = frame[cols[k:] + cols[:k]]
    frame.columns = [getattr(str, case)(c) if case != "spaced" else c.replace(" ", "  ")
                     for c in frame.columns]
    out = frame.to_csv(index=False, quoting=1 if quote else 0, lineterminator="\n")
    if blank_rows:
        lines = out.split("\n")
        lines.insert(2, "," * (len(cols) - 1))
        out = "\n".join(lines[:3] + [""] * (blank_rows - 1) + lines[3:])
    if crlf:
        out = out.replace("\n", "\r\n")
    data = out.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["lower", "upper", "title", "spaced"]), st.booleans(), st.booleans(),
       st.integers(0, 3), st.booleans(), st.integers(0, 30))
def test_harmless_changes_give_the_same_numbers(case, crlf, bom, blank_rows, quote, reorder):
    path = write("harmless.csv", harmless(CLEAN, case, crlf, bom, blank_rows, quote, reorder))
    frame = rk.read_register(path).frame
    pd.testing.assert_frame_equal(frame[NUMERIC].reset_index(drop=True),
                                  BASE[NUMERIC].reset_index(drop=True))
    assert list(frame["id"]) == list(BASE["id"])


# --- registers in other languages and scripts ----------------------------------------
# The sample register's 23 headers as registers in each language write them.
TRANSLATED = {
    "de": ["Risiko-Nr.", "Risikobezeichnung", "Kategorie", "Verantwortlich", "Status",
           "Eintrittswahrscheinlichkeit", "Kosten min", "Kosten wahrscheinlich", "Kosten max",
           "Verzögerung min (Tage)", "Verzögerung wahrscheinlich (Tage)",
           "Verzögerung max (Tage)", "Verteilung", "Maßnahme", "Maßnahmenkosten",
           "Wahrscheinlichkeit nach Maßnahme", "Kosten min nach Maßnahme",
           "Kosten wahrscheinlich nach Maßnahme", "Kosten max nach Maßnahme",
           "Verzögerung min nach Maßnahme", "Verzögerung wahrscheinlich nach Maßnahme",
           "Verzögerung max nach Maßnahme", "Vorgänge"],
    "fr": ["N° risque", "Intitulé", "Catégorie", "Responsable", "Statut", "Probabilité",
           "Coût min", "Coût le plus probable", "Coût max", "Délai min (jours)",
           "Délai le plus probable (jours)", "Délai max (jours)", "Loi", "Plan d'action",
           "Coût des actions", "Probabilité résiduelle", "Coût min résiduel",
           "Coût le plus probable résiduel", "Coût max résiduel", "Délai min résiduel",
           "Délai le plus probable résiduel", "Délai max résiduel", "Activités"],
    "es": ["Nº", "Riesgo", "Categoría", "Responsable", "Estado", "Probabilidad", "Coste mínimo",
           "Coste más probable", "Coste máximo", "Retraso mínimo (días)",
           "Retraso más probable (días)", "Retraso máximo (días)", "Distribución",
           "Plan de respuesta", "Costo de la respuesta", "Probabilidad residual",
           "Coste mínimo residual", "Coste más probable residual", "Coste máximo residual",
           "Retraso mínimo residual", "Retraso más probable residual",
           "Retraso máximo residual", "Actividades"],
    "it": ["Codice rischio", "Titolo", "Categoria", "Responsabile", "Stato", "Probabilità",
           "Costo minimo", "Costo più probabile", "Costo massimo", "Ritardo minimo (giorni)",
           "Ritardo più probabile (giorni)", "Ritardo massimo (giorni)", "Distribuzione",
           "Azioni di mitigazione", "Costo delle azioni", "Probabilità residua",
           "Costo minimo residuo", "Costo più probabile residuo", "Costo massimo residuo",
           "Ritardo minimo residuo", "Ritardo più probabile residuo", "Ritardo massimo residuo",
           "Attività"],
    "pt": ["Código do risco", "Título", "Categoria", "Responsável", "Situação", "Probabilidade",
           "Custo mínimo", "Custo mais provável", "Custo máximo", "Atraso mínimo (dias)",
           "Atraso mais provável (dias)", "Atraso máximo (dias)", "Distribuição",
           "Plano de resposta", "Custo da resposta", "Probabilidade residual",
           "Custo mínimo após mitigação", "Custo mais provável após mitigação",
           "Custo máximo após mitigação", "Atraso mínimo após mitigação",
           "Atraso mais provável após mitigação", "Atraso máximo após mitigação",
           "Atividades"],
    "nl": ["Nr.", "Risico", "Categorie", "Eigenaar", "Status", "Kans", "Kosten minimaal",
           "Kosten meest waarschijnlijk", "Kosten maximaal", "Vertraging minimaal (dagen)",
           "Vertraging meest waarschijnlijk (dagen)", "Vertraging maximaal (dagen)",
           "Verdeling", "Beheersmaatregel", "Kosten beheersmaatregel", "Kans na maatregelen",
           "Kosten minimaal na maatregelen", "Kosten meest waarschijnlijk na maatregelen",
           "Kosten maximaal na maatregelen", "Vertraging minimaal na maatregelen",
           "Vertraging meest waarschijnlijk na maatregelen",
           "Vertraging maximaal na maatregelen", "Activiteiten"],
    "pl": ["Lp.", "Nazwa ryzyka", "Kategoria", "Właściciel", "Status", "Prawdopodobieństwo",
           "Koszt minimalny", "Koszt najbardziej prawdopodobny", "Koszt maksymalny",
           "Opóźnienie minimalne (dni)", "Opóźnienie najbardziej prawdopodobne (dni)",
           "Opóźnienie maksymalne (dni)", "Rozkład", "Działania zaradcze", "Koszt działań",
           "Prawdopodobieństwo rezydualne", "Koszt minimalny po działaniach",
           "Koszt najbardziej prawdopodobny po działaniach", "Koszt maksymalny po działaniach",
           "Opóźnienie minimalne po działaniach",
           "Opóźnienie najbardziej prawdopodobne po działaniach",
           "Opóźnienie maksymalne po działaniach", "Zadania"],
    "ru": ["№ п/п", "Наименование риска", "Категория", "Владелец риска", "Статус",
           "Вероятность", "Минимальная стоимость", "Наиболее вероятная стоимость",
           "Максимальная стоимость", "Задержка мин. (дни)", "Задержка наиболее вероятная (дни)",
           "Задержка макс. (дни)", "Распределение", "Меры реагирования",
           "Стоимость мероприятий", "Остаточная вероятность", "Остаточная стоимость мин.",
           "Остаточная стоимость наиболее вероятная", "Остаточная стоимость макс.",
           "Остаточная задержка мин.", "Остаточная задержка наиболее вероятная",
           "Остаточная задержка макс.", "Работы"],
}


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def translated(language: str, case: str, accents: bool, reorder: int) -> bytes:
    frame = pd.read_csv(io.StringIO(CLEAN), dtype=str, keep_default_na=False)
    headers = TRANSLATED[language]
    headers = [_strip_accents(h) if not accents else h for h in headers]
    frame.columns = [getattr(str, case)(h) for h in headers]
    cols = list(frame.columns)
    k = reorder % len(cols)
    return frame[cols[k:] + cols[:k]].to_csv(index=False, lineterminator="\n").encode("utf-8")


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(TRANSLATED)), st.sampled_from(["upper", "lower", "title",
                                                              "casefold"]),
       st.booleans(), st.integers(0, 30))
def test_translated_headers_give_the_same_numbers(language, case, accents, reorder):
    # "MASSNAHME", "Maßnahme" and "Massnahme"; "ВЕРОЯТНОСТЬ"; "Probabilita" for
    # "Probabilità": one column each
    path = write("translated.csv", translated(language, case, accents, reorder))
    frame = rk.read_register(path).frame
    pd.testing.assert_frame_equal(frame[NUMERIC].reset_index(drop=True),
                                  BASE[NUMERIC].reset_index(drop=True))
    assert list(frame["id"]) == list(BASE["id"])


# Letters, marks, digits and signs of many scripts: accents and combining marks,
# Cyrillic, Greek, CJK and kana, Arabic and Hebrew (right to left), Devanagari, signs
# that fold (ß, №, ﬁ, full-width brackets), invisible ones (no-break space, zero-width
# joiner, a right-to-left mark) and an emoji.
UNICODE = ("ÀàÉéÎîÕõÜüÇçÑñŁłØøßẞĞğİıŞşŽžĄąĘęŒœÆæ\u0301\u0308\u0327"
           "АаБбВвЁёЙйЫыЬьЯяІіЇїҐґΑαΒβΓγΔδΣσςΩω"
           "风险编号概率成本日リスク確率ｶﾞ한국어"
           "خطراحتمالשלוםसंभावना"
           "№°ºª€£¥₽‰ﬁ（）［］\u00a0\u200d\u200f\ufeff🙂"
           ",;\"%()-.0123456789 ")


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(TRANSLATED)), st.lists(st.tuples(
    st.integers(0, 200), st.text(alphabet=UNICODE, min_size=1, max_size=10)),
    min_size=1, max_size=4), st.booleans())
def test_non_latin_headers_and_labels_fail_cleanly(language, edits, in_header):
    text = translated(language, "title", True, 0).decode("utf-8")
    header, _, body = text.partition("\n")
    for position, inserted in edits:
        if in_header:
            header = header[:position % (len(header) + 1)] + inserted + header[
                position % (len(header) + 1):]
        else:
            # a label cell: the category, the status or the probability of a risk
            lines = body.split("\n")
            line = position % max(1, len(lines) - 1)
            cells = lines[line].split(",")
            if len(cells) > 5:
                cells[2 + position % 4] = inserted
            lines[line] = ",".join(cells)
            body = "\n".join(lines)
    path = write("unicode.csv", (header + "\n" + body).encode("utf-8"))
    assert_clean_exit(*run_cli(["simulate", path, "-n", "200", "--seed", "1", "-q"]))
