"""Normalise what people type (unicode maths, superscripts) to ASCII, keeping original positions."""

from __future__ import annotations

import unicodedata

from core.errors import ExpressionError

MAX_LENGTH = 500

# Characters people paste from documents, mapped to what the tokenizer reads.
_REPLACEMENTS = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",  # en dash
    "\u00d7": "*",  # multiplication sign
    "\u00b7": "*",  # middle dot
    "\u22c5": "*",  # dot operator
    "\u2219": "*",  # bullet operator
    "\u2217": "*",  # asterisk operator
    "\u00f7": "/",
    "\u2215": "/",
    "\u03c0": "pi",  # πx reads as pi x: core.language.glued_names splits "pix"
    "\u221a": "sqrt",  # √x reads as sqrt x (a function without brackets)
    "\u221b": "cbrt",  # ∛x
    "\u00a0": " ",
}
_SUPERSCRIPTS = {
    "\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3", "\u2074": "4",
    "\u2075": "5", "\u2076": "6", "\u2077": "7", "\u2078": "8", "\u2079": "9",
    "\u207b": "-", "\u207a": "+", "\u207d": "(", "\u207e": ")",
    # Superscript letters, as in eˣ, e⁻ˣ, x²eˣ, aⁿ: a power of the letter.
    "\u02e3": "x", "\u02b8": "y", "\u207f": "n", "\u2071": "i", "\u1d57": "t",
    "\u1d43": "a", "\u1d47": "b", "\u1d9c": "c", "\u1d4f": "k", "\u1d50": "m",
}  # fmt: skip


def normalise(text: str) -> tuple[str, list[int]]:
    """Rewrite `text` in the ASCII the tokenizer reads.

    Superscript runs become a power (`x²` -> `x^(2)`), unicode operators their ASCII
    twins, and compatibility forms (fullwidth letters) their plain letters (NFKC).

    Returns:
        The ASCII text and, for each of its characters, the index of the character
        in `text` it came from, so errors point at what the person typed.

    Raises:
        ExpressionError: for empty or over-long input, or a character no rule covers.
    """
    if not text or not text.strip():
        raise ExpressionError("Type an expression, for example x^2 + sin(x).", 0)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"The expression is {len(text):,} characters long; the limit is {MAX_LENGTH}.",
            MAX_LENGTH,
        )
    out: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _SUPERSCRIPTS:
            start = i
            digits = []
            while i < len(text) and text[i] in _SUPERSCRIPTS:
                digits.append(_SUPERSCRIPTS[text[i]])
                i += 1
            piece = "^(" + "".join(digits) + ")"
            out.extend(piece)
            origin.extend([start] * len(piece))
            continue
        if ch in "\n\r":
            raise ExpressionError("Only one expression on one line is allowed.", i)
        piece = _REPLACEMENTS.get(ch) or unicodedata.normalize("NFKC", ch)
        if any(ord(c) > 127 for c in piece):
            raise ExpressionError(
                f"The character '{ch}' is not part of the expression language.", i
            )
        out.extend(piece)
        origin.extend([i] * len(piece))
        i += 1
    origin.append(len(text))  # position of the end of input
    return "".join(out), origin
