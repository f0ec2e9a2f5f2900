"""Least squares with ten features (core.regression.many_features): descent against pinv."""

from __future__ import annotations

import numpy as np
import pytest

from core.regression.many_features import fit_many_features, simulate_features


def test_the_data_are_drawn_from_the_seed():
    features, y, truth = simulate_features(seed=3)
    again = simulate_features(seed=3)
    np.testing.assert_array_equal(features, again[0])
    np.testing.assert_allclose(y, features @ truth, atol=1.0)  # σ = 0.1 noise
    assert not np.array_equal(features, simulate_features(seed=4)[0])


def test_noiseless_data_give_back_the_weights():
    fit = fit_many_features(n=40, d=5, sigma=0.0, seed=1)
    np.testing.assert_allclose(fit.pinv, fit.truth, rtol=1e-10)
    np.testing.assert_allclose(fit.descent.path[-1], fit.truth, rtol=1e-6)
    assert fit.relative_difference < 1e-7


@pytest.mark.parametrize(("n", "d", "sigma"), [(5, 10, 0.1), (10, 0, 0.1), (10, 2, -1.0)])
def test_bad_sizes_and_noise_are_refused(n, d, sigma):
    with pytest.raises(ValueError, match=r"samples as features|standard deviation"):
        simulate_features(n, d, sigma)
