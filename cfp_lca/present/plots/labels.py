"""The texts of the figures in each language: axis, legend and note texts, titles, gas names."""

from __future__ import annotations

LANGS = ("en", "zh")

#: Axis, legend and note texts, English key -> {lang: text}.
LABELS: dict[str, dict[str, str]] = {
    "share": {"en": "share", "zh": "占比"},
    "contribution": {"en": "contribution", "zh": "贡献"},
    "cumulative share": {"en": "cumulative share", "zh": "累计占比"},
    "total": {"en": "total", "zh": "总计"},
    "net total": {"en": "net total", "zh": "净总量"},
    "gross burden": {"en": "gross burden", "zh": "总排放（不含抵扣）"},
    "credits": {"en": "credits", "zh": "抵扣"},
    "credits not shown": {
        "en": "Credits (negative, not in the ring)",
        "zh": "抵扣（负值，未计入圆环）",
    },
    "ring shares": {
        "en": "Ring shares are of the gross burden",
        "zh": "圆环占比以总排放（不含抵扣）为基数",
    },
    "other": {"en": "other", "zh": "其他"},
    "iterations": {"en": "iterations", "zh": "迭代次数"},
    "kg CO2e per unit": {"en": "kg CO2e per unit", "zh": "kg CO2e/单位"},
    "running mean": {"en": "running mean", "zh": "累计均值"},
    "95 % confidence band": {"en": "95 % confidence band", "zh": "95 % 置信带"},
    "final": {"en": "final", "zh": "最终值"},
    "95 % interval": {"en": "95 % interval", "zh": "95 % 区间"},
    "deterministic": {"en": "deterministic", "zh": "确定性值"},
    "median": {"en": "median", "zh": "中位数"},
    "frequency": {"en": "frequency", "zh": "频数"},
    "samples": {"en": "samples", "zh": "样本数"},
    "low setting": {"en": "input at low setting", "zh": "输入取低值"},
    "high setting": {"en": "input at high setting", "zh": "输入取高值"},
    "base": {"en": "base", "zh": "基准值"},
    "first order": {"en": "first order (S1)", "zh": "一阶指数 (S1)"},
    "total order": {"en": "total order (ST)", "zh": "总效应指数 (ST)"},
    "Sobol index": {"en": "Sobol index", "zh": "Sobol 指数"},
    "error bars": {"en": "error bars: 95 % confidence", "zh": "误差线：95 % 置信区间"},
    "probability reduction": {"en": "P(row < column \u2212 t)", "zh": "P(行 < 列 \u2212 t)"},
    "row": {"en": "row scenario", "zh": "行情景"},
    "threshold": {"en": "relevance threshold \u00b1t", "zh": "相关性阈值 \u00b1t"},
    "column": {"en": "column scenario", "zh": "列情景"},
    "box note": {
        "en": "box: 25-75 %, line: median, whiskers: 2.5-97.5 %",
        "zh": "箱体：25-75 %，横线：中位数，须线：2.5-97.5 %",
    },
    "burdens": {"en": "burdens", "zh": "排放负荷"},
    "net": {"en": "net", "zh": "净值"},
    # ISO 14067:2018 7.3 reporting groups of GHG emissions and removals
    "fossil": {"en": "fossil", "zh": "化石源"},
    "biogenic": {"en": "biogenic", "zh": "生物源"},
    "land_use_change": {"en": "land-use change", "zh": "土地利用变化"},
    "aircraft": {"en": "aircraft", "zh": "航空运输"},
    "precharacterized": {"en": "pre-characterized CO2e", "zh": "预表征 CO2e"},
    # figure titles
    "GWP100 by life-cycle stage": {
        "en": "GWP100 by life-cycle stage",
        "zh": "各生命周期阶段 GWP100",
    },
    "burdens and credits by life-cycle stage": {
        "en": "Burdens and credits by life-cycle stage",
        "zh": "各生命周期阶段的排放负荷与抵扣",
    },
    "GWP100 by greenhouse gas": {
        "en": "GWP100 by greenhouse gas and reporting group (ISO 14067 7.3)",
        "zh": "按温室气体与报告类别（ISO 14067 7.3）的 GWP100",
    },
    "shares of the stages": {"en": "Shares of the stages", "zh": "各阶段占比"},
    "contributions by part": {"en": "Contributions by part", "zh": "各部件贡献"},
    "Monte Carlo of the total": {"en": "Monte Carlo of the total", "zh": "总量的蒙特卡罗模拟"},
    "runs": {"en": "runs", "zh": "次运行"},
    "model runs": {"en": "model runs", "zh": "次模型运行"},
    "convergence of the mean": {"en": "Convergence of the mean", "zh": "均值的收敛"},
    "tornado title": {
        "en": "Inputs at their 5th and 95th percentiles",
        "zh": "输入取第 5 与第 95 百分位数",
    },
    "spearman title": {
        "en": "Spearman rank correlation with the total",
        "zh": "与总量的 Spearman 秩相关系数",
    },
    "variance title": {
        "en": "Contribution to variance (squared ranks)",
        "zh": "对方差的贡献（秩相关系数平方）",
    },
    "Sobol indices": {"en": "Sobol indices", "zh": "Sobol 指数"},
    "change against": {"en": "Change against", "zh": "相对于基准情景的变化："},
    "paired runs": {"en": "paired runs", "zh": "次配对运行"},
    "Spearman rho": {"en": "Spearman rho", "zh": "Spearman 秩相关系数"},
    "contribution to variance (%)": {
        "en": "contribution to variance (%)",
        "zh": "对方差的贡献 (%)",
    },
    # names of the standard elementary flows (ecoinvent / Brightway biosphere3 naming)
    "Carbon dioxide, fossil": {"en": "Carbon dioxide, fossil", "zh": "二氧化碳（化石源）"},
    "Carbon dioxide, non-fossil": {
        "en": "Carbon dioxide, non-fossil",
        "zh": "二氧化碳（非化石源）",
    },
    "Carbon dioxide, in air": {"en": "Carbon dioxide, in air", "zh": "二氧化碳（自空气吸收）"},
    "Carbon dioxide, from soil or biomass stock": {
        "en": "Carbon dioxide, from soil or biomass stock",
        "zh": "二氧化碳（土壤或生物质碳库）",
    },
    "Carbon dioxide, land transformation": {
        "en": "Carbon dioxide, land transformation",
        "zh": "二氧化碳（土地转化）",
    },
    "Methane, fossil": {"en": "Methane, fossil", "zh": "甲烷（化石源）"},
    "Methane, non-fossil": {"en": "Methane, non-fossil", "zh": "甲烷（非化石源）"},
    "Dinitrogen monoxide": {"en": "Dinitrogen monoxide", "zh": "氧化亚氮"},
    "Sulfur hexafluoride": {"en": "Sulfur hexafluoride", "zh": "六氟化硫"},
    "Methane, tetrafluoro-, R-14": {"en": "Methane, tetrafluoro-, R-14", "zh": "四氟化碳 (R-14)"},
    "Ethane, 1,1,1,2-tetrafluoro-, HFC-134a": {
        "en": "Ethane, 1,1,1,2-tetrafluoro-, HFC-134a",
        "zh": "1,1,1,2-四氟乙烷 (HFC-134a)",
    },
    "Nitrogen fluoride": {"en": "Nitrogen fluoride", "zh": "三氟化氮"},
    "Greenhouse gases, CO2-equivalent (pre-characterized)": {
        "en": "Greenhouse gases, CO2-equivalent (pre-characterized)",
        "zh": "温室气体，CO2 当量（预表征）",
    },
}


def label(key: str, lang: str = "en") -> str:
    """The text for ``key`` in ``lang``; unknown keys come back unchanged."""
    return LABELS.get(key, {}).get(lang, key)
