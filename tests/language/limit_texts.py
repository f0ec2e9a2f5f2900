"""Hypothesis strategies for texts at the parser's limits: length, depth, digits, exponents.

Each strategy draws texts on both sides of a limit, so a property over them sees
accepted texts as close to the limit as they come and rejected ones just beyond it.
"""

from __future__ import annotations

from hypothesis import strategies as st

from core.language.constant_size import MAX_CONSTANT_DIGITS, MAX_CONSTANT_EXPONENT
from core.language.syntax import MAX_DEPTH
from core.language.text_input import MAX_LENGTH
from core.language.tokens import MAX_INTEGER_DIGITS

# Terms whose canonical text is longer than what was typed (2x -> 2*x, |x| -> abs(x)).
_TERMS = [
    "sin(1x)*cos(x/1)", "2x", "x^2", "|x|", "3sin(x)", "x²", "1e15", "-x", "(x)", "π",
    "x*-1", "abs^2(x)", "sqrt(x)", "e^x", "x⁻¹", "2 x", "ln(x)", "sgn(x)", ".5", "x--x",
]  # fmt: skip
# Openers and closers of one level of nesting each. Kept to what SymPy builds and prints
# quickly: some nestings of max, abs and negative powers take SymPy seconds (see
# test_hostile_inputs), which would make this property's running time a lottery.
_LAYERS = [("(", ")"), ("-", ""), ("sin(", ")"), ("x + (", ")"), ("x^", ""), ("x*-(", ")"),
           ("--", ""), ("2(", ")"), ("1/(2 + ", ")"), ("x^-", ""), ("|x| + (", ")")]  # fmt: skip


def long_sums() -> st.SearchStrategy[str]:
    """Sums of terms from about MAX_LENGTH/3 to just over MAX_LENGTH characters."""

    def join(terms: list[str], operators: list[str]) -> str:
        text = terms[0]
        for term, operator in zip(terms[1:], operators, strict=False):
            text += operator + term
        return text

    return (
        st.tuples(
            st.lists(st.sampled_from(_TERMS), min_size=10, max_size=90),
            st.lists(st.sampled_from(["+", "-", "*", " + ", "/"]), min_size=90, max_size=90),
        )
        .map(lambda pair: join(*pair))
        .filter(lambda text: MAX_LENGTH // 3 <= len(text) <= MAX_LENGTH + 20)
    )


def deep_nests() -> st.SearchStrategy[str]:
    """Nestings of MAX_DEPTH - 12 to MAX_DEPTH + 2 levels of mixed kinds around a term."""

    def nest(layers: list[tuple[str, str]], inner: str) -> str:
        opening = "".join(opener for opener, _ in layers)
        closing = "".join(closer for _, closer in reversed(layers))
        return opening + inner + closing

    return st.builds(
        nest,
        st.lists(st.sampled_from(_LAYERS), min_size=MAX_DEPTH - 12, max_size=MAX_DEPTH + 2),
        st.sampled_from(_TERMS),
    )


def big_numbers() -> st.SearchStrategy[str]:
    """Integers of MAX_INTEGER_DIGITS +- 1 digits and floats at the ends of double precision."""
    integers = st.integers(MAX_INTEGER_DIGITS - 1, MAX_INTEGER_DIGITS + 1).flatmap(
        lambda digits: st.integers(10 ** (digits - 1), 10**digits - 1).map(str)
    )
    floats = st.sampled_from(
        ["1e15", "9.999999999999999e22", "1e300", "1.7976931348623157e308", "2.5e-300",
         "5e-324", "1e308", "1e309", "0.1000000000000000055511151231257827"]
    )  # fmt: skip
    number = integers | floats
    return st.builds(
        lambda a, template: template.format(a),
        number,
        st.sampled_from(["{}", "{}x", "x^{}", "{}*x + 1", "sin({})", "{}/x", "-{}"]),
    )


def constant_powers() -> st.SearchStrategy[str]:
    """Constant powers and products of them around 10^MAX_CONSTANT_DIGITS and the exponent limit."""
    digits = MAX_CONSTANT_DIGITS
    powers = st.sampled_from(
        [f"10^{digits}", f"10^{digits + 1}", "9^314", "9^315", "2^996", "2^997",
         f"1.0001^{MAX_CONSTANT_EXPONENT}", f"1.0001^{MAX_CONSTANT_EXPONENT + 1}",
         "abs^2(10^150)", "abs^2(10^151)", "(1/3)^628", "(1/3)^629", "10^200*10^100",
         "10^200*10^101", "1/10^300", "1/(10^300*10)", "abs^99999999(9)", "(-2)^997"]
    )  # fmt: skip
    return st.builds(
        lambda power, template: template.format(power),
        powers,
        st.sampled_from(["{}", "x + {}", "{}*x", "x^({})", "sin({})"]),
    )


def near_limit_texts() -> st.SearchStrategy[str]:
    """Texts near any of the limits."""
    return st.one_of(long_sums(), deep_nests(), big_numbers(), constant_powers())
