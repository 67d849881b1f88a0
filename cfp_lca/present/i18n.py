"""Every word of the study report that does not come from the model data, in English and Chinese.

Texts from the data are given as a string or ``{en: ..., zh: ...}``; :func:`data_text` picks the
language, and a text the data gives in English only is quoted verbatim (as code) in the Chinese
report rather than left as untranslated prose. Clause numbers refer to ISO 14067:2018, of which
GB/T 24067-2024 is the identical Chinese adoption.
"""

from __future__ import annotations

import re

LANGS = ("en", "zh")

TEXT: dict[str, tuple[str, str]] = {
    # title page and table of contents
    "title": ("Product carbon footprint study report", "产品碳足迹研究报告"),
    "contents": ("Contents", "目录"),
    "clause": ("Answers ISO 14067:2018 / GB/T 24067-2024 {clause}.",
               "对应 ISO 14067:2018 / GB/T 24067-2024 {clause}。"),
    "not_stated": ("Not stated in the model data.", "模型数据中未说明。"),
    "about": ("Report data", "报告信息"),
    "date": ("Date of the report", "报告日期"),
    "version": ("cfp_lca version", "cfp_lca 版本"),
    "libraries": ("Data libraries", "数据库"),
    "fingerprint": ("data fingerprint {fp}", "数据指纹 {fp}"),
    "author": ("Author", "编制者"),
    "commissioner": ("Commissioner", "委托方"),
    "issuer": ("Issued by", "编制单位"),
    "report_number": ("Report number", "报告编号"),
    "t_signatures": ("Signatures", "签字"),
    "h_role": ("role", "职责"),
    "h_name": ("name", "姓名"),
    "h_signature": ("signature", "签字"),
    "h_date": ("date", "日期"),
    "role_author": ("prepared by", "编制"),
    "role_reviewer": ("reviewed / verified by", "评审／核查"),
    "role_commissioner": ("accepted for the commissioner by", "委托方确认"),
    "model_file": ("Model", "模型"),
    # section headings, in clause 7 order
    "s_goal": ("Goal of the study", "研究目的"),
    "s_fu": ("Functional unit and reference flow", "功能单位与基准流"),
    "s_product": ("Product description and bill of materials", "产品描述与物料清单"),
    "s_boundary": ("System boundary and life-cycle stages", "系统边界与生命周期阶段"),
    "s_cutoff": ("Cut-off criteria", "取舍准则"),
    "s_allocation": ("Allocation and end of life", "分配与生命末期处理"),
    "s_electricity": ("Treatment of electricity", "电力的处理"),
    "s_quality": ("Data and data quality", "数据与数据质量"),
    "s_method": ("Impact assessment: climate change only", "影响评价：仅气候变化"),
    "s_inventory": ("Activity data, emission factors and direct emissions",
                    "活动水平数据、排放因子与直接排放"),
    "s_results": ("Results: the carbon footprint", "结果：产品碳足迹"),
    "s_ghg": ("GHG emissions and removals by origin", "按来源分列的温室气体排放与清除"),
    "s_credits": ("Recycling credits and end-of-life burdens", "回收抵扣与生命末期负荷"),
    "s_uncertainty": ("Uncertainty analysis (Monte Carlo)", "不确定性分析（蒙特卡罗）"),
    "s_sensitivity": ("Sensitivity analysis", "敏感性分析"),
    "s_scenarios": ("Scenarios: alternative choices and design options",
                    "情景：备选方法与设计方案"),
    "s_assumptions": ("Assumptions, limitations and value choices", "假设、局限性与价值选择"),
    "s_interpretation": ("Interpretation and conclusions", "结果解释与结论"),
    "s_comparison": ("Difference from the comparison model", "与对比模型的差异"),
    "s_audit": ("Audit of declared figures", "声明数据核对"),
    "s_review": ("Critical review and verification", "鉴定性评审与核查"),
    # labelled statements
    "goal": ("Goal", "目的"),
    "intended_application": ("Intended application", "预期应用"),
    "reasons": ("Reasons for the study", "开展研究的理由"),
    "audience": ("Intended audience", "目标受众"),
    "pcr": ("Product category rules", "产品种类规则"),
    "function": ("Function", "功能"),
    "functional_unit": ("Functional unit", "功能单位"),
    "reference_flow": ("Reference flow", "基准流"),
    "service_life": ("Reference service life", "参考使用寿命"),
    "product": ("Product", "产品"),
    "description": ("Description", "描述"),
    "system_boundary": ("System boundary", "系统边界"),
    "included": ("Life-cycle stages included", "包含的生命周期阶段"),
    "separate_stage": ("{stage}: reported separately, beside the total without it",
                       "{stage}：单独报告，并给出不含该阶段的总量"),
    "use_stage": ("Use stage", "使用阶段"),
    "time_period": ("Time period", "时间范围"),
    "exclusions": ("Exclusions", "排除项"),
    "cut_off_rule": ("Cut-off rule", "取舍准则"),
    "cut_off_threshold": ("Threshold", "阈值"),
    "cutoff_check": (
        "Inputs each below {threshold} % of the total carbon footprint (the declared threshold): "
        "together {share} % of the total. All of them are kept in the model.",
        "各自低于产品碳足迹总量 {threshold} %（声明的阈值）的输入：合计占总量 {share} %。"
        "这些输入全部保留在模型中。"),
    "cutoff_none": ("No threshold is stated, so no input is checked against one.",
                    "未声明阈值，因此未按阈值检查输入。"),
    "allocation": ("Allocation", "分配"),
    "alloc_annual": (
        "Annual data of {period} are divided by the annual output of {output} {unit} "
        "(basis: {basis}).",
        "{period}的年度数据按年产量 {output} {unit} 分配（依据：{basis}）。"),
    "no_alloc": ("No allocation of annual data: all data are given per functional unit.",
                 "无年度数据分配：所有数据均按功能单位给出。"),
    "end_of_life": ("End-of-life allocation approach and its justification",
                    "生命末期分配方法及其理由"),
    "option_used": ("Modelling option of this run", "本次计算的建模选项"),
    "electricity": ("Treatment of electricity", "电力的处理"),
    "electricity_inputs": ("Electricity bought in the foreground", "前景系统中购入的电力"),
    "data_quality": ("Data quality", "数据质量"),
    "data_types": ("Share of the footprint by data type: {shares}.",
                   "按数据类型的碳足迹占比：{shares}。"),
    "pedigree_note": (
        "Pedigree scores (reliability, completeness, temporal, geographical and technological "
        "correlation; Weidema et al. 2013) widen the distributions of the data they rate.",
        "谱系评分（可靠性、完整性、时间、地理与技术相关性；Weidema 等 2013）"
        "用于加宽相应数据的分布。"),
    "climate_only": (
        "This carbon footprint addresses a single impact category, climate change. It does not "
        "assess other environmental impacts (ISO 14067:2018 7.3) and cannot be used as an "
        "indicator of the overall environmental performance of the product.",
        "本产品碳足迹只涉及气候变化这一个影响类别，不评价其他环境影响（ISO 14067:2018 7.3），"
        "不能作为产品总体环境绩效的指标。"),
    "method_line": ("Characterization: {name} ({id}, {year}); source: {source}.",
                    "特征化方法：{name}（{id}，{year}）；来源：{source}。"),
    "ghgs": ("Greenhouse gases in the inventory and their characterization factors",
             "清单中的温室气体及其特征化因子"),
    "total_line": ("Carbon footprint: **{total} {unit}** per functional unit ({fu}).",
                   "功能单位（{fu}）的产品碳足迹为 **{total} {unit}**。"),
    "total_range": ("95 % interval {lo} to {hi} {unit} (Monte Carlo, {n} runs).",
                    "95 % 区间 {lo} 至 {hi} {unit}（蒙特卡罗，{n} 次）。"),
    "rounding": (
        "The total and its interval are rounded at the second significant digit of the total's "
        "standard uncertainty (JCGM 100:2008 7.2.6), and every part of it (stage, part, gas) at "
        "the same relative uncertainty, so a quantity prints alike wherever it appears; the "
        "exported tables (CSV, Excel) keep full precision.",
        "总量及其区间按总量标准不确定度的第二位有效数字修约（JCGM 100:2008 7.2.6），"
        "其各组成部分（阶段、部件、温室气体）按相同的相对不确定度修约，同一数值在各处的写法一致；"
        "导出的表格（CSV、Excel）保留全部精度。"),
    "separate_total": ("Total without the separately reported stages ({stages}): {value} {unit}.",
                       "不含单独报告的阶段（{stages}）的总量：{value} {unit}。"),
    # the summary before section 1, and the recommendations drawn from the numbers
    "s_summary": ("Summary", "摘要"),
    # numbered captions of tables and figures ("表 11-1" as the seed report numbers them)
    "table_n": ("Table {n}", "表 {n}"),
    "figure_n": ("Figure {n}", "图 {n}"),
    "fig_stage_contributions": ("GWP100 by life-cycle stage", "各生命周期阶段的 GWP100"),
    "fig_stage_shares_donut": ("Shares of the life-cycle stages", "各生命周期阶段的占比"),
    "fig_parts_pareto": ("Contributions by part, largest first", "各部件贡献（由大到小）"),
    "fig_greenhouse_gases": ("GWP100 by greenhouse gas", "各温室气体的 GWP100"),
    "fig_monte_carlo_total": ("Monte Carlo distribution of the total", "总量的蒙特卡罗分布"),
    "fig_monte_carlo_convergence": ("Convergence of the Monte Carlo mean", "蒙特卡罗均值的收敛"),
    "fig_contribution_to_variance": ("Contribution of each input to the variance",
                                     "各输入对方差的贡献"),
    "fig_sobol_indices": ("Sobol indices of the input groups", "各输入组的 Sobol 指数"),
    "fig_tornado": ("Total with each input at its 5th and 95th percentile",
                    "各输入取第 5 与第 95 百分位数时的总量"),
    "fig_scenarios_changes": ("Change of each scenario against its baseline (paired runs)",
                              "各情景相对于基准情景的变化（配对运行）"),
    "fig_scenarios_probability_reduction": ("Probability that one scenario is lower than another",
                                            "一个情景低于另一情景的概率"),
    "sum_headline": ("The carbon footprint of the functional unit ({fu}) is **{total} {unit}**.",
                     "功能单位（{fu}）的产品碳足迹为 **{total} {unit}**。"),
    "sum_statistic": (
        "This is the value at the best estimates of the data, at the {pct}th percentile of the "
        "Monte Carlo distribution (median {median}, mean {mean} {unit}); the 95 % interval is "
        "{lo} to {hi} {unit} ({n} runs).",
        "该值为数据最佳估计值下的计算结果，位于蒙特卡罗分布的第 {pct} 百分位（中位数 {median}，"
        "均值 {mean} {unit}）；95 % 区间为 {lo} 至 {hi} {unit}（{n} 次）。"),
    "sum_interval": ("The 95 % interval is {lo} to {hi} {unit} ({n} runs).",
                     "95 % 区间为 {lo} 至 {hi} {unit}（{n} 次）。"),
    "sum_stages": ("By life-cycle stage: {items}.", "各生命周期阶段：{items}。"),
    "sum_compare": ("Against the comparison model: {mine} against {other} {unit}, a difference of "
                    "{diff} {unit} ({pct} %).",
                    "与对比模型相比：{mine} {unit} 对 {other} {unit}，"
                    "差异 {diff} {unit}（{pct} %）。"),
    "sum_compare_like": (
        "Against the comparison model, over the stages both hold: {mine} against {other} {unit}, "
        "a difference of {diff} {unit} ({pct} %); with {extra}, which the comparison model "
        "leaves out, {total} {unit} ({pct_total} %).",
        "与对比模型在共有阶段上相比：{mine} {unit} 对 {other} {unit}，差异 {diff} {unit}"
        "（{pct} %）；计入对比模型未包括的{extra}后为 {total} {unit}（{pct_total} %）。"),
    "sum_without": ("Without the separately reported stages ({stages}): {value} {unit}.",
                    "不含单独报告的阶段（{stages}）：{value} {unit}。"),
    "sum_rounding": (
        "Each row is rounded as its size supports: the rows as printed add up to {printed} "
        "{unit}, the total as printed is {total} {unit}; the unrounded rows add up to the total.",
        "各行按其大小分别修约：按修约值相加为 {printed} {unit}，修约后的总计为 {total} {unit}；"
        "未修约的各行之和等于总计。"),
    "recommendations": ("Recommendations drawn from the results", "根据结果提出的改进建议"),
    "rec_stage": ("Reduce the {stage} stage first: it carries {share} % of the total.",
                  "优先降低{stage}阶段的排放：该阶段占总量的 {share} %。"),
    "rec_part": ("Of the product's parts, {part} contributes most ({share} % of the total): "
                 "its design and materials are the first to review.",
                 "在产品各部件中，{part}贡献最大（占总量的 {share} %），应首先审视其设计与材料。"),
    "rec_drivers": (
        "The inputs that move the total most are {inputs} ({share} % of the variance): they "
        "are the levers to study first, and primary data on them would narrow the interval "
        "most.",
        "对总量影响最大的输入为{inputs}（合计占方差的 {share} %）：应首先研究这些因素，"
        "获取其初级数据最能缩小不确定性区间。"),
    "rec_design": ("Design options that reduce the total beyond the relevance threshold with "
                   "95 % probability: {items}.",
                   "以 95 % 的概率使总量降低超过相关性阈值的设计方案：{items}。"),
    "rec_no_design": (
        "None of the {n} design options studied reduces the total beyond the relevance "
        "threshold with 95 % probability: options for the largest stage and the inputs above "
        "are worth studying next.",
        "所研究的 {n} 个设计方案均未能以 95 % 的概率使总量降低超过相关性阈值："
        "下一步宜针对最大阶段及上述输入研究新的方案。"),
    "outside_part": ("{stage} (in no part)", "{stage}（不属于任何部件）"),
    "no_stage": ("no stage", "无阶段"),
    "groups_text": (
        "ISO 14067:2018 7.3 has fossil, biogenic, direct land-use change (dLUC) and aircraft "
        "GHG emissions and removals documented separately, even when zero. Background factors "
        "given as aggregated kgCO2e cannot be split by origin: they form their own row.",
        "ISO 14067:2018 7.3 要求分别记录化石、生物源、直接土地利用变化（dLUC）与航空运输的温室气体"
        "排放与清除，即使为零。以 kgCO2e 汇总给出的背景因子无法按来源拆分，单列一行。"),
    "other_flows": ("({n} other elementary flows, not greenhouse gases)",
                    "（另有 {n} 种基本流，非温室气体）"),
    "coverage_all": (
        "Every greenhouse-gas flow of the supply chain ({gases}) has a factor in this method.",
        "供应链中的全部温室气体基本流（{gases} 种）在本方法中均有特征化因子。"),
    "coverage_missed": (
        "{missed} of the {gases} greenhouse-gas flows of the supply chain have no factor in "
        "this method and are not counted: {names}.",
        "供应链中 {gases} 种温室气体基本流有 {missed} 种在本方法中没有特征化因子，"
        "未计入：{names}。"),
    "coverage_air": (
        "{n} of them had no compartment in their database and were taken as emissions to air.",
        "其中 {n} 种在其数据库中没有环境介质，按排放到空气处理。"),
    "biogenic_kg": (
        "Biogenic CO2 in the inventory: {emitted} kg emitted and {taken} kg taken up from air "
        "(net {net} kg CO2). The method characterizes both at 0, netting carbon taken up and "
        "released within the life cycle (ISO 14067:2018 6.4.9.2), so the table above shows them "
        "as 0 kgCO2e; at a GWP of 1 they are {emitted} kgCO2e emitted and {taken} kgCO2e removed.",
        "清单中的生物源CO2：排放 {emitted} kg，自大气吸收 {taken} kg"
        "（净 {net} kg CO2）。本方法对两者的特征化因子均为0，"
        "在生命周期内吸收与释放的碳相互抵消（ISO 14067:2018 6.4.9.2），"
        "因此上表显示为 0 kgCO2e；按GWP为1计，即排放 {emitted} kgCO2e、"
        "清除 {taken} kgCO2e。"),
    "aircraft_none": (
        "Aircraft: 0, no flow or exchange of the model is marked as transport by air; air "
        "transport inside aggregated background factors cannot be told apart.",
        "航空运输：0，模型中没有任何流或交换被标记为航空运输；汇总背景因子内部的航空运输无法区分。"),
    "credits_text": (
        "Credits (avoided production by recycling) are reported apart from the burdens of the "
        "same stage (ISO 14067:2018 6.4.6.3, 7.3).",
        "回收带来的抵扣（避免的生产）与同一阶段的负荷分开报告（ISO 14067:2018 6.4.6.3、7.3）。"),
    "no_credits": ("This run holds no recycling credit.", "本次计算不含回收抵扣。"),
    "interval": (
        "95 % interval of the total: {lo} to {hi} {unit}; median {median}, mean {mean}, "
        "coefficient of variation {cv} %.",
        "总量的 95 % 区间：{lo} 至 {hi} {unit}；中位数 {median}，均值 {mean}，变异系数 {cv} %。"),
    "interval_error": (
        "The ends of this interval are themselves estimated from a finite run: with 95 % "
        "confidence the 2.5 % percentile lies between {a} and {b}, the 97.5 % percentile "
        "between {c} and {d} (distribution-free intervals from order statistics).",
        "该区间的两端本身由有限次运行估计：在 95 % 置信水平下，2.5 % 分位数位于 {a} 至 {b} 之间，"
        "97.5 % 分位数位于 {c} 至 {d} 之间（基于顺序统计量的非参数区间）。"),
    "convention": (
        "Lognormal amounts have the deterministic amount as their median, not their mean (the "
        "mean of each lies above it, by a factor exp(sigma^2/2)): the deterministic total lies "
        "at percentile {percentile} of the Monte Carlo total.",
        "对数正态分布以确定值为中位数而非均值（各量的均值高出 exp(sigma^2/2) 倍）：确定性总量位于"
        "蒙特卡罗总量分布的第 {percentile} 百分位。"),
    "gwp_of": ("GWP factor of {name}", "{name}的 GWP 因子"),
    "background_of": ("background: {name}", "背景：{name}"),
    "characterization_group": ("characterization factors", "特征化因子"),
    "runs_seed": ("{n} runs, seed {seed}", "{n} 次，随机种子 {seed}"),
    "n_runs": ("{n} model runs", "{n} 次模型运行"),
    "n_checked": ("{n} checked", "共核对 {n} 项"),
    "tornado_base": ("base {value}", "基准 {value}"),
    "t_relative": ("{value} % of the baseline's deterministic total",
                   "基准情景确定性总量的 {value} %"),
    "per_fu": ("per functional unit", "每功能单位"),
    "one_run_alone": ("Every statistic of the model in this report comes from this one run ({n} "
                      "iterations, seed {seed}).",
                      "本报告中模型的所有统计量都来自这一次运行（{n} 次迭代，随机种子 {seed}）。"),
    "one_run": (
        "Every statistic of the model in this report comes from this one run ({n} iterations, "
        "seed {seed}). The scenario section shows only paired differences from its own run of "
        "common random numbers ({n_cmp} iterations), never a second value of these statistics.",
        "本报告中模型的所有统计量都来自这一次运行（{n} 次迭代，随机种子 {seed}）。情景部分只给出其"
        "自身公共随机数运行（{n_cmp} 次迭代）的配对差，不重复给出上述统计量的另一个数值。"),
    "by_source": (
        "Share of variance from each source: the engine is run once per source alone (same seed "
        "and iterations). This is a first-order split: interactions between sources appear as the "
        "difference between the variance with all sources and the sum.",
        "各来源的方差贡献：每次只让一个来源不确定，以相同的随机种子和迭代次数运行。这是一阶分解：来源"
        "之间的交互作用体现为全部来源同时不确定时的方差与各来源方差之和的差。"),
    "threshold": (
        "Relevance threshold t = {text}. P(reduction) = P(change < -t) and P(increase) = "
        "P(change > +t), the change paired (common random numbers) against the baseline of the "
        "scenario's group.",
        "相关性阈值 t = {text}。P(减排) = P(变化 < -t)，P(增排) = P(变化 > +t)，"
        "变化为与所在组基准情景的配对差（公共随机数）。"),
    # why t is what it is, one text for compare --json and the report (threshold_why)
    "threshold_default": (
        "the default: 1 % of the total is the order of the cut-off criterion (ISO 14067:2018 "
        "6.3.4.3: inputs below 1 % may be left out), so a smaller change lies within what the "
        "study itself may omit",
        "默认值：总量的 1 % 与取舍准则同一量级（ISO 14067:2018 6.3.4.3：低于 1 % 的输入"
        "可以忽略），更小的变化落在研究本身可忽略的范围之内"),
    "threshold_given": ("given with --threshold", "由用户指定（--threshold）"),
    "threshold_why": ("This threshold is {reason}.", "该阈值为{reason}。"),
    "gwp_sets": ("GWP sets of the pre-characterized background factors used",
                 "所用预特征化背景因子的 GWP 版本"),
    "gwp_mixed": (
        "The background factors used were characterized with {k} different GWP sets; the "
        "method's own factors apply only to the flows characterized here. This mix is a value "
        "choice of the study (ISO 14067:2018 7.3).",
        "所用背景因子采用了 {k} 种不同的 GWP 版本；本方法的特征化因子只作用于此处特征化的流。"
        "这种混用是本研究的价值选择（ISO 14067:2018 7.3）。"),
    "gwp_single": ("All background factors used share one GWP set: {set}.",
                   "所用背景因子均采用同一 GWP 版本：{set}。"),
    "assumptions": ("Assumptions", "假设"),
    "limitations": ("Limitations", "局限性"),
    "value_choices": ("Value choices", "价值选择"),
    "dominant": ("The {stage} stage dominates with {share} % of the total.",
                 "{stage}阶段占主导，占总量的 {share} %。"),
    "top_part": ("The largest contributor by part is {part} ({share} %).",
                 "贡献最大的部件是{part}（{share} %）。"),
    "top_flow": ("By greenhouse gas, {flow} contributes {share} %.",
                 "按温室气体，{flow}贡献 {share} %。"),
    "uncertainty_concl": (
        "With the uncertainty of the data, the total lies between {lo} and {hi} {unit} with 95 % "
        "probability (coefficient of variation {cv} %); the input explaining most of the variance "
        "is {top}.",
        "考虑数据的不确定性，总量以 95 % 的概率位于 {lo} 至 {hi} {unit} 之间（变异系数 {cv} %）；"
        "解释方差最多的输入是{top}。"),
    "significant": ("Design options changing the total beyond t with a probability of 95 % "
                    "or more: {items}.",
                    "以 95 % 以上的概率使总量变化超过 t 的设计方案：{items}。"),
    "no_significant": ("No design option changes the total beyond t with a probability of "
                       "95 %.",
                       "没有设计方案以 95 % 的概率使总量变化超过 t。"),
    "significant_choices": (
        "Method choices and context settings that move the total beyond t with a probability "
        "of 95 % or more (the same product accounted otherwise or in other circumstances, not "
        "reductions): {items}.",
        "以 95 % 以上的概率使总量变化超过 t 的方法选择与情境设定（同一产品的另一种核算方式或"
        "不同情境，并非减排）：{items}。"),
    "kind_design": ("design", "设计"),
    "kind_method": ("method choice", "方法选择"),
    "kind_context": ("context", "情境"),
    "h_p_lower": ("P(lower by > t) (%)", "P(降低超过 t) (%)"),
    "h_p_higher": ("P(higher by > t) (%)", "P(升高超过 t) (%)"),
    "comparison_text": (
        "This model gives {mine} {unit} per functional unit, the comparison model {other} {unit}: "
        "a difference of {diff} {unit} ({pct} %). The stages and the data's notes on why:",
        "本模型每功能单位 {mine} {unit}，对比模型 {other} {unit}：差异 {diff} {unit}（{pct} %）。"
        "各阶段及数据中的说明如下："),
    "comparison_like": (
        "Like with like first: over the stages both models hold, this model gives {mine} {unit} "
        "per functional unit, the comparison model {other} {unit}: a difference of {diff} {unit} "
        "({pct} %). This model also holds {extra}, which the comparison model leaves out: its "
        "total of {total} {unit} ({pct_total} % against the comparison model) differs by its "
        "system boundary as well. The stages and the data's notes on why:",
        "先比较相同范围：在两个模型共有的阶段上，本模型每功能单位 {mine} {unit}，对比模型 "
        "{other} {unit}：差异 {diff} {unit}（{pct} %）。本模型另含对比模型未包括的{extra}："
        "其总量 {total} {unit}（相对对比模型 {pct_total} %）的差异也来自系统边界。"
        "各阶段及数据中的说明如下："),
    "total_common": ("total over the stages both hold", "共有阶段合计"),
    "review_kind": ("Kind of review", "评审类型"),
    "reviewer": ("Reviewer", "评审人"),
    "review_date": ("Date of review", "评审日期"),
    "statement": ("Statement", "声明"),
    "review_placeholder": (
        "No critical review or verification is recorded in the model data; the practitioner "
        "fills in study.review (kind, reviewer, date, statement) before the report is issued.",
        "模型数据中未记录鉴定性评审或核查；发布报告前由编制者填写 study.review"
        "（类型、评审人、日期、"
        "声明）。"),
    "none": ("none", "无"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "pdf_missing": ("PDF skipped: WeasyPrint is not installed (pip install weasyprint).",
                    "未生成 PDF：未安装 WeasyPrint（pip install weasyprint）。"),
    "page": ("page", "页"),
    # table titles
    "t_bom": ("Bill of materials: material inputs per functional unit",
              "物料清单：每功能单位的材料输入"),
    "t_exclusions": ("Exclusions from the system boundary", "系统边界的排除项"),
    "t_cutoff": ("Inputs below the cut-off threshold", "低于取舍阈值的输入"),
    "t_quality": ("Data sources and quality of every foreground exchange",
                  "各前景交换的数据来源与数据质量"),
    "t_electricity": ("Electricity inputs", "电力输入"),
    "t_ghgs": ("Characterization factors of the flows in the inventory", "清单中各流的特征化因子"),
    "t_activity": ("Activity data, emission factors and direct emissions",
                   "活动水平数据、排放因子与直接排放"),
    "t_stages": ("Results by life-cycle stage", "各生命周期阶段的结果"),
    "t_parts": ("Contributions by part", "各部件贡献"),
    "t_flows": ("Contributions by greenhouse gas", "各温室气体的贡献"),
    "t_groups": ("GHG emissions and removals by origin (ISO 14067:2018 7.3)",
                 "按来源分列的温室气体排放与清除（ISO 14067:2018 7.3）"),
    "t_credits": ("Burdens and credits by stage", "各阶段的负荷与抵扣"),
    "t_mc": ("Monte Carlo statistics", "蒙特卡罗统计"),
    "t_sources": ("Variance of the total by uncertainty source", "按不确定性来源的总量方差"),
    "t_spearman": ("Spearman rank correlation with the total (top 15)",
                   "与总量的 Spearman 秩相关（前 15）"),
    "t_sobol": ("Sobol indices by group", "按组的 Sobol 指数"),
    "t_tornado": ("Tornado: inputs at their 5th and 95th percentiles",
                  "龙卷风图：输入取第 5 与第 95 百分位"),
    "t_scenarios": ("Scenarios against the baseline of their boundary (paired Monte Carlo)",
                    "各情景与同边界基准情景的比较（配对蒙特卡罗）"),
    "t_improvements": ("Improvement options (design scenarios) ranked by mean reduction",
                       "按平均减排量排序的改进方案（设计情景）"),
    "t_gwp_sets": ("GWP sets of the background factors used", "所用背景因子的 GWP 版本"),
    "t_comparison": ("Stages beside those of the comparison model", "各阶段与对比模型的比较"),
    "t_audit": ("Declared figures that disagree with the recomputation",
                "与复算结果不一致的声明数据"),
    "t_meta": ("About this workbook", "关于本工作簿"),
    # table headers
    "h_stage": ("stage", "生命周期阶段"),
    "h_activity": ("activity", "活动"),
    "h_input": ("input", "输入"),
    "h_flow": ("greenhouse gas", "温室气体"),
    "h_kind": ("kind", "类型"),
    "h_unit": ("unit", "单位"),
    "h_amount": ("amount per functional unit", "每功能单位用量"),
    "h_amount_year": ("amount per year", "年用量"),
    "h_factor": ("factor (kgCO2e per unit of input)", "排放因子（kgCO2e/单位输入）"),
    "h_cf": ("characterization factor (kgCO2e/kg)", "特征化因子（kgCO2e/kg）"),
    "h_ghg": ("kgCO2e per functional unit", "每功能单位 kgCO2e"),
    "h_ghg_year": ("kgCO2e per year", "年排放 kgCO2e"),
    "h_share": ("share (%)", "占比 (%)"),
    "h_part": ("part", "部件"),
    "h_mass": ("mass (kg per functional unit)", "质量（kg/功能单位）"),
    "h_material": ("material", "材料"),
    "h_item": ("item", "项目"),
    "h_reason": ("reason", "理由"),
    "h_est_share": ("estimated share", "估计占比"),
    "h_data_type": ("data type", "数据类型"),
    "h_pedigree": ("pedigree", "谱系评分"),
    "h_distribution": ("distribution", "分布"),
    "h_region": ("region", "地区"),
    "h_factor_value": ("factor", "因子"),
    "h_year": ("year", "年份"),
    "h_parameter": ("parameter", "参数"),
    "h_spread": ("spread", "离散程度"),
    "h_correlation": ("rank correlation with", "秩相关"),
    "t_emission_factors": ("Emission factors used, with their GWP set, year and source",
                           "所用排放因子及其 GWP 版本、年份与来源"),
    "t_parameters": ("Uncertain parameters: distributions and correlations",
                     "不确定参数：分布与相关性"),
    "h_sigma": ("sigma (ln)", "对数标准差"),
    "h_source": ("source", "来源"),
    "h_group": ("origin", "来源类别"),
    "h_emissions": ("emissions (kgCO2e)", "排放（kgCO2e）"),
    "h_removals": ("removals (kgCO2e)", "清除（kgCO2e）"),
    "h_net": ("net (kgCO2e)", "净值（kgCO2e）"),
    "h_burdens": ("burdens (kgCO2e)", "负荷（kgCO2e）"),
    "h_credits": ("credits (kgCO2e)", "抵扣（kgCO2e）"),
    "h_statistic": ("", ""),
    "h_deterministic": ("deterministic", "确定值"),
    "h_mean": ("mean", "均值"),
    "h_median": ("median", "中位数"),
    "h_std": ("standard deviation", "标准差"),
    "h_cv": ("CV (%)", "变异系数 (%)"),
    "h_p2_5": ("2.5 %", "2.5 %"),
    "h_p97_5": ("97.5 %", "97.5 %"),
    "h_variance": ("variance (kgCO2e)^2", "方差 (kgCO2e)^2"),
    "h_source_kind": ("uncertainty source", "不确定性来源"),
    "h_rho": ("Spearman rho", "Spearman 秩相关系数"),
    "h_var_share": ("contribution to variance (%)", "方差贡献 (%)"),
    "h_s1": ("S1", "S1"),
    "h_s1_conf": ("S1 95 % confidence", "S1 95 % 置信区间"),
    "h_st": ("ST", "ST"),
    "h_st_conf": ("ST 95 % confidence", "ST 95 % 置信区间"),
    "h_low": ("total at the 5th percentile", "第 5 百分位时的总量"),
    "h_high": ("total at the 95th percentile", "第 95 百分位时的总量"),
    "h_swing": ("swing", "变幅"),
    "h_scenario": ("scenario", "情景"),
    "h_boundary": ("boundary", "系统边界"),
    "h_baseline": ("baseline", "基准情景"),
    "h_change": ("change vs baseline", "相对基准的变化"),
    "h_diff_mean": ("mean paired difference", "配对差均值"),
    "h_diff_lo": ("difference 2.5 %", "差值 2.5 %"),
    "h_diff_hi": ("difference 97.5 %", "差值 97.5 %"),
    "h_p_red": ("P(reduction) (%)", "P(减排) (%)"),
    "h_p_inc": ("P(increase) (%)", "P(增排) (%)"),
    "h_reduction": ("mean reduction", "平均减排量"),
    "h_red_lo": ("reduction 2.5 %", "减排量 2.5 %"),
    "h_red_hi": ("reduction 97.5 %", "减排量 97.5 %"),
    "h_gwp_set": ("GWP set", "GWP 版本"),
    "h_count": ("factors", "因子数"),
    "h_this": ("this model", "本模型"),
    "h_other": ("comparison model", "对比模型"),
    "h_difference": ("difference", "差异"),
    "h_where": ("where", "位置"),
    "h_printed": ("printed", "报告值"),
    "h_recomputed": ("recomputed", "复算值"),
    "h_finding": ("finding", "发现"),
    "h_note": ("note", "说明"),
    "h_key": ("", ""),
    "h_value": ("value", "值"),
    "h_display": ("(as shown in the report)", "（报告中的显示值）"),
    # cell values
    "total": ("total", "总计"),
    "total_without": ("total without separate stages", "不含单独报告的阶段的总计"),
    "direct": ("direct emission", "直接排放"),
    "purchase": ("purchased product", "外购产品"),
    "primary": ("primary", "初级数据"),
    "secondary": ("secondary", "次级数据"),
    "estimate": ("estimate", "估计数据"),
    "undeclared": ("not declared", "未声明"),
    "fossil": ("fossil", "化石"),
    "biogenic": ("biogenic", "生物源"),
    "land_use_change": ("direct land-use change (dLUC)", "直接土地利用变化（dLUC）"),
    "aircraft": ("aircraft", "航空运输"),
    "precharacterized": ("aggregated background factors (origin not split)",
                         "汇总背景因子（未按来源拆分）"),
    "other": ("other", "其他"),
    "dist_none": ("none", "无"),
    "dist_parameters": ("through its parameters", "由参数确定"),
    "dist_lognormal": ("lognormal", "对数正态"),
    "dist_normal": ("normal", "正态"),
    "dist_uniform": ("uniform", "均匀"),
    "dist_triangular": ("triangular", "三角"),
    "dist_other": ("other", "其他"),
    "src_foreground": ("foreground (activity data)", "前景（活动水平数据）"),
    "src_background": ("background (emission factors)", "背景（排放因子）"),
    "src_characterization": ("characterization (GWP factors)", "特征化（GWP 因子）"),
    "src_sum": ("sum of the sources alone (first order)", "各来源单独之和（一阶）"),
    "src_all": ("all sources together (the Monte Carlo run)", "全部来源同时（蒙特卡罗运行）"),
    "src_interactions": ("interactions (all together minus the sum)", "交互作用（全部减去和）"),
    "truncated": ("digits cut, not rounded", "截断而非四舍五入"),
    "differs": ("differs", "不一致"),
    "declared_differently": ("declared differently", "不同位置声明不同"),
    "unstated": ("not stated", "未说明"),
    # metadata sheet
    "m_title": ("Title", "标题"),
    "m_unit": ("Unit of results", "结果单位"),
    "m_method": ("Impact assessment method", "影响评价方法"),
    "m_fu": ("Functional unit", "功能单位"),
    "m_date": ("Date", "日期"),
    "m_version": ("cfp_lca version", "cfp_lca 版本"),
    "m_libraries": ("Data libraries", "数据库"),
    "m_mc": ("Monte Carlo", "蒙特卡罗"),
    "m_note": ("note", "说明"),
    "m_note_text": ("numbers at full precision; the report rounds them to what their uncertainty "
                    "supports", "数值为全部精度；报告按其不确定性修约"),
}  # fmt: skip


def t(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` (``en`` or ``zh``), with ``values`` filled in."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: choose one of {', '.join(LANGS)}")
    text = TEXT[key][LANGS.index(lang)]
    return text.format(**values) if values else text


_LATIN = re.compile(r"[A-Za-z]")


def verbatim(text: str, lang: str) -> str:
    """A text from the data that has no translation into ``lang``: quoted as code in the
    Chinese report when it holds Latin words (a source title, a code), as is otherwise."""
    if lang == "zh" and _LATIN.search(text):
        return "`" + " ".join(text.replace("`", "'").split()) + "`"
    return text


def data_text(value: object, lang: str) -> str | None:
    """A data text (a string or ``{en, zh}``) in ``lang``; None when the data has none."""
    if value is None:
        return None
    if isinstance(value, dict):
        if value.get(lang):
            return " ".join(str(value[lang]).split())
        other = next((v for v in value.values() if v), None)
        return None if other is None else verbatim(" ".join(str(other).split()), lang)
    return verbatim(" ".join(str(value).split()), lang)


def label(text: str, lang: str, translations: dict | None = None) -> str:
    """A text from the data (part, parameter, scenario, source note) in ``lang`` via the
    model's translations, keyed by the English text as gettext keys its catalogs (spaces
    normalized); quoted verbatim where it has none."""
    table = (translations or {}).get(lang, {})
    translated = table.get(text) or table.get(" ".join(text.split()))
    return translated if translated else verbatim(text, lang)


def input_label(text: str, names: dict[str, str], lang: str, translations: dict) -> str:
    """A sensitivity input or group (``owner <- input``, ``activity -> flow``, ``GWP factor of
    flow``, ``background: process``, a parameter's description) in words, codes replaced by
    ``names`` (code -> name in ``lang``); for the report's tables and the figures alike."""

    def name(code: str) -> str:
        return names.get(code) or label(code, lang, translations)

    for arrow, shown in ((" <- ", " ← "), (" -> ", " → ")):
        if arrow in text:
            owner, other = text.split(arrow, 1)
            return name(owner) + shown + name(other)
    for prefix, key in (("GWP factor of ", "gwp_of"), ("background: ", "background_of")):
        if text.startswith(prefix):
            return t(key, lang, name=name(text[len(prefix) :]))
    if text == "characterization factors":
        return t("characterization_group", lang)
    return label(text, lang, translations)
