"""Benchmarks of Derivative Explorer's engines: run `python -m benchmarks.bench`."""
