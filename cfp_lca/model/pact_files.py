"""PACT ProductFootprints (Technical Specifications v3) as data: a supplier's footprint read
as a background process, and the schema every footprint is checked against.

A background process may name a PACT file instead of listing emissions (``pact:``, a path
beside or below its YAML file, so that the catalog's cache key, which reads every YAML and
JSON file of the data folders, sees an edit). The file must be a ProductFootprint valid
against the ``ProductFootprint`` schema of the specification's own OpenAPI file
(``pact_v3/openapi.yaml``, an unchanged copy); a deprecated one is refused. It becomes:

- one emission of the pre-characterized flow ``co2e_aggregated``: pcfExcludingBiogenicUptake
  per declared unit (the supplier's GWP set, its ipccCharacterizationFactors, in the process's
  ``gwp_set``), converted through pint to the process's unit (piece = unit, kilogram = kg...);
- the biogenic CO2 it took up (-biogenicCO2Uptake, kg CO2) as ``co2_biogenic_uptake``,
  documented apart as ISO 14067 7.3 asks (characterized 0 by cfp_lca's methods);
- an uncertainty by the pedigree matrix (Weidema et al. 2013), by this rule: technological,
  geographical and temporal scores 2 x DQR - 1 rounded (PACT's ratings 1 to 3 onto 1 to 5;
  3 where the footprint has no dqi); reliability 2 for a verified footprint, else 3;
  completeness 2 up to 1 % exempted emissions, 3 up to 5 %, 4 above; basic variance 0.0006
  (Weidema et al. 2013: CO2 of combustion and semi-finished products).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError
from .reading import read_text

SPEC = Path(__file__).resolve().parent / "pact_v3" / "openapi.yaml"
# PACT's declared units as pint writes them (megabit second has no unit in the registry)
UNITS = {"liter": "L", "kilogram": "kg", "cubic meter": "m**3", "kilowatt hour": "kWh",
         "megajoule": "MJ", "ton kilometer": "t*km", "square meter": "m**2", "piece": "unit",
         "hour": "h"}  # fmt: skip
BASIC_VARIANCE = 0.0006


@lru_cache(maxsize=1)
def _validator():
    """A JSON Schema validator of PACT's ProductFootprint (OpenAPI 3.1 is JSON Schema 2020-12)."""
    import jsonschema
    import yaml

    # the specification's own file, as published (YAML 1.1 prose and examples): libyaml
    document = yaml.load(SPEC.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    schema = {"$ref": "#/components/schemas/ProductFootprint", **document}
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def problems(document: Any) -> list[str]:
    """What in ``document`` the PACT v3 schema refuses, one line each (none: valid)."""
    found = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(document)'}: {e.message}" for e in found]


def read_footprint(path: Path) -> dict:
    """A PACT ProductFootprint file: strict JSON, valid against the schema, active."""
    text = read_text(path, "JSON")

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    try:
        document = json.loads(text, parse_constant=refuse)
    except ValueError as exc:
        raise InputError(path, None, f"not a JSON document: {exc}") from None
    found = problems(document)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise InputError(path, None, f"not a PACT v3 ProductFootprint: {found[0]}{more}")
    if document["status"] != "Active":
        raise InputError(path, "status", f"'{document['status']}': a footprint that is not "
                         "Active SHOULD NOT be used (PACT); ask the supplier for the current "
                         "one")  # fmt: skip
    return document


def footprint_file(path: Path, entry: str, name: str) -> Path:
    """The PACT file a background process names, beside or below its YAML file."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        raise InputError(path, f"{entry} > pact", f"'{name}': name a file beside or below "
                         f"{path.name} (an edit of it must be seen)")  # fmt: skip
    return path.parent / relative


def footprint_emissions(path: Path, entry: str, document: dict) -> list[dict]:
    """The emissions a footprint stands for, per one declared unit, as emission entries of a
    background process (see the module's docstring for the rule)."""
    pcf = document["pcf"]
    declared = pcf["declaredUnitOfMeasurement"]
    if declared not in UNITS:
        raise InputError(path, f"{entry} > pact", f"declared unit '{declared}' has no unit "
                         "cfp_lca converts")  # fmt: skip
    per = f"kg/({UNITS[declared]})"
    amount = float(pcf["declaredUnitAmount"])
    source = f"PACT ProductFootprint {document['id']} of {document['companyName']}"
    out = [{"flow": "co2e_aggregated", "source": source, "pedigree": pedigree(pcf),
            "amount": {"value": float(pcf["pcfExcludingBiogenicUptake"]) / amount,
                       "unit": per}}]  # fmt: skip
    uptake = -float(pcf.get("biogenicCO2Uptake") or 0.0)
    if uptake:
        out.append({"flow": "co2_biogenic_uptake", "source": source,
                    "amount": {"value": uptake / amount, "unit": per}})  # fmt: skip
    return out


def pedigree(pcf: dict) -> dict:
    """Pedigree scores of a footprint from its data-quality ratings (the module's rule)."""
    dqi = pcf.get("dqi") or {}

    def score(name: str) -> int:
        rating = dqi.get(f"{name}DQR")
        return 3 if rating is None else min(5, max(1, round(2 * float(rating) - 1)))

    exempted = float(pcf["exemptedEmissionsPercent"])
    return {
        "reliability": 2 if pcf.get("verification") else 3,
        "completeness": 2 if exempted <= 1 else 3 if exempted <= 5 else 4,
        "temporal": score("temporal"),
        "geographical": score("geographical"),
        "technological": score("technological"),
        "basic_variance": BASIC_VARIANCE,
        "basic_source": "Weidema et al. 2013; scores from the PACT footprint's data quality "
        "(cfp_lca.model.pact_files)",
    }


def footprint_meta(document: dict, file: Path) -> dict:
    """What the background process says about itself, from the footprint."""
    pcf = document["pcf"]
    return {
        "gwp_set": "IPCC " + "/".join(pcf["ipccCharacterizationFactors"]) + " GWP100 (PACT)",
        "boundary": "cradle to gate (PACT ProductFootprint)",
        "year": int(pcf["referencePeriodEnd"][:4]),
        "pact": {
            "id": document["id"],
            "company": document["companyName"],
            "product": document["productNameCompany"],
            "file": file.name,
        },  # fmt: skip
    }
