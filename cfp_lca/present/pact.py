"""The footprint as a PACT ProductFootprint (Technical Specifications v3.0, the data model of
the PACT network and Catena-X), checked against the specification's own schema before use.

PACT footprints are cradle to gate: the study's ``pact`` block names the model's stages up to
the factory gate, and every figure is the sum of those stages, split by elementary flow
(:func:`..calc.boundary.flows_by_stage`). The split follows the PACT definitions:

- pcfExcludingBiogenicUptake: every flow of those stages, biogenic CO2 emissions at +1 and
  biogenic CO2 uptake left out; pcfIncludingBiogenicUptake: the same with the uptake at -1
  (biogenic CO2 in kg from the inventory, whatever the method's factor: cfp_lca's methods
  net it 0/0, PACT counts it);
- fossilGhgEmissions: flows of group 'fossil' and 'aircraft', and, stated in ``comment`` with
  their amounts, pre-characterized factors (a source's CO2e not split by gas) and flows of no
  ISO 14067 group: PACT has no field for them and they are fossil in the factor sources the
  library uses (materials and energy);
- biogenicNonCO2Emissions: group 'biogenic' other than CO2; landUseChangeGhgEmissions: group
  'land_use_change'; aircraftGhgEmissions: group 'aircraft';
- packagingGhgEmissions: the contributions of the activities the block names as packaging.

Recycling credits are refused inside the boundary: the PACT Methodology counts recycling by
the cut-off (recycled content) approach (choose the model's cut-off option). Figures are
written as PACT decimals, exactly as computed (positional notation, no rounding).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import numpy as np

from ..calc.static import StaticResult, biogenic_co2, is_biogenic_co2
from ..errors import InputError
from ..model.objects import Catalog, Method, ProductModel
from ..model.pact_files import problems
from .i18n import data_text

SPEC_VERSION = "3.0.3"
FOSSIL_GROUPS = ("fossil", "aircraft")
NAMESPACE = uuid.UUID("8a1b5c57-34c4-4b1c-9d0e-6f1f1ae5c0a1")  # cfp_lca's PACT ids (uuid5)


def decimal(value: float) -> str:
    """A PACT Decimal: a number in positional notation, every digit float64 gives."""
    text = np.format_float_positional(float(value), trim="-")
    return "0" if text in ("-0", "+0") else text


def product_footprint(catalog: Catalog, model: ProductModel, method: Method,
                      result: StaticResult, stages: dict[str, dict[str, float]],
                      amounts: dict[str, dict[str, float]],
                      created: datetime | None = None) -> dict:  # fmt: skip
    """The ProductFootprint of ``model`` (``result``: its static result; ``stages`` and
    ``amounts``: its flows by stage, characterized and in inventory units), checked against
    the PACT v3 schema; bad or missing data is an input error naming the model file and the
    entry."""
    spec = _block(model)
    boundary = _boundary(model, result, spec)
    flows = _boundary_flows(stages, boundary)
    split = _split(model, flows, _boundary_flows(amounts, boundary), result)
    created = (created or datetime.now(UTC)).replace(microsecond=0)
    pcf = _carbon_footprint(catalog, model, method, result, spec, split, boundary)
    document = {
        "id": str(
            uuid.uuid5(
                NAMESPACE,
                json.dumps([spec["company_ids"], spec["product_ids"], pcf], sort_keys=True),
            )
        ),  # fmt: skip
        "specVersion": SPEC_VERSION,
        "created": _instant(created),
        "status": "Active",
        "companyName": spec["company_name"],
        "companyIds": list(spec["company_ids"]),
        "productDescription": spec.get("product_description")
        or model.description
        or model.functional_unit,
        "productIds": list(spec["product_ids"]),
        "productNameCompany": spec.get("product_name") or model.title,
        "comment": _comment(spec, split),
        "pcf": pcf,
    }
    if spec.get("product_classifications"):
        document["productClassifications"] = list(spec["product_classifications"])
    if spec.get("validity_period"):
        start, end = spec["validity_period"]
        document["validityPeriodStart"] = f"{start}T00:00:00Z"
        document["validityPeriodEnd"] = f"{end}T00:00:00Z"
    check(document, model)
    return document


def _block(model: ProductModel) -> dict:
    """The study's pact block, or an error saying what it must hold."""
    spec = (model.study or {}).get("pact")
    if not spec:
        raise InputError(model.path, "study.pact", "a PACT footprint needs the study's pact "
                         "block: company_name, company_ids, product_ids, declared_unit, "
                         "product_mass_kg, reference_period, stages, "
                         "exempted_emissions_percent, fossil_carbon_content_kg (see "
                         "docs/model-format.md)")  # fmt: skip
    return spec


