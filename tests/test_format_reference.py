"""The format reference and JSON Schemas are generated from the schema and committed up to date;
every key of every shipped data file is documented in them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from cfp_lca.model.loading import load_catalog
from cfp_lca.model.reading import read_yaml
from cfp_lca.model.reference import (
    KINDS,
    SCHEMA_LINE,
    example,
    kind_of,
    reference_files,
    stamp_schema_line,
    write_reference,
)
from conftest import DATA, REPO

DOCS = REPO / "docs"
SHIPPED = sorted([*DATA.rglob("*.yaml"), *(REPO / "scenarios").rglob("*.yaml")])


def test_committed_reference_is_what_the_schema_gives(tmp_path):
    """Regenerated into a temporary folder, every file equals the committed copy."""
    written = write_reference(tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written} == set(reference_files())
    for path in written:
        committed = DOCS / path.relative_to(tmp_path)
        assert committed.is_file(), f"{committed} missing: run `cfp-lca schema --out docs`"
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{committed} is stale: run `cfp-lca schema --out docs`"
        )


def _resolve(node: dict, root: dict) -> dict:
    """A schema node with its $ref followed."""
    while "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _keys(data, node: dict, root: dict, out: set[tuple[str, str]]) -> None:
    """(class title, key) of every key of ``data`` that the schema names as a property."""
    node = _resolve(node, root)
    options = node.get("anyOf", [node])
    for option in options:
        option = _resolve(option, root)
        if isinstance(data, dict) and "properties" in option:
            for key, value in data.items():
                assert key in option["properties"], f"{key} not in {option.get('title')}"
                out.add((option["title"], key))
                _keys(value, option["properties"][key], root, out)
            return
        if isinstance(data, dict) and isinstance(option.get("additionalProperties"), dict):
            for value in data.values():
                _keys(value, option["additionalProperties"], root, out)
            return
        if isinstance(data, list) and "items" in option:
            for item in data:
                _keys(item, option["items"], root, out)
            return


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO)))
def test_every_key_of_a_shipped_file_is_documented(path):
    """Each key appears in the JSON Schema of its kind and in that class's Markdown table."""
    kind = kind_of(path.relative_to(REPO))
    assert kind is not None, f"{path}: no file kind"
    schema = json.loads((DOCS / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    used: set[tuple[str, str]] = set()
    _keys(read_yaml(path), schema, schema, used)
    assert used
    text = (DOCS / "model-format.md").read_text(encoding="utf-8")
    sections = {part.split("\n", 1)[0]: part for part in text.split("\n### ")[1:]}
    for title, key in used:
        assert f"| `{key}` |" in sections[title], f"{key} of {title} not in model-format.md"


@pytest.mark.parametrize("kind", list(KINDS))
def test_examples_are_valid(kind):
    """The example of each file kind, shown in the reference, passes its schema."""
    KINDS[kind][0].model_validate(yaml.safe_load(example(kind)))


def test_schema_lines_are_stamped_once_and_loaded(tmp_path, catalog):
    """Stamping adds one first line to a file without it, a second run changes nothing (the
    shipped files are stamped already), and the loader reads the stamped files as before."""
    data = tmp_path / "databases"
    shutil.copytree(DATA, data)
    files = sorted(data.rglob("*.yaml"))
    flows_file = data / "flows.yaml"
    text = flows_file.read_text(encoding="utf-8")
    flows_file.write_text(text.split("\n", 1)[1] if text.startswith(SCHEMA_LINE) else text)
    assert stamp_schema_line(flows_file, tmp_path / "docs" / "schemas")
    for p in files:
        stamp_schema_line(p, tmp_path / "docs" / "schemas")
    assert not any(stamp_schema_line(p, tmp_path / "docs" / "schemas") for p in files)
    flows = (data / "flows.yaml").read_text(encoding="utf-8").splitlines()
    assert flows[0] == f"{SCHEMA_LINE}../docs/schemas/flows.schema.json"
    assert flows.count(flows[0]) == 1
    assert sorted(load_catalog(data).models) == sorted(catalog.models)


def test_kind_of_data_files():
    """File kinds by name and folder."""
    assert kind_of(Path("databases/foreground/x.declared.yaml")) == "declared"
    assert kind_of(Path("databases/foreground/x.yaml")) == "model"
    assert kind_of(Path("scenarios/x/y.yaml")) == "scenario"
    assert kind_of(Path("databases/methods/m.yaml")) == "method"
    assert kind_of(Path("databases/library.yaml")) == "library"
