"""The format reference, generated from the pydantic schema so that it cannot drift.

``cfp-lca schema --out docs`` writes ``model-format.md`` and ``schemas/KIND.schema.json``
(JSON Schema, for editors such as VS Code's YAML extension). ``python tools/stamp_schema.py
DIR ...`` puts a ``# yaml-language-server: $schema=...`` first line in every data file under
the folders given (idempotent). Field descriptions come from ``Field(description=...)``, else
from the comment on or above the field in the schema's source; class descriptions from
docstrings.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .flow_schema import FlowsFile, MethodFile, SynonymsFile
from .libraries import DirectoryConfig, LibraryFile
from .scenario_schema import ScenarioFile
from .schema import BackgroundFile, DeclaredFile, ModelFile

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "model": (ModelFile, "a product model: `foreground/NAME.yaml`, or `NAME.yaml` at the top "
              "of a data directory"),
    "declared": (DeclaredFile, "the figures a study declares: `NAME.declared.yaml` beside the "
                 "model file (audited by `cfp-lca audit`)"),
    "background": (BackgroundFile, "a background database: `background/NAME.yaml`"),
    "method": (MethodFile, "an LCIA method (a GWP100 factor set): `methods/NAME.yaml`"),
    "flows": (FlowsFile, "the elementary flows (biosphere database): `flows.yaml`"),
    "synonyms": (SynonymsFile, "names other databases give the flows (matched to characterize "
                 "them): `synonyms.yaml`"),
    "scenario": (ScenarioFile, "an overlay on a product model: `scenarios/MODEL/NAME.yaml`"),
    "library": (LibraryFile, "a data library's name, version and settings: `library.yaml`"),
}  # fmt: skip
SCHEMA_LINE = "# yaml-language-server: $schema="
# Descriptions of fields whose class gives none: "Class.field" first, then by field name (a
# name that means different things in different classes has a "Class.field" entry); a
# class's own comment wins.
FIELD_NOTES = {
    "amount": "per one unit of the owning process: `{value, unit, source}`",
    "annual_amount": "a yearly amount, divided by the model's `allocation.annual_output`",
    "formula": "an expression of parameters (`+ - * / **`, parentheses), in `unit`",
    "unit": "a pint unit (`kg`, `kWh`, `t*km`, `kg/kWh`)",
    "source": "where the number comes from (publication, measurement, assumption)",
    "uncertainty": "an explicit distribution (see UncertaintySpec)",
    "pedigree": "pedigree scores with a basic variance (Weidema et al. 2013)",
    "credit": "true for an avoided burden: the only kind of negative amount allowed",
    "comment": "free text for reviewers",
    "when": "keep this entry only when the model's options take these values "
    "(`{use_stage: true}`; a list allows several values)",
    "input": "a process code: of this model, of one of its backgrounds, or `database:code`",
    "flow": "an elementary flow code of the flows file",
    "code": "identifier used in references (no `:`)",
    "name": "the name a reader sees",
    "name_zh": "the name in Chinese (reports in `--lang zh`)",
    "description": "what it is, in words",
    "description_zh": "the description in Chinese",
    "categories": "Brightway categories of the flow, e.g. `[air]`",
    "cas": "CAS number",
    "database": "the Brightway database name written",
    "flows": "the elementary flows",
    "factors": "characterization factors, one per flow",
    "id": "identifier used by `--method` and by models",
    "year": "reference year",
    "value": "a number",
    "processes": "the processes of the database",
    "reference_product": "the product a process delivers (Brightway `reference product`)",
    "location": "a location code (`CN`, `GLO`)",
    "category": "a grouping for reviewers (`metals/steel`)",
    "parameters": "named inputs to formulas, each with value or formula, unit and source",
    "emissions": "elementary flows emitted per unit of the process",
    "inputs": "technosphere inputs per unit of the process",
    "model": "the product model's name (used on the command line)",
    "functional_unit": "what one result refers to (ISO 14067 6.3.3)",
    "reference_activity": "the activity delivering one functional unit",
    "method": "the LCIA method id (a file of `methods/`)",
    "backgrounds": "background databases whose processes the model may use",
    "allocation": "how annual plant data become per-unit data",
    "options": "switches chosen per run (`--option NAME=VALUE`)",
    "stages": "life-cycle stages, in report order",
    "stage": "the stage code this activity's inputs and emissions count in",
    "part": "the part of the product this activity makes (tables by part)",
    "activities": "the foreground activities",
    "comparison": "another model this one is set beside (`lcia --beside`)",
    "separate": "reported beside, not inside, the comparable total (e.g. a use stage)",
    "basis": "the allocation basis, in words",
    "annual_output": "the plant's yearly output in the functional unit's unit",
    "period": "the period the annual data cover",
    "default": "the value when a run sets none",
    "choices": "the values allowed",
    "distribution": "none, lognormal, normal, triangular or uniform",
    "gsd": "geometric standard deviation (lognormal)",
    "sigma": "standard deviation of ln (lognormal)",
    "cv": "coefficient of variation (normal)",
    "sd": "standard deviation in the amount's unit (normal)",
    "minimum": "lower bound in the amount's unit",
    "maximum": "upper bound in the amount's unit",
    "reliability": "pedigree score 1-5",
    "completeness": "pedigree score 1-5",
    "temporal": "pedigree score 1-5 (temporal correlation)",
    "geographical": "pedigree score 1-5 (geographical correlation)",
    "technological": "pedigree score 1-5 (technological correlation)",
    "basic_variance": "basic uncertainty, variance of ln",
    "basic_source": "where the basic variance comes from",
    "scenario": "the scenario's name (used on the command line)",
    "kind": "design (an improvement), method (an accounting choice) or context (a setting)",
    "swaps": "background processes replaced wherever the model buys them",
    "changes": "inputs scaled, replaced or removed",
    "additions": "new inputs of existing activities",
    "old": "the process replaced",
    "new": "the process used instead (same unit)",
    "activity": "an activity code of the model",
    "scale": "a factor on the amount (>= 0)",
    "replace": "the input used instead",
    "remove": "true to remove the input",
    "add": "the new input",
    "document": "the study document the figures come from",
    "figures": "the figures as printed",
    "quantity": "what the figure states",
    "printed": "the figure exactly as printed (a text, so its digits count)",
    "where": "where the document prints it",
    "goal": "the goal of the study (ISO 14067 6.2)",
    "intended_application": "what the results are for (ISO 14067 6.2)",
    "reasons": "why the study is carried out (ISO 14067 6.2)",
    "audience": "who the results are meant for (ISO 14067 6.2)",
    "commissioner": "who commissioned the study",
    "author": "who carried out the study",
    "system_boundary": "what the system boundary includes (ISO 14067 6.3.4)",
    "exclusions": "what is left out, why, and its estimated share (ISO 14067 6.3.4.3)",
    "cut_off_rule": "the cut-off criterion in words (ISO 14067 6.3.4.3)",
    "allocation_rule": "the allocation procedure in words (ISO 14067 6.4.6)",
    "electricity": "how electricity is modelled (ISO 14067 6.4.9.4)",
    "end_of_life": "how end of life is modelled",
    "use_stage": "how the use stage is treated (ISO 14067 6.3.7)",
    "time_period": "the period the data represent (ISO 14067 6.3.6)",
    "data_quality": "data quality requirements and their fulfilment (ISO 14067 6.3.5)",
    "assumptions": "assumptions, one per item",
    "limitations": "limitations of the study (ISO 14067 6.6), one per item",
    "value_choices": "value choices made (ISO 14067 7.3), one per item",
    "review": "critical review or verification (ISO 14067 6.7)",
    "study": "goal and scope statements for the study report (ISO 14067 6.2-6.3)",
    "item": "what is excluded",
    "reason": "why it is excluded",
    "reviewer": "who reviewed",
    "date": "when (ISO date)",
    "statement": "the review statement",
    "notes": "per stage code of this model: how it relates to the other model, in words",
    "spearman": "rank correlation, -1 to 1 (not 0)",
    "reference_service_life": "the product's reference service life (ISO 14067 6.3.7)",
    "boundary": "the factor's system boundary (cradle to gate, combustion only...); on an "
    "option: true when it changes the system boundary",
    "FunctionalUnitSpec.parameters": "the model's parameters that define the functional unit "
    "or its reference flow (the service life of a product used over its reference service "
    "life): fixed values, refused with a distribution (another value is another functional "
    "unit: a scenario, not data uncertainty)",
    "ReviewSpec.kind": "the kind of review: none, an internal review, a critical review by "
    "an independent expert or panel (ISO 14067 6.7), or a verification",
    "FunctionalUnitSpec.amount": "how many units of the product the functional unit is (a "
    "number above 0, in `unit`)",
    "CorrelationSpec.parameters": "the two uncertain parameters of the model whose draws are "
    "rank-correlated",
    "ActivitySpec.properties": "properties of one unit of the activity's own product (price, "
    "mass, energy content), for allocation between its products",
    "ActivitySpec.co_products": "products the activity delivers beside its own, per unit of "
    "its own; with them, an allocation rule",
    "ActivitySpec.allocation": "how the activity's inputs and emissions are shared between its "
    "products: the one rule whose `when` holds (ISO 14067:2018 6.4.6.2)",
    "CoProductSpec.properties": "properties of one unit of the co-product, the same names as "
    "the activity's own product's",
    "AllocationRuleSpec.by": "`mass`, or the name of a property every product states "
    "(`price`: economic allocation)",
    "AllocationRuleSpec.reason": "why allocation is not avoided by subdivision or system "
    "expansion, and why this basis (ISO 14067:2018 6.4.6.2)",
    "FlowSpec.formula": "the flow's chemical formula (CO2, CH4, N2O), as biosphere databases "
    "give it",
    "pact": "in a study: what a PACT v3 ProductFootprint needs beyond the model (`cfp-lca "
    "export pact`); in a background process: a supplier's PACT footprint file (JSON, beside or "
    "below this file) that stands for its emissions (model/pact_files.py says how)",
    "company_name": "the PCF data owner (PACT companyName)",
    "company_ids": "URNs of the data owner, e.g. urn:pact:company:customcode:supplier-id:CODE",
    "product_ids": "URNs of the product (PACT productIds)",
    "product_name": "the product's trade name (default: the model's name)",
    "product_description": "what the product is (default: the model's description)",
    "product_classifications": "URNs of the product's classes (UN CPC, CAS...)",
    "declared_unit": "PACT's unit of the functional unit (its amount is the declared amount)",
    "product_mass_kg": "mass of the declared unit in kg, packaging excluded (0 for energy or "
    "services)",
    "reference_period": "first and last day (YYYY-MM-DD) of the period the data represent",
    "geography_country": "ISO 3166-1 alpha-2 code of the country the footprint represents",
    "primary_data_share": "percent of pcfExcludingBiogenicUptake from primary data (default: "
    "computed from the exchanges' data_type)",
    "exempted_emissions_percent": "percent of the emissions left out of the footprint",
    "exempted_emissions_description": "what was left out, in words",
    "fossil_carbon_content_kg": "fossil carbon in the declared unit, kg C",
    "biogenic_carbon_content_kg": "biogenic carbon in the declared unit, kg C",
    "packaging_activities": "activities (inside the PACT stages) that make the packaging; "
    "absent: packaging is not in the footprint",
    "rules": "product or sector rules followed: operator (PEF, EPD International, Other), "
    "ruleNames, otherOperatorName",
    "dqr": "data quality ratings 1-3: technological, geographical, temporal",
    "validity_period": "first and last day the footprint may be used (default: 3 years after "
    "the reference period)",
}


# ---------------------------------------------------------------- descriptions


def _source_comments(cls: type) -> dict[str, str]:
    """Field name -> the comment on its line, else the comment lines just above it."""
    try:
        lines, _ = inspect.getsourcelines(cls)
    except (OSError, TypeError):
        return {}
    tree = ast.parse("".join(_dedent(lines)))
    out: dict[str, str] = {}
    for node in tree.body[0].body if tree.body else []:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        line = lines[node.lineno - 1]
        trailing = line.split("  # ", 1)[1].strip() if "  # " in line else ""
        above: list[str] = []
        k = node.lineno - 2
        while k >= 0 and lines[k].strip().startswith("#"):
            above.insert(0, lines[k].strip().lstrip("#").strip())
            k -= 1
        text = trailing.removesuffix("# fmt: skip").strip() or " ".join(above)
        if text:
            out[node.target.id] = text
    return out


def _dedent(lines: list[str]) -> list[str]:
    """Source lines of a class, dedented (nested classes are indented)."""
    indent = len(lines[0]) - len(lines[0].lstrip())
    return [line[indent:] if line[:indent].isspace() else line for line in lines]


def field_descriptions(cls: type[BaseModel]) -> dict[str, str]:
    """Every field's description: its Field(description=...) or its source comment."""
    comments: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if isinstance(klass, type) and issubclass(klass, BaseModel):
            comments.update(_source_comments(klass))
    return {name: info.description or comments.get(name)
            or FIELD_NOTES.get(f"{cls.__name__}.{name}") or FIELD_NOTES.get(name, "")
            for name, info in cls.model_fields.items()}  # fmt: skip


