"""JAX gotchas (`core.kinks.gotchas`): each broken example really fails as shown, each fix works."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.kinks.gotchas import GOTCHAS, describe, run_gotcha

BY_KEY = {gotcha.key: gotcha for gotcha in GOTCHAS}
RAISING = [gotcha for gotcha in GOTCHAS if gotcha.error_type is not None]
EXPECTED_MESSAGES = {
    "integer-input": "grad requires real- or complex-valued inputs",
    "list-input": "requires ndarray or scalar arguments, got <class 'list'>",
    "non-scalar-output": "Gradient only defined for scalar-output functions",
}


def test_the_four_gotchas_are_there_with_unique_keys():
    assert set(BY_KEY) == {
        "integer-input", "list-input", "non-scalar-output", "float32-precision",
    }  # fmt: skip
    assert len(BY_KEY) == len(GOTCHAS)
    for gotcha in GOTCHAS:
        assert gotcha.title
        assert gotcha.explanation
        assert gotcha.broken_code.strip() == gotcha.broken_code
        assert gotcha.fixed_code


@pytest.mark.parametrize("gotcha", RAISING, ids=lambda gotcha: gotcha.key)
def test_broken_code_raises_the_named_error(gotcha):
    error_class = {"TypeError": TypeError, "ValueError": ValueError}[gotcha.error_type]
    with pytest.raises(error_class, match=EXPECTED_MESSAGES[gotcha.key]) as caught:
        gotcha.broken()
    assert type(caught.value).__name__ == gotcha.error_type


@pytest.mark.parametrize("gotcha", RAISING, ids=lambda gotcha: gotcha.key)
def test_run_gotcha_reports_the_real_message(gotcha):
    result = run_gotcha(gotcha.key)
    assert result.error_type == gotcha.error_type
    assert EXPECTED_MESSAGES[gotcha.key] in result.error_message
    assert len(result.error_message.splitlines()) <= 3
    assert result.broken_result is None
    assert result.fixed_result
    assert result.warnings == ()


def test_integer_fix():
    assert float(BY_KEY["integer-input"].fixed()) == 6.0
    assert run_gotcha("integer-input").fixed_result == "6.0 (float64)"


def test_list_fix_is_cos_of_each_element():
    np.testing.assert_allclose(BY_KEY["list-input"].fixed(), np.cos([1.0, 2.0, 3.0]))


def test_non_scalar_fixes_agree_with_cos():
    for label, values in BY_KEY["non-scalar-output"].fixed().items():
        assert label in BY_KEY["non-scalar-output"].fixed_code
        np.testing.assert_allclose(values, np.cos([0.0, 1.0, 2.0]), rtol=1e-15)


def test_float32_difference_quotient_collapses_and_float64_does_not():
    gotcha = BY_KEY["float32-precision"]
    broken = gotcha.broken()
    assert broken.dtype == np.float32  # float32 despite x64 being on globally
    assert float(broken) == 0.0
    fixed = gotcha.fixed()
    exact = math.cos(1.0)
    float64_difference = fixed["central difference, float64"]
    assert float64_difference.dtype == np.float64
    assert abs(float(float64_difference) - exact) < 1e-7
    autodiff32 = fixed["jax.grad(jnp.sin)(jnp.float32(1.0))"]
    assert autodiff32.dtype == np.float32
    assert abs(float(autodiff32) - exact) < 1e-6

    result = run_gotcha("float32-precision")
    assert result.error_type is None
    assert result.error_message == ""
    assert result.broken_result == "0.0 (float32)"
    assert "0.54030230" in result.fixed_result


def test_code_texts_show_what_runs():
    # The display text names the calls the functions make.
    assert "jax.grad(f)(3)" in BY_KEY["integer-input"].broken_code
    assert "[1.0, 2.0, 3.0]" in BY_KEY["list-input"].broken_code
    assert "jax.grad(jnp.sin)(xs)" in BY_KEY["non-scalar-output"].broken_code
    assert "dtype=jnp.float32" in BY_KEY["float32-precision"].broken_code
    assert "1e-8" in BY_KEY["float32-precision"].broken_code


def test_describe():
    assert describe(np.float32(0.5)) == "0.5 (float32)"
    assert describe(np.array([1.0, 2.0])) == "[1.0, 2.0] (float64)"
    assert describe({"a": 1.5}) == "a = 1.5"


def test_unknown_key_lists_the_known_ones():
    with pytest.raises(ValueError, match="integer-input"):
        run_gotcha("nope")
