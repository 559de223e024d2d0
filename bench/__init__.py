"""Benchmarks run by `make bench`: they print numbers, they assert nothing."""
