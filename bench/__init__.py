"""Benchmarks that print figures (`make bench` = `python -m bench`). Each `bench_*.py` has a `main()`."""
