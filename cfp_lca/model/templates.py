"""``cfp-lca new``: a minimal valid model, its baseline scenario and a README, from templates."""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from ..errors import InputError

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def check_name(name: str) -> None:
    """A model name: letters, digits, - and _, starting with a letter or digit."""
    if not NAME.fullmatch(name):
        raise InputError(None, "NAME", f"'{name}' is not a model name: use letters, digits, "
                         "- and _, starting with a letter or digit")  # fmt: skip


def new_model_files(name: str, folder: Path, model_text: str | None = None) -> dict[Path, str]:
    """The files ``new`` writes for model ``name`` in ``folder``, with their text (the model's
    given as ``model_text``, e.g. read from a data-collection workbook)."""
    check_name(name)
    fill = {"name": name}
    texts = {
        folder / f"{name}.yaml": "model.yaml",
        folder / "scenarios" / name / "baseline.yaml": "baseline.yaml",
        folder / "README.md": "README.md",
    }
    files = {
        path: Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(fill)
        for path, template in texts.items()
    }
    if model_text is not None:
        files[folder / f"{name}.yaml"] = model_text
    return files


def write_new_model(name: str, folder: Path, model_text: str | None = None) -> list[Path]:
    """Write the files of a new model; refuses (writing nothing) if any of them exists."""
    files = new_model_files(name, Path(folder), model_text)
    taken = [str(p) for p in files if p.exists() or p.is_symlink()]
    if taken:
        raise InputError(taken[0], None, "exists already: cfp-lca new never overwrites a file "
                         "(choose another name or folder)")  # fmt: skip
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
