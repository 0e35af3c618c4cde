"""The benchmark runner's report: sections kept across partial runs, the analysis kept, targets charted."""

from __future__ import annotations

from bench import run

REPORT = """# Performance

Last run ...

## flashsale

ok, 20 s

```
successful orders/s, API / bare UPDATE: 0.59x (target >= 1.0x)
```

## catalog

ok, 300 s

```
worst p99 / baseline p99: 4.0x (target under 5x)
```

## What limits the hot paths

Written by hand.
"""


def test_sections_and_the_analysis_are_read_back():
    sections, analysis = run.sections_of(REPORT)
    assert list(sections) == ["flashsale", "catalog"]
    assert "0.59x" in sections["flashsale"] and "Written by hand" not in sections["catalog"]
    assert analysis.startswith(run.ANALYSIS) and "Written by hand." in analysis


def test_attainment_reads_both_kinds_of_target():
    sections, _ = run.sections_of(REPORT)
    rows = {name: share for name, share, _ in run.attainment(sections)}
    assert rows["flashsale"] == 0.59
    assert rows["catalog"] == 5 / 4.0  # lower is better: under target means more than 1.0


def test_every_benchmark_file_has_a_module_that_exists():
    modules = run._modules()
    expected = {"flashsale", "checkout", "catalog", "realtime", "photo_search_eval", "forecast_eval"}
    assert expected <= set(modules)
    for module in modules.values():
        path = run.ROOT / (module.replace(".", "/") + ".py")
        assert path.exists(), module
