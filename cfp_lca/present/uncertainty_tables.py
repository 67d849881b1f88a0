"""Plain-text tables and JSON-ready dicts of the uncertainty results: Monte Carlo, the variance
by source, and the sensitivity analysis."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from ..calc.montecarlo import MonteCarloResult
from ..calc.montecarlo.statistics import deterministic_percentile
from ..model.objects import ProductModel
from .tables import format_table, reported_stages, stage_label

if TYPE_CHECKING:  # the Monte Carlo tables import no sensitivity or study code
    from ..calc.assumptions import AssumptionRanges
    from ..calc.sensitivity import SensitivityResult
    from ..calc.study import SourceVariance

STAT_FIELDS = ("deterministic", "mean", "median", "std", "cv",
               "p2_5", "p5", "p25", "p75", "p95", "p97_5")  # fmt: skip


def mc_dict(result: MonteCarloResult, model: ProductModel) -> dict:
    """The machine-readable Monte Carlo result (the ``--json`` object)."""
    names = {s.code: s.name for s in reported_stages(model)}
    conv = result.convergence
    return {
        "model": result.model,
        "options": model.options,
        "method": result.method,
        "unit": result.unit,
        "engine": result.engine,
        "n": result.n,
        "iterations": result.iterations,
        "valid": result.valid,
        "seed": result.seed,
        "sources": list(result.sources),
        "singular": result.singular_count,
        "elapsed_s": result.elapsed,
        "iterations_per_s": result.iterations / result.elapsed if result.elapsed else None,
        "tolerance": result.tolerance,
        "converged": result.converged,
        "total": {f: getattr(result.stats["total"], f) for f in STAT_FIELDS},
        "deterministic_percentile": deterministic_percentile(result),
        "percentiles": result.percentile_method,
        # the Monte Carlo error of the reported interval's ends: 95 % confidence intervals
        # of the total's 2.5 and 97.5 % percentiles (distribution-free, order statistics)
        "percentile_intervals": {
            f"p{p:g}".replace(".", "_"): list(v) for p, v in result.percentile_intervals.items()
        },  # fmt: skip
        "parameters": list(result.parameters),
        "parameter_correlation": [asdict(c) for c in result.parameter_correlation],
        "stages": {
            names[label]: {f: getattr(result.stats[label], f) for f in STAT_FIELDS}
            for label in result.labels
            if label in names
        },
        "convergence": {
            "iterations": conv.iterations.tolist(),
            "mean": conv.mean.tolist(),
            "half_width": conv.half_width.tolist(),
        },
        "samples_path": str(result.samples_path) if result.samples_path else None,
    }


def mc_text(result: MonteCarloResult, model: ProductModel, lang: str = "en") -> str:
    """Statistics of the total and each stage, one row each."""
    stages = {s.code: s for s in reported_stages(model)}
    rows = []
    for label in (x for x in result.labels if x == "total" or x in stages):
        st = result.stats[label]
        name = "total" if label == "total" else stage_label(stages[label], lang)
        values = (st.deterministic, st.mean, st.median, st.std)
        rows.append([name, *(f"{v:.2f}" for v in values), f"{100 * st.cv:.1f} %",
                     f"{st.p2_5:.2f}", f"{st.p97_5:.2f}"])  # fmt: skip
    table = format_table(
        ["", "deterministic", "mean", "median", "std", "CV", "2.5 %", "97.5 %"],
        rows, right=range(1, 8),
    )  # fmt: skip
    conv = result.convergence
    rel = conv.relative_half_width[-1] if len(conv.iterations) else float("nan")
    head = (
        f"Monte Carlo of {model.title} ({result.unit} per unit)\n"
        f"engine {result.engine}, {result.iterations:,} iterations ({result.valid:,} valid), "
        f"seed {result.seed}, sources: {', '.join(result.sources)}, "
        f"{result.elapsed:.2f} s ({result.iterations / max(result.elapsed, 1e-9):,.0f} it/s)\n"
    )
    tail = f"\n95 % half-width of the mean: {100 * rel:.3f} % of the mean"
    ci = result.percentile_intervals
    if ci:
        ends = "; ".join(f"{p:g} %: {lo:.2f} to {hi:.2f}" for p, (lo, hi) in ci.items())
        tail += f"\n95 % Monte Carlo interval of the total's percentiles ({ends})"
    if result.percentile_method != "exact":
        tail += (f"\npercentiles: {result.percentile_method} (the samples did not fit in "
                 "memory: a streaming sketch, DDSketch's buckets)")  # fmt: skip
    sentence = percentile_sentence(deterministic_percentile(result))
    tail += f"\n{sentence}" if sentence else ""
    if result.singular_count:
        tail += f"\n{result.singular_count} singular samples excluded"
    if result.tolerance is not None:
        tail += f" (tolerance {result.tolerance:g}: {'met' if result.converged else 'not met'})"
    return head + "\n" + table + tail


def source_variance_dict(sv: SourceVariance) -> dict:
    """Variance of the total with each source alone and its share of their sum (first order:
    interactions ignored), the variance with all sources and what the sum leaves out."""
    shares = sv.shares
    return {
        "sources": {k: {"variance": v, "share": shares[k]} for k, v in sv.alone.items()},
        "sum": sum(sv.alone.values()),
        "combined": sv.combined,
        "interactions": sv.interactions,
    }


def percentile_sentence(percentile: float | None) -> str:
    """Where the deterministic value falls in the Monte Carlo total, and why (the lognormal
    convention); empty without samples."""
    if percentile is None:
        return ""
    return (f"Lognormal amounts have the deterministic amount as their median (their mean lies "
            f"above it, by exp(sigma^2/2)): the deterministic total lies at percentile "
            f"{percentile:.1f} of the Monte Carlo total ({percentile:.1f} % of the samples "
            "lie below it).")  # fmt: skip


def assumptions_dict(ranges: AssumptionRanges) -> dict:
    """Each assumption's range of the total (data held at best estimates), machine-readable."""
    from ..calc.assumptions import ENDS

    return {
        "base": ranges.base,
        "ends_percent": [100 * e for e in ENDS],
        "n": ranges.n,
        "rows": [{"input": r.label, "low_setting": r.low_setting,
                  "high_setting": r.high_setting, "low": r.low, "high": r.high,
                  "variance_share": r.variance_share} for r in ranges.rows],
    }  # fmt: skip


