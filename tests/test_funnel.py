"""Funnel-plot control limits (Spiegelhalter 2005) against values worked out by hand from the cumulative
distributions, and the dispersion ratio."""

import pytest

from vigie.statistics import dispersion_ratio, funnel_limits


def test_poisson_limits_interpolate_between_counts():
    # 0.2 % a patient-day over 1000 patient-days: Poisson(2). F(4) = 0.947347, F(5) = 0.983436, so the 97.5 %
    # quantile is 5, less (0.983436 - 0.975) / (0.983436 - 0.947347) = 0.233757: 4.766243 per 1000.
    assert funnel_limits(0.002, [1000], 0.975, "poisson")[0] * 1000 == pytest.approx(4.766243, abs=1e-5)
    # F(0) = 0.135335 already exceeds 2.5 %: 0 - 0.815 is below 0, and a rate is never negative.
    assert funnel_limits(0.002, [1000], 0.025, "poisson")[0] == 0.0


def test_binomial_limits():
    # 10 % of 10: F(2) = 0.929809, F(3) = 0.987205: 3 - (0.987205 - 0.975) / (0.987205 - 0.929809) = 2.787354.
    assert funnel_limits(0.1, [10], 0.975, "binomial")[0] == pytest.approx(0.2787354, abs=1e-6)


def test_limits_narrow_as_the_exposure_grows():
    upper = funnel_limits(0.1, [10, 100, 1000], 0.999, "binomial")
    assert upper[0] > upper[1] > upper[2] > 0.1


def test_dispersion_ratio_is_one_when_units_spread_as_the_distribution_says():
    # Expected 9 (variance 9): counts 6 and 12 are z = -1 and +1, so the mean squared z is 1.
    assert dispersion_ratio([6, 12] * 5, 1.0, [9] * 10, "poisson") == pytest.approx(1.0)
    assert dispersion_ratio([0, 18] * 5, 1.0, [9] * 10, "poisson") == pytest.approx(9.0), "z = -3 and +3"
