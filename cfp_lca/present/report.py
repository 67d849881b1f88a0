"""The CFP study report (ISO 14067:2018 clause 7 / GB/T 24067-2024): HTML with embedded figures,
a Markdown twin, a paginated PDF where WeasyPrint is installed, and every table as CSV and as a
sheet of one Excel workbook.

Every number comes from the same dicts that the ``--json`` outputs print (``lcia_dict``,
``mc_dict``, ``gsa_dict``, ``compare_dict``, ``audit_dict``), so report and JSON cannot differ;
one Monte Carlo run feeds every statistic of the model. Every word comes from the model data or
from :mod:`cfp_lca.present.i18n`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from ..calc.study import Study
from ..model.objects import Catalog
from ..steps import step
from .analysis_tables import audit_table, claims_table
from .compare_tables import compare_dict
from .figures import comparison_figures, model_figures
from .i18n import data_text, t, verbatim
from .pdf import embedded_cjk_css, write_pdf
from .report_render import render
from .report_sections import all_sections
from .report_tables import Context, Table
from .tables import audit_dict, lcia_dict
from .tree_text import study_tree
from .uncertainty_tables import assumptions_dict, gsa_dict, mc_dict, source_variance_dict
from .workbook import write_csv, write_workbook

FORMATS = ("html", "md", "pdf", "xlsx", "csv")

__all__ = ["FORMATS", "Table", "report_data", "write_report"]


def report_data(study: Study) -> dict:
    """The result dicts of the study (the ``--json`` objects) the report renders."""
    m = study.model
    data = {"lcia": lcia_dict(study.static, m), "mc": mc_dict(study.mc, m),
            "gsa": gsa_dict(study.gsa, m)}  # fmt: skip
    if study.comparison is not None:
        data["compare"] = compare_dict(study.comparison, study.scenario_titles,
                                       study.static.unit, kinds=study.scenario_kinds)  # fmt: skip
    if study.sources_variance is not None:
        data["sources_variance"] = source_variance_dict(study.sources_variance)
    if study.audited is not None:
        data["audit"] = audit_dict(study.audited)
    if study.assumptions is not None:
        data["assumptions"] = assumptions_dict(study.assumptions)
    return data


def libraries_text(catalog: Catalog, lang: str) -> str:
    """Name and version of every data library read, or the catalog's fingerprint."""
    libs = getattr(catalog, "libraries", ())
    if libs:
        return "; ".join(f"`{x.get('name')} {x.get('version') or '-'}`" for x in libs)
    return t("fingerprint", lang, fp=f"`{catalog.fingerprint[:12]}`")


def metadata(ctx: Context, date: str) -> list[tuple[str, str]]:
    """(label, value) pairs of the report's front matter and the workbook's metadata sheet."""
    study, catalog, lang = ctx.study, ctx.catalog, ctx.lang
    m, s = study.model, study.model.study
    title = m.title_zh if lang == "zh" and m.title_zh else verbatim(m.title, lang)
    fu = (m.functional_unit_zh if lang == "zh" and m.functional_unit_zh
          else verbatim(m.functional_unit, lang))  # fmt: skip
    return [
        (t("m_title", lang), title),
        (t("m_fu", lang), fu),
        (t("m_unit", lang), f"{study.static.unit} {t('per_fu', lang)}"),
        (t("m_method", lang), f"{' / '.join(ctx.name(x) for x in study.method.name[1:])} "
                              f"(`{study.method.id}`)"),
        (t("m_mc", lang), t("runs_seed", lang, n=f"{study.mc.iterations:,}", seed=study.mc.seed)),
        *([(t("issuer", lang), data_text(s["issuer"], lang) or "-")] if s.get("issuer") else []),
        *([(t("report_number", lang), verbatim(s["report_number"], lang))]
          if s.get("report_number") else []),
        (t("author", lang), ctx.name(s["author"]) if s.get("author") else "-"),
        (t("commissioner", lang), ctx.name(s["commissioner"]) if s.get("commissioner") else "-"),
        (t("m_date", lang), date),
        (t("m_version", lang), __version__),
        (t("m_libraries", lang), libraries_text(catalog, lang)),
        (t("model_file", lang), f"`{m.name}`"),
    ]  # fmt: skip