def gsa_dict(result: SensitivityResult, model: ProductModel) -> dict:
    """Every sensitivity method's ranking, machine-readable."""
    ranks, sobol, labels = result.ranks, result.sobol, result.labels
    elastic, base, rows = result.elasticity, result.tornado_base, result.tornado
    order = sorted(range(len(labels)), key=lambda i: -ranks.variance_share[i])
    return {
        "model": model.name,
        "options": model.options,
        "sources": list(result.sources),  # what was drawn, as mc --json says it
        "spearman": [
            {"input": labels[i], "rho": float(ranks.spearman[i]),
             "variance_share": float(ranks.variance_share[i])}
            for i in order
        ],
        "sobol": [
            {"group": n, "S1": float(a), "S1_conf": float(b), "ST": float(c), "ST_conf": float(d)}
            for n, a, b, c, d in sorted(
                zip(sobol.names, sobol.s1, sobol.s1_conf, sobol.st, sobol.st_conf, strict=True),
                key=lambda t: -t[3],
            )
        ],
        "sobol_evaluations": sobol.evaluations,
        "elasticity": sorted(
            ({"input": n, "elasticity": float(e)} for n, e in zip(labels, elastic, strict=True)),
            key=lambda d: -abs(d["elasticity"]),
        ),
        "tornado": {
            "base": base,
            "rows": [
                {"input": r.label, "low_setting": r.low_setting, "high_setting": r.high_setting,
                 "low": r.low, "high": r.high}
                for r in rows
            ],
        },
    }  # fmt: skip


def gsa_text(data: dict, top: int = 10) -> str:
    """The top inputs of each method, side by side in four short tables."""
    sp = [[d["input"], f"{d['rho']:+.3f}", f"{100 * d['variance_share']:.1f} %"]
          for d in data["spearman"][:top]]  # fmt: skip
    so = [[d["group"], f"{d['S1']:.3f} ± {d['S1_conf']:.3f}", f"{d['ST']:.3f} ± {d['ST_conf']:.3f}"]
          for d in data["sobol"][:top]]  # fmt: skip
    el = [[d["input"], f"{d['elasticity']:+.4f}"] for d in data["elasticity"][:top]]
    base = data["tornado"]["base"]
    to = [[r["input"], f"{r['low']:.2f}", f"{r['high']:.2f}", f"{r['high'] - r['low']:+.2f}"]
          for r in data["tornado"]["rows"][:top]]  # fmt: skip
    return "\n\n".join([
        "Spearman rank correlation with the total\n"
        + format_table(["input", "rho", "share of rho²"], sp, right=(1, 2))
        + "\nshare of rho²: rho² over the sum of all, a ranking, not a share of the variance "
        "(inputs that are correlated or act together share their effect): the Sobol indices "
        "apportion the variance",
        f"Sobol indices by group ({data['sobol_evaluations']:,} model runs)\n"
        + format_table(["group", "first order", "total"], so, right=(1, 2)),
        "Elasticity (relative change of the total per relative change of the input)\n"
        + format_table(["input", "elasticity"], el, right=(1,)),
        f"Tornado (inputs at their 5th and 95th percentiles; base {base:.2f})\n"
        + format_table(["input", "low", "high", "swing"], to, right=(1, 2, 3)),
    ])  # fmt: skip
