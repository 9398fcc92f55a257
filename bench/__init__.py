"""Benchmarks of planqa against the LangChain default pipeline: speed, memory, quality and scale.

``python -m bench.run [--quick]`` writes ``bench/results.json`` and ``bench/REPORT.md``.
Nothing here is imported by ``planqa``; LangChain community packages are imported
only inside the baseline's functions.
"""
