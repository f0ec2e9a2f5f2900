"""Derivative Explorer's GPU benchmark: Taylor-mode AD at N = 10^8 against the memory floor.

Run from the repository root (`make bench` runs it when JAX sees a GPU; alone, it needs
only JAX, NumPy and SymPy, as on a machine without Streamlit):

    python -m benchmarks.gpu [--size N] [--orders 4,8]

The compiled form (`core.engines.autodiff_compiled`) reads x once and writes every row
once, so its floor is the memory traffic: bytes = 8 N (x) + 8 N (n + 1) (the rows), over
the card's bandwidth. Two bandwidths are shown: the card's nominal one (when its name is
known below) and one measured in the same run by y = x + 1 (8 N read, 8 N written).
Times are medians of warm runs with the result left on the device
(`jax.block_until_ready`); compile time is reported apart. The target: AD within 2× of
the floor. On a CPU the same table runs (with --size), measured bandwidth only.
"""

from __future__ import annotations

import argparse
from typing import NamedTuple

import numpy as np

DEFAULT_SIZE = 100_000_000
DEFAULT_ORDERS = (4, 8)
TARGET_RATIO = 2.0

# Nominal memory bandwidth (bytes/s) by a substring of jax's device_kind, from the
# vendors' data sheets; longest match first.
NOMINAL_BANDWIDTH = {
    "H200": 4.8e12,
    "H100 PCIe": 2.0e12,
    "H100": 3.35e12,
    "GH200": 4.0e12,
    "A100-SXM4-80GB": 2.039e12,
    "A100-PCIE-80GB": 1.935e12,
    "A100": 1.555e12,
    "L40S": 0.864e12,
    "L4": 0.3e12,
    "RTX 4090": 1.008e12,
    "V100": 0.9e12,
    "T4": 0.32e12,
}


def nominal_bandwidth(device_kind: str) -> float | None:
    for name in sorted(NOMINAL_BANDWIDTH, key=len, reverse=True):
        if name in device_kind:
            return NOMINAL_BANDWIDTH[name]
    return None


class Measured(NamedTuple):
    label: str
    order: int
    size: int
    ad: float  # seconds, warm
    compile: float
    alone: float  # f alone, jitted
    moved: int  # bytes read and written by the compiled form
    floor_nominal: float | None
    floor_measured: float


def gpu_table(size: int = DEFAULT_SIZE, orders=DEFAULT_ORDERS):
    """Both benchmark functions on JAX's default device: (measurements, device, bandwidths)."""
    import jax
    import jax.numpy as jnp

    from benchmarks.bench import FUNCTIONS, measure, once
    from core import parse_expression
    from core.engines import autodiff_compiled, taylor_mode

    device = jax.devices()[0]
    x = jax.block_until_ready(jnp.linspace(-4.0, 4.0, size, dtype=jnp.float64))
    copy = jax.jit(lambda values: values + 1.0)
    jax.block_until_ready(copy(x))
    measured = 2 * x.nbytes / measure(lambda: jax.block_until_ready(copy(x)))
    nominal = nominal_bandwidth(device.device_kind)
    no_parameters = jnp.zeros((0,), dtype=jnp.float64)
    results = []
    for label, text in FUNCTIONS.items():
        parsed = parse_expression(text)
        alone = jax.jit(taylor_mode.elementwise_function(parsed, {}))
        jax.block_until_ready(alone(x))
        t_alone = measure(lambda alone=alone: jax.block_until_ready(alone(x)))
        for order in orders:
            autodiff_compiled.compiled.cache_clear()
            function = autodiff_compiled.compiled(parsed.text, "x", (), order)

            def run(function=function):
                return jax.block_until_ready(function(x, no_parameters))

            t_first, (rows, zero_base) = once(run)
            t_ad = measure(run)
            moved = x.nbytes + sum(row.nbytes for row in rows)
            moved += 0 if zero_base is None else zero_base.nbytes
            results.append(
                Measured(
                    label, order, size, t_ad, max(0.0, t_first - t_ad), t_alone, moved,
                    None if nominal is None else moved / nominal, moved / measured,
                )
            )  # fmt: skip
    return results, device, measured, nominal


def print_gpu_section(size: int = DEFAULT_SIZE, orders=DEFAULT_ORDERS) -> None:
    from benchmarks.bench import ms, print_table

    results, device, measured, nominal = gpu_table(size, orders)
    print(f"## 7. Taylor-mode AD on {device.platform.upper()} ({device.device_kind})\n")
    print(
        f"Bandwidth: measured by y = x + 1 at N = {size:.0e}: {measured / 1e9:,.0f} GB/s;"
        f" nominal: {'unknown' if nominal is None else f'{nominal / 1e9:,.0f} GB/s'}."
        f" Floor = bytes / bandwidth; target AD ≤ {TARGET_RATIO:g}× the floor (the nominal"
        " one when the card is known). Times in ms, medians of warm runs, results left on"
        " the device.\n"
    )
    rows = []
    for r in results:
        floor = r.floor_nominal or r.floor_measured
        rows.append(
            [r.label, str(r.order), f"{r.size:.0e}", ms(r.ad), ms(r.compile), ms(r.alone),
             f"{r.moved / 1e9:,.2f}", ms(r.floor_nominal),
             "—" if r.floor_nominal is None else f"{r.ad / r.floor_nominal:.2f}×",
             ms(r.floor_measured), f"{r.ad / r.floor_measured:.2f}×",
             "**PASS**" if r.ad / floor <= TARGET_RATIO else "**FAIL**"]
        )  # fmt: skip
    print_table(
        ["f", "n", "N", "AD 0..n", "AD compile", "f alone", "GB moved", "floor (nominal)",
         "AD / floor", "floor (measured)", "AD / floor (measured)", "target"],
        rows,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--orders", default=",".join(map(str, DEFAULT_ORDERS)))
    arguments = parser.parse_args()
    orders = tuple(int(order) for order in arguments.orders.split(","))
    print_gpu_section(arguments.size, orders)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
