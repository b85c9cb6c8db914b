from riskkit import _format as fmt


def test_money_format():
    assert fmt.money(2_290_907, "£") == "£2.29M"
    assert fmt.money(48_500, "CHF ") == "CHF 48.5k"
    assert fmt.money(9_250) == "9,250"
    assert fmt.money(-250_000) == "-250k"
    assert fmt.days(2.5) == "2.5" and fmt.days(8.0) == "8" and fmt.days(-0.0) == "0"


def test_compact_amounts():
    assert [fmt.compact(v, "£") for v in (950, 16_250, 1_312_000, 2.5e9, -48_000, -0.2)] == [
        "£950", "£16.2k", "£1.31M", "£2.5bn", "-£48k", "£0.2"]


def test_ratios_below_one_never_read_one():
    assert [fmt.ratio(x) for x in (0.9951, 0.999999, 1.0, 1.004, 19.04)] == [
        "0.99", "0.99", "1.00", "1.00", "19.04"]
    assert [fmt.ratio_label(x) for x in (21.94, 1.0, 0.999, 0.954, 0.04, float("nan"))] == [
        "×21.9", "×1.0", "×0.99", "×0.95", "×0.04", "(free)"]


def test_currency_symbols_and_words():
    assert [fmt.currency_symbol(c) for c in ("GBP", "EUR", "CHF", None)] == [
        "£", "€", "CHF ", None]
    assert fmt.plural(1, "risk") == "1 risk" and fmt.plural(1200, "risk") == "1,200 risks"
    assert fmt.short("Asbestos found during strip-out of ceilings", 20) == "Asbestos found…"
    assert fmt.short(None, 10) == "" and fmt.short(float("nan"), 10) == ""