def class_description(cls: type) -> str:
    """A class's docstring as one paragraph (empty for the base docstring)."""
    doc = inspect.getdoc(cls) or ""
    if cls.__doc__ is None or doc.startswith("Base:") or doc == inspect.getdoc(BaseModel):
        return ""
    return " ".join(doc.split())


def models_of(cls: type[BaseModel]) -> list[type[BaseModel]]:
    """``cls`` and every schema class reachable from its fields, in first-use order."""
    seen: dict[type[BaseModel], None] = {}

    def visit(klass: type[BaseModel]) -> None:
        if klass in seen:
            return
        seen[klass] = None
        for info in klass.model_fields.values():
            for inner in _classes(info.annotation):
                visit(inner)

    visit(cls)
    return list(seen)


def _classes(annotation: Any) -> Iterator[type[BaseModel]]:
    """Schema classes inside a type annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _classes(arg)


# ---------------------------------------------------------------- Markdown


def type_text(annotation: Any) -> str:
    """A type annotation in words, schema classes as links."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return type_text(args[0])
    if origin in (Union, types.UnionType):
        kept = [a for a in args if a is not type(None)]
        return " or ".join(dict.fromkeys(type_text(a) for a in kept))
    if origin is Literal:
        return "one of " + ", ".join(f"`{_yaml(a)}`" for a in args)
    if origin is list:
        return f"list of {type_text(args[0])}"
    if origin is dict:
        return f"mapping of {type_text(args[0])} to {type_text(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    names = {str: "text", float: "number", int: "whole number", bool: "true/false"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _yaml(value: Any) -> str:
    """A value as YAML writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def class_table(cls: type[BaseModel]) -> str:
    """One schema class as a Markdown section: description and a table of its keys."""
    descriptions = field_descriptions(cls)
    rows = ["| key | type | required | default | description |", "| --- | --- | --- | --- | --- |"]
    for name, info in cls.model_fields.items():
        required = info.default is PydanticUndefined and info.default_factory is None
        default = "" if required else f"`{_yaml(info.get_default(call_default_factory=True))}`"
        text = descriptions.get(name, "").replace("|", "\\|")
        rows.append(f"| `{name}` | {type_text(info.annotation)} | {'yes' if required else 'no'} "
                    f"| {default} | {text} |")  # fmt: skip
    head = f"### {cls.__name__}\n\n"
    about = class_description(cls)
    return head + (f"{about}\n\n" if about else "") + "\n".join(rows) + "\n"


def example(kind: str) -> str:
    """The example file of a kind (package data), checked against the schema by the tests."""
    if kind == "model":
        from string import Template

        return Template((TEMPLATES / "model.yaml").read_text(encoding="utf-8")).substitute(
            name="example"
        )
    return (TEMPLATES / "examples" / f"{kind}.yaml").read_text(encoding="utf-8")


INTRO = """# Data file format reference

