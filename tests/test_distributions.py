import numpy as np
import pytest
import scipy.special as sc

import riskkit as rk
from riskkit.distributions import FAMILIES, parse_family
from riskkit.exceptions import InputError, OptionError, RiskkitError


def triangular_cdf(x, a, m, b):
    x = np.asarray(x)
    return np.where(x < m, (x - a) ** 2 / ((b - a) * (m - a)),
                    1 - (b - x) ** 2 / ((b - a) * (b - m)))


@pytest.mark.parametrize("a, m, b", [(0, 50, 100), (10, 12, 40), (-5, -1, 0)])
def test_triangular_ppf_inverts_the_cdf(a, m, b):
    u = np.linspace(1e-9, 1 - 1e-9, 10_001)
    x = rk.Triangular(a, m, b).ppf(u)
    np.testing.assert_allclose(triangular_cdf(x, a, m, b), u, atol=1e-12)
    np.testing.assert_array_equal(rk.Triangular(a, m, b).ppf(u, sorted=True), x)


def test_triangular_at_the_ends_and_degenerate_modes():
    for a, m, b in [(0, 0, 10), (0, 10, 10)]:
        d = rk.Triangular(a, m, b)
        x = d.ppf(np.array([0.0, 0.5, 1.0]))
        assert x[0] == pytest.approx(a) and x[-1] == pytest.approx(b)
        assert np.all(np.diff(x) > 0)


def test_pert_parameters_and_mean():
    d = rk.Pert(0, 25, 100)
    assert d.alpha == pytest.approx(2.0) and d.beta == pytest.approx(4.0)
    assert d.mean == pytest.approx((0 + 4 * 25 + 100) / 6)
    # built from the mode: the mean of the draws is the PERT mean
    u = (np.arange(200_000) + 0.5) / 200_000
    assert d.ppf(u).mean() == pytest.approx(d.mean, abs=1e-3)


def test_pert_table_matches_betaincinv_everywhere_including_the_tails():
    """The fast PERT inverse errs by less than 1e-6 of the range over every mode."""
    u = np.sort(np.concatenate([
        np.linspace(0, 1, 100_001), np.logspace(-15, -1, 2_000),
        1 - np.logspace(-15, -1, 2_000)]))
    worst = 0.0
    for mode in np.linspace(0, 1, 41):
        d = rk.Pert(0.0, mode, 1.0)
        exact = sc.betaincinv(d.alpha, d.beta, u)
        worst = max(worst, np.abs(d.ppf(u) - exact).max(),
                    np.abs(d.ppf(u, sorted=True) - exact).max())
    assert worst < 1e-6


def test_uniform_and_fixed():
    assert rk.Uniform(2, 4).ppf(np.array([0, 0.5, 1])).tolist() == [2, 3, 4]
    assert rk.Fixed(7).ppf(np.zeros(3)).tolist() == [7, 7, 7]
    assert rk.Fixed(7).is_fixed and not rk.Uniform(2, 4).is_fixed


def test_make_distribution():
    assert isinstance(rk.make_distribution("pert", 1, 1, 1), rk.Fixed)
    assert isinstance(rk.make_distribution(None, 1, 2, 3), rk.Triangular)
    assert isinstance(rk.make_distribution("uniform", 1, float("nan"), 3), rk.Uniform)
    with pytest.raises(InputError, match="min <= most likely <= max"):
        rk.make_distribution("triangular", 3, 2, 1)
    with pytest.raises(OptionError, match="pert_lambda"):
        rk.make_distribution("pert", 1, 2, 3, pert_lambda=6)


def test_family_names():
    assert parse_family("Beta PERT") is FAMILIES["pert"]
    assert parse_family("") is FAMILIES["triangular"]
    assert parse_family("Modified PERT") is parse_family("modpert") is FAMILIES["modified_pert"]
    with pytest.raises(OptionError, match="triangular, pert, modified_pert, uniform"):
        parse_family("lognormal-ish")


@pytest.mark.parametrize("d, variance", [
    (rk.Triangular(0, 50, 100), (0 + 2500 + 10000 - 0 - 0 - 5000) / 18),
    (rk.Pert(0, 25, 100), 100**2 * 2 * 4 / (36 * 7)),
    (rk.Uniform(0, 12), 12.0),
])
def test_variances(d, variance):
    assert d.variance == pytest.approx(variance)
    u = (np.arange(400_000) + 0.5) / 400_000
    assert d.ppf(u).var() == pytest.approx(variance, rel=1e-3)


