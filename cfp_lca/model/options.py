"""A product model's options (switches such as the end-of-life approach): the values chosen,
the ``when`` conditions that keep or drop entries, and the database each variant is written to."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError, printable
from .schema import ModelFile
from .validation import describe


def choose_options(path: Path, spec: ModelFile, given: Mapping[str, Any]) -> dict:
    """The model's option values: defaults overridden by ``given``, each checked."""
    chosen = {name: o.default for name, o in spec.options.items()}
    for name, value in given.items():
        if name not in spec.options:
            known = ", ".join(spec.options) or "none"
            raise InputError(
                path, "options", f"unknown option '{printable(name)}' (options: {known})"
            )
        choices = spec.options[name].choices
        match = [c for c in choices if c == value or str(c).lower() == str(value).lower()]
        if not match:
            raise InputError(
                path, f"options > {name}", f"'{printable(str(value))}' is not one of {choices}"
            )
        chosen[name] = match[0]
    return chosen


def check_when(path: Path, spec: ModelFile) -> None:
    """Every ``when`` names an option and its choices: a typo would drop an entry silently."""
    for i, a in enumerate(spec.activities):
        entry = f"activities[{i}] '{a.code}'"
        _check_condition(path, entry, a.when, spec)
        for kind, items in (("inputs", a.inputs), ("emissions", a.emissions)):
            for j, x in enumerate(items):
                name = x.input if kind == "inputs" else x.flow
                _check_condition(path, f"{entry} > {kind}[{j}] '{name}'", x.when, spec)
        for j, rule in enumerate(a.allocation):
            _check_condition(path, f"{entry} > allocation[{j}]", rule.when, spec)


def _check_condition(path: Path, entry: str, when: Mapping | None, spec: ModelFile) -> None:
    """One ``when``: known options, values among their choices."""
    for name, wanted in (when or {}).items():
        if name not in spec.options:
            known = ", ".join(spec.options) or "none"
            raise InputError(
                path, entry, f"'when' names unknown option '{printable(name)}' (options: {known})"
            )
        choices = spec.options[name].choices
        for value in wanted if isinstance(wanted, list) else [wanted]:
            if value not in choices:
                shown = ", ".join(_choice(c) for c in choices)
                raise InputError(
                    path,
                    entry,
                    f"'when': {_choice(value)} is not a choice of option '{name}' ({shown})",
                )


def _choice(value: Any) -> str:
    """An option value as the file writes it: true/false bare, texts quoted."""
    return describe(value) if isinstance(value, bool) else f"'{printable(str(value))}'"


def holds(path: Path, entry: str, when: Mapping | None, chosen: Mapping[str, Any]) -> bool:
    """Whether a ``when`` condition holds for the chosen options."""
    for name, wanted in (when or {}).items():
        if name not in chosen:
            raise InputError(path, entry, f"'when' names unknown option '{printable(name)}'")
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if chosen[name] not in allowed:
            return False
    return True


def variant_database(database: str, chosen: Mapping[str, Any], spec: ModelFile) -> str:
    """The default variant keeps the model's database name; others get the choices appended."""
    changed = [f"{k}={v}" for k, v in chosen.items() if v != spec.options[k].default]
    return f"{database}[{','.join(changed)}]" if changed else database
