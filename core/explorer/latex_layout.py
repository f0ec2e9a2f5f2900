"""Long formulas broken into lines at their top-level + and −, to fit a narrow column.

KaTeX never breaks a displayed formula, so a 4th derivative runs off the side of its
column. SymPy's LaTeX writes a binary + or − with a space on each side; outside every
brace and every \\left … \\right pair such an operator separates two terms of the sum.
"""

from __future__ import annotations

import functools
import re

LINE_WIDTH = 32  # characters as they appear on screen, about 340 px of KaTeX
_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_NAMED = {"sin", "cos", "tan", "cot", "sec", "csc", "log", "exp", "sinh", "cosh", "tanh",
          "asin", "acos", "atan", "sign", "max", "min"}  # fmt: skip
_SILENT = {"left", "right", "frac", "operatorname", "mathrm", "text", "quad", "cdot"}


def top_level_terms(latex: str) -> list[str]:
    """`latex` cut before each binary + or − at nesting depth 0.

    The pieces joined again with " " give back `latex` exactly; every piece after the
    first starts with "+ " or "- ".
    """
    pieces, start, depth, index = [], 0, 0, 0
    while index < len(latex):
        if latex.startswith(r"\left", index):
            depth += 1
            index += len(r"\left")
            continue
        if latex.startswith(r"\right", index):
            depth -= 1
            index += len(r"\right")
            continue
        char = latex[index]
        if char in "{(":  # a plain parenthesis nests too: the (x - 0.5) of a Taylor polynomial
            depth += 1
        elif char in "})":
            depth -= 1
        elif (
            depth == 0
            and char in "+-"
            and index > start
            and latex[index - 1] == " "
            and latex[index + 1 : index + 2] == " "
        ):
            pieces.append(latex[start : index - 1])
            start = index
        index += 1
    pieces.append(latex[start:])
    return pieces


def visible_width(latex: str) -> float:
    """About how many characters wide `latex` looks once typeset.

    Commands print as their name (\\sin), one symbol (\\pi, \\cdot) or nothing
    (\\left); braces print nothing; exponents are smaller.
    """

    def command(match: re.Match) -> str:
        name = match.group(1)
        if name in _SILENT:
            return " " if name in ("quad", "cdot") else ""
        return name if name in _NAMED else "x"

    text = _COMMAND.sub(command, latex)
    exponents = sum(len(e) for e in re.findall(r"\^\{([^{}]*)\}", text))
    plain = re.sub(r"[{}^_\s]", "", text)
    return len(plain) - 0.4 * exponents + 0.5 * text.count(" ")


@functools.lru_cache(maxsize=1024)  # the same derivatives on every rerun, in every session
def equation(left: str, right: str, width: int = LINE_WIDTH) -> str:
    """`left = right`, on several aligned lines when it is wider than `width`.

    Args:
        left: the left-hand side, e.g. "f'(x)".
        right: SymPy's LaTeX of the right-hand side.
        width: visible characters per line.

    Returns:
        LaTeX for KaTeX's display mode; a single term wider than `width` keeps a line
        of its own (the page lets such a line scroll).
    """
    if visible_width(f"{left} = {right}") <= width:
        return f"{left} = {right}"
    budget = width - visible_width(f"{left} = ")
    terms = top_level_terms(right)
    if len(terms) >= 2:
        lines = []
        for line in _fill(terms, budget):
            # A term wider than the line, as a simplified derivative's (…)·e^… is: break
            # the sum in its parentheses too, or KaTeX runs it off the column's edge.
            wide = visible_width(line) > budget
            lines.extend((_factor_lines(line, budget) if wide else None) or [line])
    else:  # one product, as a simplified derivative is: break the sum in its parentheses
        lines = _factor_lines(right, budget)
        if lines is None:
            return f"{left} = {right}"
    body = r" \\ &\quad ".join(lines)
    return rf"\begin{{aligned}} {left} &= {body} \end{{aligned}}"


def _fill(terms: list[str], budget: float) -> list[str]:
    """The terms in order, as many on each line as fit `budget` (at least one)."""
    lines, current = [], ""
    for term in terms:
        candidate = f"{current} {term}" if current else term
        if current and visible_width(candidate) > budget:
            lines.append(current)
            candidate = term
        current = candidate
    lines.append(current)
    return lines


def _factor_lines(latex: str, budget: float) -> list[str] | None:
    r"""`a \left(s_1 + s_2 + …\right) b` on lines cut between the s_i, or None.

    The first top-level `\left(` whose sum has two terms or more is cut; each line's
    delimiters are closed with the invisible `\right.` and reopened with `\left.`, as
    KaTeX needs every line of an aligned block to balance.
    """
    start = latex.find(r"\left(")
    while start >= 0:
        end = _matching_right(latex, start)
        if end is None:
            return None
        inner = latex[start + len(r"\left(") : end]
        terms = top_level_terms(inner.strip())
        lines = _fill(terms, budget)
        if len(lines) >= 2 and latex[:start].count("{") == latex[:start].count("}"):
            head, tail = latex[:start], latex[end + len(r"\right)") :]
            lines[0] = rf"{head}\left({lines[0]}"
            lines = [rf"{line} \right." for line in lines[:-1]] + [lines[-1]]
            lines[1:] = [rf"\left. {line}" for line in lines[1:]]
            lines[-1] = rf"{lines[-1]}\right){tail}"
            return lines
        start = latex.find(r"\left(", end)
    return None


def _matching_right(latex: str, start: int) -> int | None:
    r"""The index of the `\right` that closes the `\left` at `start`, if a `\right)`."""
    depth, index = 0, start
    while index < len(latex):
        if latex.startswith(r"\left", index):
            depth += 1
            index += len(r"\left")
        elif latex.startswith(r"\right", index):
            depth -= 1
            if depth == 0:
                return index if latex.startswith(r"\right)", index) else None
            index += len(r"\right")
        else:
            index += 1
    return None
