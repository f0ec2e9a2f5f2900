"""What a simulated person does on the Explorer (views/explorer.py), widget by widget.

The widgets are found by their keys (a bound control's key is its URL name): `f` (text
input "f(x) ="), `n` (slider 1-10), `range` (range slider, step 0.1), `x0` (number input
"Point x₀"), `explorer_example` (selectbox "Examples", not bound), and `p_<name>` for the
parameters of expressions such as `(a*x + b)^m`.
Values are set as the browser would send them: a slider's value is a list of floats.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from urllib.parse import urlencode

from benchmarks.loadtest.session import Interaction, Session
from core.explorer.examples import EXAMPLES

EXPR, ORDER, RANGE, X0, EXAMPLE = "f", "n", "range", "x0", "explorer_example"
PARAM = "p_"
MIX = (("move", 0.60), ("example", 0.25), ("type", 0.15))  # the classroom mix


def shared_link(expression: str, order: int = 4, x_range=(-3.0, 3.0), x0: float = 0.5) -> str:
    """The query string of a teacher's link to an Explorer view, as the browser writes it
    (a range repeats its name)."""
    return urlencode(
        {"f": expression, "n": order, "range": [f"{x_range[0]:g}", f"{x_range[1]:g}"],
         "x0": f"{x0:g}"},
        doseq=True,
    )  # fmt: skip


def _tenth(value: float) -> float:
    return round(round(value * 10) / 10, 1)


class ExplorerUser:
    """One person on the Explorer, acting on their own seeded random stream."""

    def __init__(self, session: Session, rng: random.Random, typed: Iterator[str]) -> None:
        self.session = session
        self.rng = rng
        self.typed = typed  # where this person's new expressions come from

    @property
    def page(self):
        return self.session.page

    async def act(self) -> Interaction:
        """One action of the classroom mix: 60% moves, 25% example picks, 15% typing."""
        action = self.rng.choices([name for name, _ in MIX], [share for _, share in MIX])[0]
        if action == "move":
            return await self.move()
        if action == "example":
            return await self.pick_example()
        return await self.type_expression(next(self.typed))

    async def type_expression(self, text: str) -> Interaction:
        def change(page) -> None:
            page.set(EXPR, text)

        return await self.session.interact("type", text, change)

    async def set_order(self, order: int) -> Interaction:
        return await self.session.interact(
            "order", str(order), lambda page: page.set(ORDER, [float(order)])
        )

    async def pick_example(self) -> Interaction:
        current = self.page.value(EXAMPLE)
        label = self.rng.choice([e.label for e in EXAMPLES if e.label != current])
        return await self.session.interact("example", label, lambda page: page.set(EXAMPLE, label))

    async def move(self) -> Interaction:
        """Drag the order, range or a parameter slider a little, or step x₀."""
        keys = [n.proto.id.rsplit("-", 1)[1] for n in self.page.widgets()]
        key = self.rng.choice([ORDER, X0, RANGE, *(k for k in keys if k.startswith(PARAM))])
        rng = self.rng
        if key == ORDER:
            order = int(self.page.value(ORDER)[0])
            near = [o for o in range(order - 2, order + 3) if o != order and 1 <= o <= 10]
            value = [float(rng.choice(near))]
        elif key == X0:
            value = _tenth(self.page.value(X0) + rng.choice([-1, 1]) * rng.uniform(0.1, 1.0))
        elif key == RANGE:
            low, high = self.page.value(RANGE)
            width = max(1.0, (high - low) * rng.uniform(0.7, 1.4))
            centre = (low + high) / 2 + rng.uniform(-1.0, 1.0)
            low = _tenth(max(-10.0, centre - width / 2))
            value = [low, _tenth(min(10.0, max(low + 0.5, centre + width / 2)))]
        else:
            (current,) = self.page.value(key)
            value = [_tenth(min(10.0, max(-10.0, current + rng.uniform(-1.0, 1.0))))]
        action = key.removeprefix(PARAM).removeprefix("explorer_")
        return await self.session.interact(action, str(value), lambda page: page.set(key, value))
