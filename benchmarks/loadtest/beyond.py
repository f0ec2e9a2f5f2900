"""The Beyond grad page (views/beyond_grad.py) in scenario "several": one person, section
after section (URL path `/beyond_grad`: segmented control `b_s`, `?b_s=<title>`).

(a) The same rerun, (b) one widget moved (a number input by ±0.1-1, a slider to another
value of its grid). "Why AD is not symbolic" gets its SymPy sizes through the job queue,
shown in a table; each of its moves waits for them.
"""

from __future__ import annotations

from benchmarks.loadtest import sectioned
from benchmarks.loadtest.kit import Options, error_check, rng_for
from benchmarks.loadtest.sectioned import Knob, PageSection, SectionedPage
from benchmarks.loadtest.servers import Cluster

BEYOND_SECTIONS = (
    PageSection("custom", "Custom JVP rules", "Custom JVP", Knob("b_cy", "y", -5.0, 5.0)),
    PageSection("stop", "stop_gradient", "stop_gradient",
                Knob("b_sr", "reward r slider", -2.0, 2.0, 0.1)),
    # y₃ stays 0.7, the largest: no tie in the argmax (which the page shows as an error).
    PageSection("ste", "Straight-through estimator", "Straight-through",
                Knob("b_ty0", "y₁ slider", 0.0, 0.6, 0.05)),
    # At a = 3 the root of a x³ - x - 2 is the bracket's end: its finite difference is nan.
    PageSection("implicit", "Implicit differentiation", "Implicit",
                Knob("b_ia", "a", 1.5, 2.95)),
    PageSection("aux", "has_aux", "has_aux", Knob("b_ax", "x", -5.0, 5.0)),
    PageSection("per_example", "Per-example gradients", "Per-example",
                Knob("b_px0", "x₀₁", -5.0, 5.0)),
    PageSection("swell", "Why AD is not symbolic", "Why AD is not symbolic",
                Knob("b_wn", "order slider", 1, 8, 1), True),
    # a cos(z) has one fixed point for every a; |∂f/∂z| passes 1 near a = 1.3 (a warning).
    PageSection("fixed", "Fixed points", "Fixed points", Knob("b_fa", "a", 0.5, 2.5)),
)  # fmt: skip
BEYOND = SectionedPage("beyond_grad", "b_s", "Beyond grad", BEYOND_SECTIONS)


async def visit_beyond_grad(url: str, timeout_s: float):
    """One tab opens Beyond grad and switches through its sections (a replica's warm-up)."""
    return await sectioned.visit_sections(BEYOND, url, timeout_s)


async def beyond_grad_alone(cluster: Cluster, options: Options, name: str):
    """One person through every Beyond grad section: (a) the same rerun, (b) moves."""
    sizes = (options.size(6, 2), options.size(6, 2))
    rng = rng_for(options, "beyond-grad")
    checks, data, interactions = await sectioned.one_person(
        cluster, options, BEYOND, name, rng, sizes
    )
    errors = error_check(name, interactions)
    errors.metric = f"{BEYOND.name}: errors"
    return [*checks, errors], data
