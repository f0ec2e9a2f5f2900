"""Textbook exercises typed as printed: read, differentiated right, answers judged right.

`data/textbook_corpus.txt` holds derivative exercises in the style of open (CC-BY)
calculus textbooks, each with its printed answer and a plausible wrong answer, typed
the way the books print them (`sin^2 x`, `tan^{-1}(x^2)`, `xe^x`, `log_2 x`, ...).

The judge is mpmath, not the app: a small evaluator of its own walks the validated tree
with mpmath's functions at 30 digits (`mp_value`), `mpmath.diff` differentiates f's
tree, and the printed answer's tree must give the same numbers at the sample points
where everything is real; the wrong answer must not. Then `core.check_answer` must
accept every printed answer and reject every wrong answer (about 30 s for the 205
items on this 2-core machine).
"""

from __future__ import annotations

from pathlib import Path

import mpmath
import pytest

from core import check_answer, parse_expression
from core.language.tree import Binary, Call, Constant, Negate, Node, Number, Symbol

CORPUS = Path(__file__).parent / "data" / "textbook_corpus.txt"
PARAMETERS = {"a": mpmath.mpf("1.7"), "b": mpmath.mpf("0.6")}
# Sample points inside and outside [-1, 1], both signs: each item uses those where f,
# f' and the printed answer are all real and finite.
POINTS = (-2.7, -1.9, -1.3, -0.6, -0.35, -0.15, 0.2, 0.3, 0.45, 0.7, 1.2, 1.6, 2.3, 3.1)
MIN_POINTS = 3
WRONG_CHECKED_EVERY = 1  # core.check_answer on every wrong answer

_MP = {
    "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan, "cot": mpmath.cot,
    "sec": mpmath.sec, "csc": mpmath.csc, "asin": mpmath.asin, "acos": mpmath.acos,
    "atan": mpmath.atan, "asec": mpmath.asec, "acsc": mpmath.acsc, "acot": mpmath.acot,
    "sinh": mpmath.sinh, "cosh": mpmath.cosh, "tanh": mpmath.tanh, "sech": mpmath.sech,
    "csch": mpmath.csch, "coth": mpmath.coth, "asinh": mpmath.asinh, "acosh": mpmath.acosh,
    "atanh": mpmath.atanh, "asech": mpmath.asech, "acsch": mpmath.acsch,
    "acoth": mpmath.acoth, "exp": mpmath.exp, "log": mpmath.log,
    "log10": lambda z: mpmath.log(z, 10), "log2": lambda z: mpmath.log(z, 2),
    "sqrt": mpmath.sqrt, "abs": mpmath.fabs,
}  # fmt: skip


class Undefined(Exception):
    """The value is not a finite real number at this point."""


def _items() -> list[tuple[str, str, str]]:
    items = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            function, answer, wrong = (part.strip() for part in line.split(";"))
            items.append((function, answer, wrong))
    return items


ITEMS = _items()


def mp_value(node: Node, x):
    """The tree's value at x with mpmath (an evaluator independent of the app's engines)."""
    if isinstance(node, Number):
        return mpmath.mpf(node.value)
    if isinstance(node, Constant):
        return mpmath.pi if node.name == "pi" else mpmath.e
    if isinstance(node, Symbol):
        return x if node.name == "x" else PARAMETERS[node.name]
    if isinstance(node, Negate):
        return -mp_value(node.operand, x)
    if isinstance(node, Call):
        return _real(_MP[node.function](mp_value(node.argument, x)))
    if not isinstance(node, Binary):
        raise TypeError(f"the corpus uses no {type(node).__name__}")
    left, right = mp_value(node.left, x), mp_value(node.right, x)
    if node.operator == "/" and right == 0:
        raise Undefined
    operations = {
        "+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
        "/": lambda: left / right, "^": lambda: mpmath.power(left, right),
    }  # fmt: skip
    return _real(operations[node.operator]())


def _real(value):
    if isinstance(value, mpmath.mpc) or not mpmath.isfinite(value):
        raise Undefined
    return value


def _derivative(tree: Node, x):
    return _real(mpmath.diff(lambda t: mp_value(tree, t), x))


def _compared(function: str, answer: str, wrong: str):
    """(points, |f' - answer|, |f' - wrong| scaled) at the points where all are defined."""
    f, right, slip = (parse_expression(text).tree for text in (function, answer, wrong))
    used, errors, gaps = [], [], []
    with mpmath.workdps(30):
        for point in POINTS:
            x = mpmath.mpf(point)
            try:
                mp_value(f, x)
                want = _derivative(f, x)
                got = mp_value(right, x)
            except (Undefined, ZeroDivisionError, ValueError):
                continue
            scale = max(1, abs(want))
            used.append(point)
            errors.append(float(abs(want - got) / scale))
            try:
                gaps.append(float(abs(want - mp_value(slip, x)) / scale))
            except (Undefined, ZeroDivisionError, ValueError):
                gaps.append(float("inf"))  # undefined where f' is defined: wrong there
    return used, errors, gaps


def test_the_corpus_is_large_and_distinct():
    assert len(ITEMS) >= 150
    assert len({function for function, _, _ in ITEMS}) == len(ITEMS)


@pytest.mark.parametrize(("function", "answer", "wrong"), ITEMS, ids=[i[0] for i in ITEMS])
def test_printed_derivative_matches_mpmath(function, answer, wrong):
    used, errors, gaps = _compared(function, answer, wrong)
    assert len(used) >= MIN_POINTS, f"{function}: defined at only {used}"
    assert max(errors) < 1e-15, f"{function}: f' differs from {answer!r}: {errors}"
    assert max(gaps) > 1e-6, f"{function}: the wrong answer {wrong!r} equals f' there"


def _check(function: str, answer: str):
    parsed = parse_expression(function)
    params = {name: float(PARAMETERS[name]) for name in parsed.parameters}
    return check_answer(parsed, answer, params=params)


@pytest.mark.parametrize(("function", "answer"), [i[:2] for i in ITEMS], ids=[i[0] for i in ITEMS])
def test_printed_answer_is_accepted(function, answer):
    verdict = _check(function, answer)
    assert verdict.correct, f"{function}: {answer!r} rejected: {verdict.message}"


WRONG = ITEMS[::WRONG_CHECKED_EVERY]


@pytest.mark.parametrize(
    ("function", "wrong"), [(i[0], i[2]) for i in WRONG], ids=[i[0] for i in WRONG]
)
def test_wrong_answer_is_rejected(function, wrong):
    verdict = _check(function, wrong)
    assert not verdict.correct, f"{function}: {wrong!r} accepted"