def _figures(ctx: Context, out: Path) -> dict[str, Path]:
    """Every figure of the study, written under ``out/figures``: {key: PNG path}; inputs and
    scenarios named as the tables name them."""
    study, lang, fig_dir = ctx.study, ctx.lang, out / "figures"
    files = model_figures(study.model, study.static, study.mc, study.gsa, fig_dir, lang,
                          names=ctx.names, tree=study_tree(ctx.catalog, study, lang))  # fmt: skip
    if study.comparison is not None:
        files |= comparison_figures(study.comparison, study.static.unit, fig_dir, lang,
                                    name=lambda text: ctx.name(text).replace("`", ""),
                                    titles=study.scenario_titles,
                                    kinds=study.scenario_kinds)  # fmt: skip
    return {key: next(p for p in paths if p.suffix == ".png") for key, paths in files.items()}


def write_report(
    study: Study,
    catalog: Catalog,
    out: Path,
    lang: str = "en",
    formats: Sequence[str] = FORMATS,
    date: str | None = None,
) -> dict[str, Path | str]:
    """Write the report into ``out`` in ``formats`` (html, md, pdf, xlsx, csv) with its figures;
    returns {kind: path}, and {"notice": text} when a format could not be written."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"report formats {unknown}: choose from {', '.join(FORMATS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    date = date or datetime.now(UTC).date().isoformat()
    data = report_data(study)
    ctx = Context(study, catalog, lang, data)
    with step(f"{study.model.name}: figures ({lang})"):
        figures = _figures(ctx, out)
    scenario_figs = [f"fig:{k}" for k in figures if k.startswith("scenarios_")]
    audit = [audit_table(ctx), claims_table(ctx)] if "audit" in data else []
    sections = all_sections(ctx, scenario_figs, audit)
    m = study.model
    name = m.title_zh if lang == "zh" and m.title_zh else verbatim(m.title, lang)
    title = f"{t('title', lang)}{'：' if lang == 'zh' else ': '}{name}"
    meta = metadata(ctx, date)
    md, page = render(sections, figures, title, meta, lang)

    paths: dict[str, Path | str] = {"figures": out / "figures"}
    if "md" in formats:
        paths["markdown"] = out / "report.md"
        paths["markdown"].write_text(md, encoding="utf-8")
    if "html" in formats:
        paths["html"] = out / "report.html"
        font = embedded_cjk_css(page)  # the Chinese glyphs travel with the file
        paths["html"].write_text(page.replace("</style>", f"{font}</style>", 1),
                                 encoding="utf-8")  # fmt: skip
    if "pdf" in formats:
        with step(f"{study.model.name}: PDF ({lang})"):
            reason = write_pdf(page, title, out / "report.pdf")
        if reason is None:
            paths["pdf"] = out / "report.pdf"
        else:
            paths["notice"] = f"{t('pdf_missing', lang)} ({reason})"
    tables = [item for s in sections for item in s.items if isinstance(item, Table)]
    if "xlsx" in formats:
        paths["excel"] = out / "tables.xlsx"
        with step(f"{study.model.name}: workbook ({lang})"):
            write_workbook(tables, meta, paths["excel"], title,
                           summary=(t("s_summary", lang), sections[0].items),
                           meta_sheet=t("about", lang))  # fmt: skip
    if "csv" in formats:
        paths["tables"] = out / "tables"
        paths["tables"].mkdir(exist_ok=True)
        for tb in tables:
            write_csv(tb, paths["tables"] / f"{tb.key}.csv", t("h_display", lang))
    return paths