def test_trigen_reproduces_its_percentiles():
    d = rk.distributions.trigen(80, 100, 130)
    np.testing.assert_allclose(d.ppf(np.array([0.1, 0.9])), [80, 130], atol=1e-8)
    assert d.low < 80 and d.high > 130 and d.mode == 100
    d2 = rk.distributions.trigen(10, 10, 40, q_low=0.05, q_high=0.95)  # mode at the P5
    np.testing.assert_allclose(d2.ppf(np.array([0.05, 0.95])), [10, 40], atol=1e-8)


def test_lognormal_from_percentiles_and_moments():
    d = rk.distributions.Lognormal.from_percentiles(50, 200)
    np.testing.assert_allclose(d.ppf(np.array([0.1, 0.9])), [50, 200])
    m = rk.distributions.Lognormal.from_moments(100, 30)
    u = (np.arange(400_000) + 0.5) / 400_000
    x = m.ppf(u)
    assert x.mean() == pytest.approx(100, rel=1e-3) and x.std() == pytest.approx(30, rel=5e-3)
    with pytest.raises(InputError, match="0 < P10 < P90"):
        rk.distributions.Lognormal.from_percentiles(-1, 5)


def test_normal_truncated_at_a_floor():
    d = rk.distributions.Normal(2.0, 3.0, floor=0.0)
    u = (np.arange(400_000) + 0.5) / 400_000
    x = d.ppf(u)
    assert x.min() >= 0
    assert x.mean() == pytest.approx(d.mean, rel=1e-3)
    assert x.var() == pytest.approx(d.variance, rel=1e-2)
    free = rk.distributions.Normal.from_percentiles(5, 15, floor=None)
    np.testing.assert_allclose(free.ppf(np.array([0.1, 0.9])), [5, 15])


def test_discrete_cells():
    d = rk.distributions.Discrete.parse("50:0.1;100:0.5;200:0.4")
    assert d.mean == pytest.approx(135)
    u = (np.arange(100_000) + 0.5) / 100_000
    assert d.ppf(u).mean() == pytest.approx(135, abs=0.01)
    assert rk.distributions.Discrete.parse("1: 25%; 2: 75%").mean == pytest.approx(1.75)
    for bad in ("50:0.1;100:0.5", "50;100", "a:0.5;b:0.5"):
        with pytest.raises(InputError):
            rk.distributions.Discrete.parse(bad)


@pytest.mark.parametrize("lam", [1.0, 4.0, 8.0, 25.0])
@pytest.mark.parametrize("a, m, b", [(0, 10, 100), (5, 5, 20), (-3, 7, 9)])
def test_modified_pert_has_the_beta_mean(lam, a, m, b):
    d = rk.make_distribution("modified_pert", a, m, b, pert_lambda=lam)
    assert isinstance(d, rk.Pert) and d.lam == lam
    assert d.mean == pytest.approx((a + lam * m + b) / (lam + 2))
    assert d.alpha == pytest.approx(1 + lam * (m - a) / (b - a))
    # the draws (midpoint strata: a quadrature of the inverse CDF) have that mean and
    # the Beta variance
    u = (np.arange(200_000) + 0.5) / 200_000
    x = d.ppf(u, sorted=True)
    assert x.mean() == pytest.approx(d.mean, abs=1e-4 * (b - a))
    assert x.var() == pytest.approx(d.variance, rel=1e-3)
    # lambda 4 is the classic PERT, to the last bit
    if lam == 4.0:
        np.testing.assert_array_equal(x, rk.Pert(a, m, b).ppf(u, sorted=True))


def test_every_family_is_one_record():
    for fam in FAMILIES.values():
        assert parse_family(fam.name) is fam
        for alias in fam.aliases:
            assert parse_family(alias.upper()) is fam
    assert [p.name for p in FAMILIES["modified_pert"].parameters] == ["pert_lambda"]
    assert not FAMILIES["uniform"].needs_mode and FAMILIES["trigen"].percentiles == (0.1, 0.9)


def test_bad_estimates_are_riskkit_errors_naming_the_values():
    for build in (lambda: rk.Triangular(5, 1, 3), lambda: rk.Pert(0, 1, 2, lam=-1),
                  lambda: rk.Uniform(3, 3), lambda: rk.make_distribution("normal", 5, 0, 1),
                  lambda: rk.make_distribution("lognormal", 0, 0, 5)):
        with pytest.raises(RiskkitError) as info:
            build()
        assert "value" in str(info.value)