Generated from the schema (`schema.py`, `flow_schema.py`, `scenario_schema.py`, `libraries.py`
in `cfp_lca/model/`) by `cfp-lca schema --out docs`; do not edit by hand:
`tests/test_format_reference.py` fails when this file or `docs/schemas/*.schema.json` differ
from what the schema gives.

Every file is YAML (UTF-8). Unknown keys are errors, and types are strict: a quoted number
(`"1.0"`) is refused, never converted. Every amount is a number with a pint unit
(`{value: 2.5, unit: kg}`), and every amount and factor names its `source`. Editors that read
JSON Schema (VS Code with the YAML extension) validate and complete a file whose first line is
`# yaml-language-server: $schema=PATH/docs/schemas/KIND.schema.json`.

## Data directories and libraries

A data directory holds `flows.yaml`, `methods/*.yaml`, `background/*.yaml` and product models
(`foreground/*.yaml` or `*.yaml` at its top), and scenarios under `scenarios/`. A data
directory stacks on the shipped library (its flows, methods and background databases), so a
folder holding only one model file works; a directory with its own `flows.yaml` is a complete
library and does not, unless its configuration says `shipped_library = true`. `--data A
--data B` stacks several directories: a flow, method, background database or model of a later
one replaces the one of the same code, id or name below, with a notice on stderr. A data
directory may hold `cfp_lca.toml` (or a `[tool.cfp_lca]` section in `pyproject.toml`):

