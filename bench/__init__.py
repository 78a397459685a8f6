"""Benchmarks and load drivers (run as scripts; importable by tests)."""
