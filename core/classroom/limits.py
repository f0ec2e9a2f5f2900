"""The bounds of a live class: sizes, lengths, bursts and idle time.

A store keeps one `Limits` (tests make smaller ones). `Burst` is the same sliding count
for a page to keep per browser session (e.g. in `st.session_state`), where `core` cannot
tell one session from another.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from core.classroom.errors import ClassError


@dataclass(frozen=True)
class Limits:
    """What one class may hold and how fast it may be used.

    Attributes:
        max_students: seats in one class (DESIGN.md: at least 300).
        nickname_length: the longest nickname, in characters.
        title_length: the longest class title.
        answer_length: the longest typed answer (the parser has its own bounds too).
        question_length: the longest question expression.
        page_length, query_length: the longest page name and view query a teacher pushes.
        answers_per_window, answer_window_s: at most this many answers from one student in
            any window of this many seconds.
        joins_per_window, join_window_s: at most this many joins into one class per window
            (a class of 300 joins within a minute; a script filling every seat does not).
        idle_s: a class untouched this long has ended (12 h).
    """

    max_students: int = 400
    nickname_length: int = 24
    title_length: int = 120
    answer_length: int = 200
    question_length: int = 200
    page_length: int = 64
    query_length: int = 4000
    answers_per_window: int = 5
    answer_window_s: float = 10.0
    joins_per_window: int = 60
    join_window_s: float = 10.0
    idle_s: float = 12 * 3600.0


DEFAULT_LIMITS = Limits()


def window_count(start: float | None, count: int, now: float, window: float) -> tuple[float, int]:
    """The (window start, count) after one more event at `now`, for a fixed window that
    restarts once `window` seconds have passed since its start."""
    if start is None or now - start >= window or now < start:
        return now, 1
    return start, count + 1


class Burst:
    """At most `limit` events in any `window` seconds, for one browser session.

    Example:
        >>> burst = Burst(2, 10.0, clock=iter([0.0, 1.0, 2.0]).__next__)
        >>> burst.check("join"); burst.check("join")
        >>> try:
        ...     burst.check("join")
        ... except ClassError as error:
        ...     print(error)
        Too many tries to join in a short time: wait 8 seconds, then try again.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self.times: deque[float] = deque()

    def check(self, what: str) -> None:
        """Count one event, or raise ClassError when the burst is over its limit."""
        now = self.clock()
        while self.times and now - self.times[0] >= self.window:
            self.times.popleft()
        if len(self.times) >= self.limit:
            wait = max(1, round(self.window - (now - self.times[0])))
            raise ClassError(
                f"Too many tries to {what} in a short time: wait {wait} seconds, then try again."
            )
        self.times.append(now)
