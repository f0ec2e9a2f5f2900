"""The parser's limits hold for the text as typed and as written out in full.

Pages parse `ParsedExpression.text` again (ui/cached.py), so the canonical text of
every accepted expression must be accepted: at the limits of length, nesting, digits
and constant size too. Found under load: a 494-character sum was accepted, and its
573-character canonical text was not.
"""

from __future__ import annotations

import pytest

from core import ExpressionError, parse_expression
from core.language.constant_size import MAX_CONSTANT_DIGITS
from core.language.syntax import MAX_CHAIN, MAX_DEPTH
from core.language.text_input import MAX_LENGTH
from core.language.tokens import MAX_INTEGER_DIGITS


def assert_round_trips(text: str) -> None:
    """If `text` is accepted, its canonical text is accepted and is its own canonical text."""
    try:
        parsed = parse_expression(text)
    except ExpressionError as error:
        rejected, parsed = error, None
    if parsed is None:
        assert rejected.message
        assert rejected.position is None or 0 <= rejected.position <= len(text)
        return
    again = parse_expression(parsed.text)
    assert again == parsed
    assert again.text == parsed.text


def test_long_sum_from_the_load_test_round_trips():
    text = "+".join(["sin(1x)*cos(x/1)"] * 29)
    assert len(text) <= MAX_LENGTH
    assert_round_trips(text)


def test_text_too_long_written_out_says_so():
    text = "+".join(["sin(1x)*cos(x/1)"] * 29)
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert "Written out in full" in info.value.message
    assert f"the limit is {MAX_LENGTH}" in info.value.message


@pytest.mark.parametrize(("last", "accepted"), [("22", True), ("222", False)])
def test_canonical_text_at_the_length_limit(last, accepted):
    # 83 terms "2x" are typed in 417 characters and written "2*x + ... + 22" in 500.
    text = " + ".join(["2x"] * 83 + [last])
    assert len(text) < MAX_LENGTH
    if accepted:
        assert len(parse_expression(text).text) == MAX_LENGTH
        assert_round_trips(text)
    else:
        with pytest.raises(ExpressionError, match="Written out in full"):
            parse_expression(text)


@pytest.mark.parametrize(
    ("negations", "accepted"), [(MAX_DEPTH // 2, True), (MAX_DEPTH // 2 + 1, False)]
)
def test_nested_negations_are_deeper_written_out(negations, accepted):
    # "--x" is written "-(-x)": n negations nest 2n levels in the canonical text.
    text = "-" * negations + "x"
    if accepted:
        assert_round_trips(text)
        assert parse_expression(text).text.count("(") == negations - 1
    else:
        with pytest.raises(ExpressionError, match="Written out in full, the expression is nested"):
            parse_expression(text)


def test_typed_depth_limit_is_unchanged():
    assert_round_trips("(" * (MAX_DEPTH - 1) + "x" + ")" * (MAX_DEPTH - 1))
    with pytest.raises(ExpressionError, match="nested more than"):
        parse_expression("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH)


@pytest.mark.parametrize(
    "text",
    ["9" * MAX_INTEGER_DIGITS, "1e15", "1e308", "5e-324", "1.7976931348623157e308", "2.5e-300"],
)
def test_numbers_at_the_limits_round_trip(text):
    parsed = parse_expression(f"{text}*x + {text}")
    assert_round_trips(parsed.text)
    assert parse_expression(parsed.text) == parsed


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        (f"10^{MAX_CONSTANT_DIGITS}", True),
        (f"10^{MAX_CONSTANT_DIGITS + 1}", False),
        ("10^200*10^100", True),
        ("10^200*10^101", False),
        ("1/(10^150*10^150)", True),
        ("1/(10^150*10^151)", False),
        ("abs^2(10^150)", True),
        ("abs^2(10^151)", False),
        ("abs²(10^151)", False),
    ],
)
def test_exact_constants_stay_below_the_limit(text, accepted):
    if accepted:
        assert_round_trips(text)
        parse_expression(text)
    else:
        with pytest.raises(ExpressionError, match=f"below 10\\^{MAX_CONSTANT_DIGITS}"):
            parse_expression(text)


@pytest.mark.parametrize("text", ["x" * 500, "x*" * 249 + "x", "+".join(["x"] * 200)])
def test_a_chain_longer_than_the_limit_is_a_sentence_not_a_crash(text):
    # x typed 500 times is a product 500 deep: the printer's recursion overflowed on it.
    with pytest.raises(ExpressionError, match=f"chains more than {MAX_CHAIN} operations"):
        parse_expression(text)


def test_a_chain_at_the_limit_is_read():
    parsed = parse_expression("*".join(["x"] * (MAX_CHAIN - 1)))
    assert parsed.sympy == parsed.symbols["x"] ** (MAX_CHAIN - 1)
