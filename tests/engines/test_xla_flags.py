"""XLA_FLAGS: the unroll option that lets LLVM vectorise the compiled AD's one loop."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from core.engines import xla_flags

COMPILE_ORDER_8 = """
import jax.numpy as jnp
import core
from core import parse_expression
from core.engines import autodiff_compiled
f = autodiff_compiled.compiled(parse_expression("sin(x) - 2cos(3x)e^(-x^2)").text, "x", (), 8)
f.lower(jnp.zeros(20_000), jnp.zeros((0,))).compile()
"""


def test_configure_adds_the_option_to_other_flags():
    environ = {"XLA_FLAGS": "--xla_cpu_enable_fast_math=false"}
    assert xla_flags.configure(environ)
    assert environ["XLA_FLAGS"] == f"--xla_cpu_enable_fast_math=false {xla_flags.OPTION}"
    empty = {}
    assert xla_flags.configure(empty)
    assert empty["XLA_FLAGS"] == xla_flags.OPTION


def test_configure_keeps_a_process_own_backend_options():
    environ = {"XLA_FLAGS": "--xla_backend_extra_options=-some-llvm-option=1"}
    assert not xla_flags.configure(environ)
    assert environ["XLA_FLAGS"] == "--xla_backend_extra_options=-some-llvm-option=1"


def _vector_lines(dump: Path) -> int:
    kernels = list(dump.glob("*jit_run*reduce*ir-with-opt.ll"))
    assert kernels, sorted(p.name for p in dump.iterdir())
    return sum(len(re.findall(r"<\d+ x double>", k.read_text())) for k in kernels)


def _compile_in_a_new_process(dump: Path, flags: str) -> None:
    environ = {**os.environ, "XLA_FLAGS": f"--xla_dump_to={dump} {flags}".strip()}
    environ["JAX_PLATFORMS"] = "cpu"  # the LLVM IR of XLA's CPU kernels, on any machine
    subprocess.run([sys.executable, "-c", COMPILE_ORDER_8], env=environ, check=True, timeout=300)


def test_the_order_8_loop_is_vectorised_once_core_is_imported(tmp_path):
    # With jaxlib 0.10.2 and LLVM's default threshold (or -unroll-threshold=150) the same
    # kernel has no vector type at all: the loop over the grid stays scalar.
    _compile_in_a_new_process(tmp_path, "")
    assert _vector_lines(tmp_path) > 0
