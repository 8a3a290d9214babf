"""Synthetic submissions for the demo and the benchmarks, calibrated on DOMAIN.md."""
