"""Benchmarks: not part of the test run; each reports ratios against a baseline measured in the
same run (DESIGN.md, Tests). See bench/README.md."""
