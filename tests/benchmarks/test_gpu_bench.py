"""The GPU benchmark's table, run on whatever device JAX has (here the CPU, at a small N)."""

from __future__ import annotations

import pytest

from benchmarks import gpu


def test_gpu_table_runs_on_this_device_and_its_floor_is_the_bytes_moved():
    results, device, measured, nominal = gpu.gpu_table(size=30_000, orders=(2,))
    assert device.platform in {"cpu", "gpu"}
    assert measured > 0
    assert [r.label for r in results] == ["f1", "f2"]
    for r in results:
        assert r.order == 2
        assert r.ad > 0
        assert r.compile >= 0
        # x read once, rows 0..2 written once (float64); f2's sqrt adds its zero-base flags.
        flags = 30_000 if r.label == "f2" else 0
        assert r.moved == 8 * 30_000 * (1 + 3) + flags
        assert r.floor_measured == pytest.approx(r.moved / measured)
        assert (r.floor_nominal is None) == (nominal is None)


@pytest.mark.parametrize(
    ("kind", "bandwidth"),
    [("NVIDIA H200", 4.8e12), ("NVIDIA H100 PCIe", 2.0e12), ("NVIDIA H100 80GB HBM3", 3.35e12),
     ("NVIDIA A100-SXM4-80GB", 2.039e12), ("Some future card", None)],
)  # fmt: skip
def test_nominal_bandwidth_takes_the_longest_matching_name(kind, bandwidth):
    assert gpu.nominal_bandwidth(kind) == bandwidth
