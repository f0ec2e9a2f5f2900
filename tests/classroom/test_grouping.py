"""Grouping answers by equivalence (issue 24), as a property: however the answers are
written and in whatever order they arrive, equal functions make one group."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core import parse_expression
from core.classroom.judging import sample_values
from core.classroom.results import _Form, group_forms

# Each entry: one function, written several ways (all wrong answers to some question).
FUNCTIONS = [
    ("cos(x^2)", "cos(x*x)", "cos(x²)", "cos(-x^2)"),
    ("-2x cos(x^2)", "-(2x cos(x^2))", "-2cos(x^2)x"),
    ("x", "x + 0", "2x - x"),
    ("sin(x)^2 + cos(x)^2", "1"),
    ("sqrt(x)", "x^(1/2)"),
    ("1/x", "x^(-1)"),
    ("2x + 1", "1 + 2x"),
]
VALUES = {
    text: sample_values(parse_expression(text)).tobytes() for forms in FUNCTIONS for text in forms
}
RIGHT = ("2x cos(x^2)", "2 cos(x^2) x")

written = st.sampled_from([(i, text) for i, forms in enumerate(FUNCTIONS) for text in forms])


counts = st.integers(1, 20)
wrong_answers = st.lists(
    st.tuples(written, counts), min_size=1, max_size=12, unique_by=lambda t: t[0][1]
)
right_answers = st.lists(
    st.tuples(st.sampled_from(RIGHT), counts), max_size=2, unique_by=lambda t: t[0]
)


@settings(max_examples=60, deadline=None)
@given(wrong_answers, right_answers)
def test_equal_functions_make_one_group(wrong, right):
    forms = [
        _Form(parse_expression(text).text, text, False, None, VALUES[text], count)
        for (_, text), count in wrong
    ]
    forms += [
        _Form(parse_expression(text).text, text, True, None, b"", count) for text, count in right
    ]
    groups = group_forms(forms)
    functions = {index for (index, _), _ in wrong}
    assert len(groups) == len(functions) + (1 if right else 0)
    assert sum(group.count for group in groups) == sum(count for _, count in wrong + right)
    if right:
        assert groups[0].correct
        assert groups[0].count == sum(count for _, count in right)
    assert all(not group.correct for group in groups[1 if right else 0 :])
    # the same groups whatever the order the answers arrived in
    again = group_forms(list(reversed(forms)))
    assert sorted((g.count, g.texts) for g in again) == sorted((g.count, g.texts) for g in groups)
