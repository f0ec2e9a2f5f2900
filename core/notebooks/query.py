"""A page's link query read as its widgets read it: each value typed, checked, or the default.

Every control of a page is bound to the URL under its key (`bind="query-params"`), and
Streamlit reads a link's value the way this module does: the last value of a name given
once, every value of a name repeated (a list, a range), a number outside the control's
bounds or an option it does not have ignored (the control keeps its default). Nothing
here evaluates the text: a value is a string, a float, an int, one of a fixed set of
options, or a switch; a typed function stays a string for `core.parse_expression`.

    >>> query = Query("f=sin%28x%29&n=3&n=40&x0=oops")
    >>> query.text("f", "x"), query.integer("n", 4, 1, 10), query.number("x0", 0.5)
    ('sin(x)', 4, 0.5)
"""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Mapping, Sequence

MAX_QUERY_LENGTH = 20_000  # characters: a link holds a few functions of 500 characters
MAX_FIELDS = 200  # names (counted with repeats): a page has a few dozen controls


class Query:
    """The values of one link query, by URL name (a widget's key).

    Args:
        query: the text after "?" ("f=sin%28x%29&n=3"); a leading "?" is allowed.

    Raises:
        ValueError: for a query that is not text, longer than MAX_QUERY_LENGTH, or with
            more than MAX_FIELDS values.
    """

    def __init__(self, query: str) -> None:
        if not isinstance(query, str):
            raise ValueError(
                f"The query must be text (a link's query), got {type(query).__name__}."
            )
        if len(query) > MAX_QUERY_LENGTH:
            raise ValueError(
                f"The query has {len(query):,} characters; a link's query has at most "
                f"{MAX_QUERY_LENGTH:,}."
            )
        try:
            pairs = urllib.parse.parse_qsl(
                query.removeprefix("?"), keep_blank_values=True, max_num_fields=MAX_FIELDS
            )
        except ValueError:
            raise ValueError(
                f"The query has more than {MAX_FIELDS} values: no page has that many controls."
            ) from None
        self.pairs: tuple[tuple[str, str], ...] = tuple(pairs)
        self._values: dict[str, list[str]] = {}
        for name, value in pairs:
            self._values.setdefault(name, []).append(value)

    def link(self, page: str) -> str:
        """The view's link, relative to the app's address: `page?name=value&...`, encoded."""
        encoded = urllib.parse.urlencode(self.pairs)
        return f"{page}?{encoded}" if encoded else page

    def has(self, name: str) -> bool:
        """Whether the link names `name` at all."""
        return name in self._values

    def _last(self, name: str) -> str | None:
        values = self._values.get(name)
        return values[-1] if values else None

    def text(self, name: str, default: str) -> str:
        """A text box's value (the empty text included)."""
        value = self._last(name)
        return default if value is None else value

    def number(self, name: str, default: float, low: float = -math.inf, high: float = math.inf):
        """A number box's or a float slider's value: finite and within [low, high]."""
        try:
            value = float(self._last(name))
        except (TypeError, ValueError):
            return default
        return value if math.isfinite(value) and low <= value <= high else default

    def integer(self, name: str, default: int, low: int, high: int, whole: bool = False) -> int:
        """An int slider's value within [low, high] (2.7 reads as 2, as Streamlit reads it);
        with `whole`, an int number box's, which takes whole numbers only ("2.7" is ignored)."""
        if whole:
            try:
                value = int(self._last(name) or "")
            except ValueError:
                return default
            return value if low <= value <= high else default
        value = self.number(name, math.nan, low, high)
        return default if math.isnan(value) else int(value)

    def pair(
        self, name: str, default: tuple[float, float], low: float, high: float, old: bool = False
    ) -> tuple[float, float]:
        """A range slider's two ends, written as the name twice; low < high, as pages ask.

        With `old`, also "a,b" once, as links written before the widgets were bound.
        """
        values = self._values.get(name, [])
        if old and len(values) == 1 and values[0].count(",") == 1:
            values = values[0].split(",")
        try:
            ends = tuple(float(value) for value in values)
        except ValueError:
            return default
        if len(ends) != 2 or not all(math.isfinite(e) and low <= e <= high for e in ends):
            return default
        return ends if ends[0] < ends[1] else default

    def switch(self, name: str, default: bool, old: bool = False) -> bool:
        """A toggle, checkbox or expander: "true" or "false" in any case (with `old`, also
        1 or 0, as older links wrote it)."""
        value = (self._last(name) or "").lower()
        words = {"true": True, "false": False, **({"1": True, "0": False} if old else {})}
        return words.get(value, default)

    def option(
        self,
        name: str,
        options: Mapping[str, object] | Sequence[str],
        default,
        codes: Mapping[str, object] | None = None,
    ):
        """One of a selectbox's, radio's or segmented control's options, named as it shows it.

        Args:
            options: the options as the control shows them (and the link writes them):
                a sequence of labels, or label -> the value the page uses.
            default: what the control starts at (a value, not a label).
            codes: the short codes older links named options by -> the value.
        """
        value = self._last(name)
        labels = options if isinstance(options, Mapping) else {o: o for o in options}
        if value in labels:
            return labels[value]
        return codes[value] if codes and value in codes else default

    def number_option(self, name: str, options: Sequence[float], shown, default: float) -> float:
        """A select slider's number, written as the slider shows it (`shown(option)`) or, as
        older links did, as any number equal to an option ("0.001" for 1e-3)."""
        value = self._last(name)
        labels = {shown(option): option for option in options}
        if value in labels:
            return labels[value]
        try:
            number = float(value)
        except (TypeError, ValueError):
            return default
        return next((option for option in options if option == number), default)

    def options(
        self,
        name: str,
        options: Mapping[str, object] | Sequence[str],
        default: list,
        codes: Mapping[str, object] | None = None,
    ) -> list:
        """A multiselect's or pills' options, each named as shown; `name=` is none chosen.

        Unknown names are dropped; a link naming only unknown ones keeps the default. With
        `codes`, a single "a,b" of codes (older links' lists) reads as those options.
        """
        values = self._values.get(name)
        if values is None:
            return list(default)
        labels = options if isinstance(options, Mapping) else {o: o for o in options}
        if codes and len(values) == 1 and values[0]:
            items = [item for item in values[0].split(",") if item]
            if all(item in codes for item in items):
                return list(dict.fromkeys(codes[item] for item in items))
        chosen = [value for value in values if value]
        if not chosen:
            return []
        known = list(dict.fromkeys(labels[value] for value in chosen if value in labels))
        return known or list(default)
