"""A product model with some of its options changed: the catalog's own model where none
changes (nothing else is imported then), else the model file read again with them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .objects import Catalog, ProductModel


def model_variant(catalog: Catalog, name: str, options: Mapping[str, Any]) -> ProductModel:
    """The model ``name`` with some options changed, checked like the default (matrix too)."""
    base = catalog.models[name]
    if not options or all(base.options.get(k) == v for k, v in options.items()):
        return base
    from .assembly import load_model

    model = load_model(
        base.path, catalog.biosphere, catalog.flows, catalog.methods, catalog.backgrounds, options
    )
    return replace(model, declared=base.declared, declared_path=base.declared_path)