def _boundary(model: ProductModel, result: StaticResult, spec: dict) -> list[str]:
    """The stages inside the PACT boundary, known to the model and free of credits."""
    known = [s.code for s in model.stages]
    for code in spec["stages"]:
        if code not in known:
            raise InputError(model.path, "study.pact.stages", f"unknown stage '{code}' "
                             f"(the model's: {', '.join(known)})")  # fmt: skip
        if result.credits.get(code):
            raise InputError(model.path, "study.pact.stages", f"stage '{code}' holds a credit "
                             f"of {result.credits[code]:.6g} {result.unit}: the PACT "
                             "Methodology counts recycling by the cut-off approach (choose "
                             "the model's cut-off end-of-life option)")  # fmt: skip
    return list(spec["stages"])


def _boundary_flows(stages: dict[str, dict[str, float]], boundary: list[str]) -> dict:
    """Flow code -> amount over the stages of the boundary."""
    out: dict[str, float] = {}
    for stage in boundary:
        for code, value in stages[stage].items():
            out[code] = out.get(code, 0.0) + value
    return out


def _split(model: ProductModel, flows: dict[str, float], amounts: dict[str, float],
           result: StaticResult) -> dict:  # fmt: skip
    """The boundary's flows summed into PACT's quantities (see the module's docstring).
    Biogenic CO2 is counted in kg of CO2 from the inventory whatever the method's factor
    for it (cfp_lca's methods net it at 0/0; PACT counts uptake -1 and emissions +1)."""
    parts = dict.fromkeys(("fossil", "precharacterized", "other", "uptake", "biogenic_co2",
                           "biogenic_non_co2", "land_use_change", "aircraft"), 0.0)  # fmt: skip
    for code, value in flows.items():
        group = _group(result, code)
        if group == "biogenic_co2":
            continue
        key = group if group in parts else "other"
        parts["biogenic_non_co2" if group == "biogenic" else key] += value
    parts["biogenic_co2"], parts["uptake"] = biogenic_co2(amounts, result.flow_info)
    parts["fossil_total"] = sum(parts[g] for g in (*FOSSIL_GROUPS, "precharacterized", "other"))
    parts["excluding"] = sum(parts[g] for g in ("fossil_total", "biogenic_co2",
                                                "biogenic_non_co2", "land_use_change"))  # fmt: skip
    parts["including"] = parts["excluding"] + parts["uptake"]
    for name in ("fossil_total", "biogenic_non_co2", "land_use_change", "aircraft"):
        if parts[name] < 0:
            raise InputError(model.path, "study.pact.stages", f"the boundary's {name} "
                             f"emissions are negative ({parts[name]:.6g}): PACT reports "
                             "emissions and removals apart")  # fmt: skip
    return parts


def _group(result: StaticResult, code: str) -> str | None:
    """A flow's ISO 14067 group, 'biogenic_co2' for biogenic CO2 (taken up or emitted)."""
    info = result.flow_info.get(code)
    if info is None:
        return None
    return "biogenic_co2" if is_biogenic_co2(info) else info.group


def _ar(method: Method, model: ProductModel) -> list[str]:
    """The IPCC Assessment Report of the method's factors, as PACT writes it ("AR6")."""
    import re

    found = re.search(r"\bar(\d+)\b", f"{method.id} {' '.join(method.name)}".lower())
    if not found:
        raise InputError(model.path, "method", f"method '{method.id}' is not the GWP100 of an "
                         "IPCC Assessment Report (PACT: ipccCharacterizationFactors)")  # fmt: skip
    return [f"AR{found.group(1)}"]


def _carbon_footprint(catalog: Catalog, model: ProductModel, method: Method,
                      result: StaticResult, spec: dict, split: dict,
                      boundary: list[str]) -> dict:  # fmt: skip
    """The ``pcf`` object: PACT's CarbonFootprint."""
    study = model.study or {}
    start, end = spec["reference_period"]
    pcf = {
        "declaredUnitOfMeasurement": spec["declared_unit"],
        "declaredUnitAmount": decimal(model.functional_amount),
        "productMassPerDeclaredUnit": decimal(spec["product_mass_kg"]),
        "referencePeriodStart": f"{start}T00:00:00Z",
        "referencePeriodEnd": f"{end}T23:59:59Z",
        "pcfExcludingBiogenicUptake": decimal(split["excluding"]),
        "pcfIncludingBiogenicUptake": decimal(split["including"]),
        "fossilGhgEmissions": decimal(split["fossil_total"]),
        "fossilCarbonContent": decimal(spec["fossil_carbon_content_kg"]),
        "biogenicCO2Uptake": decimal(min(split["uptake"], 0.0)),
        "biogenicNonCO2Emissions": decimal(split["biogenic_non_co2"]),
        "landUseChangeGhgEmissions": decimal(split["land_use_change"]),
        "aircraftGhgEmissions": decimal(split["aircraft"]),
        "packagingEmissionsIncluded": spec.get("packaging_activities") is not None,
        "ccsTechnologicalCO2CaptureIncluded": False,
        "ipccCharacterizationFactors": _ar(method, model),
        "crossSectoralStandards": ["ISO14067"],
        "exemptedEmissionsPercent": decimal(spec["exempted_emissions_percent"]),
        "primaryDataShare": decimal(_primary_share(model, result, spec, boundary, split)),
        "secondaryEmissionFactorSources": [
            {"name": lib["name"], "version": str(lib["version"])} for lib in catalog.libraries
        ],
    }
    optional = {
        "geographyCountry": spec.get("geography_country"),
        "biogenicCarbonContent": _maybe(spec.get("biogenic_carbon_content_kg")),
        "exemptedEmissionsDescription": spec.get("exempted_emissions_description"),
        "boundaryProcessesDescription": _boundary_text(study, model, boundary),
        "allocationRulesDescription": data_text(study.get("allocation"), "en"),
        "packagingGhgEmissions": _packaging(model, result, spec, boundary),
        "dqi": _dqi(spec.get("dqr")),
        # the schema wants one rule at least: no rule followed, no field (PACT: "empty")
        "productOrSectorSpecificRules": _rules(spec) or None,
    }
    pcf.update({k: v for k, v in optional.items() if v is not None})
    return pcf