{config}
A library names itself in `library.yaml` (see below); a directory without one is named after
the folder, its version being a hash of its content. Names and versions are recorded in the
Brightway metadata of the databases and methods cfp_lca writes (`cfp_lca libraries`).

"""


def markdown() -> str:
    """The whole format reference."""
    parts = [INTRO.replace("{config}", class_table(DirectoryConfig))]
    parts.append("## Files\n\n" + "\n".join(
        f"- [{kind}](#{kind}-files): {about}" for kind, (_, about) in KINDS.items()
    ) + "\n")  # fmt: skip
    for kind, (cls, about) in KINDS.items():
        section = [
            f"## {kind} files\n\n{about[0].upper()}{about[1:]}. JSON Schema: "
            f"`schemas/{kind}.schema.json`.\n\nExample:\n\n```yaml\n{example(kind)}```\n"
        ]
        section += [class_table(c) for c in models_of(cls)]
        parts.append("\n".join(section))  # fmt: skip
    return "\n".join(parts)


# ---------------------------------------------------------------- JSON Schema


def json_schema(kind: str) -> dict:
    """The JSON Schema of one file kind, with the field descriptions filled in."""
    cls = KINDS[kind][0]
    schema = cls.model_json_schema()
    described = {c.__name__: field_descriptions(c) for c in models_of(cls)}
    for name, node in [(cls.__name__, schema), *schema.get("$defs", {}).items()]:
        for key, prop in node.get("properties", {}).items():
            text = described.get(name, {}).get(key)
            if text and "description" not in prop:
                prop["description"] = text
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{kind}.schema.json", **schema}  # fmt: skip


def reference_files() -> dict[str, str]:
    """Relative path -> text of every generated file."""
    files = {"model-format.md": markdown()}
    for kind in KINDS:
        text = json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
        files[f"schemas/{kind}.schema.json"] = text
    return files


def write_reference(out: str | Path) -> list[Path]:
    """Write the format reference and the JSON Schemas under ``out``; returns the paths."""
    written = []
    for relative, text in reference_files().items():
        path = Path(out) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# ---------------------------------------------------------------- schema lines


def kind_of(path: Path) -> str | None:
    """The file kind of a data file, from its name and folder (None: not a data file)."""
    parts = path.parts
    if path.name == "flows.yaml":
        return "flows"
    if path.name == "synonyms.yaml":
        return "synonyms"
    if path.name == "library.yaml":
        return "library"
    if path.name.endswith(".declared.yaml"):
        return "declared"
    for folder, kind in (("methods", "method"), ("background", "background"),
                         ("foreground", "model"), ("scenarios", "scenario")):  # fmt: skip
        if folder in parts[:-1]:
            return kind
    return None


def stamp_schema_line(path: Path, schemas: Path) -> bool:
    """Make the first line of ``path`` point at its JSON Schema; False when already so."""
    kind = kind_of(path)
    if kind is None:
        return False
    target = Path(os.path.relpath(schemas / f"{kind}.schema.json", path.parent)).as_posix()
    line = f"{SCHEMA_LINE}{target}\n"
    text = path.read_text(encoding="utf-8")
    body = text.split("\n", 1)[1] if text.startswith(SCHEMA_LINE) else text
    if line + body == text:
        return False
    path.write_text(line + body, encoding="utf-8")
    return True
