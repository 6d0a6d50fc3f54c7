"""Benchmarks: a synthetic Italian news corpus and a runner that times each stage.

``python -m benchmarks.generate`` writes the corpora into ``build/bench`` (never
committed); ``python -m benchmarks.run`` measures them. See ``docs/benchmarks.md``.
"""