def _primary_share(model: ProductModel, result: StaticResult, spec: dict,
                   boundary: list[str], split: dict) -> float:  # fmt: skip
    """Percent of pcfExcludingBiogenicUptake from exchanges whose data_type is primary (the
    block's figure where it gives one): each background input and emission of an activity in
    the boundary, at the activity's supply, times its product's score or its flow's factor."""
    if spec.get("primary_data_share") is not None:
        return float(spec["primary_data_share"])
    primary, unknown = 0.0, []
    for activity in model.activities:
        if activity.stage not in boundary:
            continue
        for x in activity.exchanges:
            if x.kind == "technosphere" and x.database == model.database:
                continue  # a foreground input: its own activity counts its chain
            score = (result.factors.get(x.code, 0.0) if x.kind == "biosphere"
                     else result.unit_scores.get((x.database, x.code), 0.0))  # fmt: skip
            part = result.supply.get(activity.code, 0.0) * x.amount * score
            if x.data_type is None and part:
                unknown.append(x.origin)
            elif x.data_type == "primary":
                primary += part
    if unknown:
        raise InputError(model.path, "study.pact.primary_data_share", "give the share, or a "
                         f"data_type on every input that contributes ({len(unknown)} without, "
                         f"first: {unknown[0]})")  # fmt: skip
    excluding = split["excluding"]
    return 100.0 * primary / excluding if excluding else 0.0


def _maybe(value) -> str | None:
    return None if value is None else decimal(value)


def _rules(spec: dict) -> list[dict]:
    """productOrSectorSpecificRules from the block (empty when none was followed)."""
    out = []
    for rule in spec.get("rules") or []:
        names = rule.get("ruleNames") or rule.get("names") or []
        item = {"operator": rule.get("operator", "Other"),
                "ruleNames": [names] if isinstance(names, str) else list(names)}  # fmt: skip
        if rule.get("otherOperatorName"):
            item["otherOperatorName"] = rule["otherOperatorName"]
        out.append(item)
    return out


def _boundary_text(study: dict, model: ProductModel, boundary: list[str]) -> str:
    """The stages of the PACT boundary by name, then the study's own boundary text."""
    names = {s.code: s.name for s in model.stages}
    stages = "; ".join(names.get(code, code) for code in boundary)
    own = data_text(study.get("system_boundary"), "en")
    text = f"Cradle to gate: {stages}."
    return f"{text} The study's boundary: {own}" if own else text


def _packaging(model: ProductModel, result: StaticResult, spec: dict,
               boundary: list[str]) -> str | None:  # fmt: skip
    """The named packaging activities' contributions, each inside the boundary."""
    codes = spec.get("packaging_activities")
    if codes is None:
        return None
    stage_of = {a.code: a.stage for a in model.activities}
    for code in codes:
        if stage_of.get(code) not in boundary:
            raise InputError(model.path, "study.pact.packaging_activities", f"'{code}' is not "
                             "an activity of a stage inside the PACT boundary")  # fmt: skip
    return decimal(sum(result.activities.get(code, 0.0) for code in codes))


def _dqi(dqr: dict | None) -> dict | None:
    if not dqr:
        return None
    return {f"{k}DQR": decimal(dqr[k]) for k in ("technological", "geographical", "temporal")}


def _comment(spec: dict, split: dict) -> str:
    """The block's comment, and what fossilGhgEmissions holds that PACT has no field for."""
    notes = [spec.get("comment") or ""]
    if split["precharacterized"]:
        notes.append(f"fossilGhgEmissions includes {decimal(split['precharacterized'])} kgCO2e "
                     "of pre-characterized emission factors (CO2e not split by gas).")  # fmt: skip
    if split["other"]:
        notes.append(f"fossilGhgEmissions includes {decimal(split['other'])} kgCO2e of flows "
                     "without an ISO 14067 group.")  # fmt: skip
    notes.append("Computed by cfp_lca (PACT Technical Specifications v3; ISO 14067).")
    return " ".join(n for n in notes if n)


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check(document: dict, model: ProductModel) -> None:
    """Refuse a document the schema refuses (a bug or bad data: never written)."""
    found = problems(document)
    if found:
        raise InputError(
            model.path,
            "study.pact",
            f"the PACT document is not valid: {found[0]}"
            + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""),
        )
