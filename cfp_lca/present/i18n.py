"""Every word of the study report and its figures that does not come from the model data, in
English and Chinese, read from one catalog (``catalog.yaml``, one entry per key).

Texts from the data are given as a string or ``{en: ..., zh: ...}``; :func:`data_text` picks the
language, and a text the data gives in English only is quoted verbatim (as code) in the Chinese
report rather than left as untranslated prose. Clause numbers refer to ISO 14067:2018, of which
GB/T 24067-2024 is the identical Chinese adoption.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

LANGS = ("en", "zh")

CATALOG = Path(__file__).with_name("catalog.yaml")


def _catalog() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The report's and the figures' texts from the one catalog file, by key."""
    with open(CATALOG, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return ({k: tuple(v) for k, v in data["report"].items()},
            {k: tuple(v) for k, v in data["figures"].items()})  # fmt: skip


#: every word of the report and of its figures, key -> (English, Chinese): catalog.yaml
TEXT, FIGURE_TEXT = _catalog()


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
    return names.get(text) or label(text, lang, translations)


_UNIT_WORDS = {"microohm": "µΩ", "percent": "%"}  # pint names a table shows as symbols
_POWERS = {"**2": "²", "**3": "³"}


def unit_text(unit: str, lang: str) -> str:
    """A unit as pint writes it in the data ("g/m**2", "h/year", "microohm") as a table shows
    it ("g/m²", "h/年", "µΩ"): powers as superscripts, products with a dot, unit words as
    symbols, and in Chinese the words the catalog gives (``unit_<word>``)."""
    if unit.strip() in ("", "dimensionless"):
        return t("unit_dimensionless", lang)
    text = unit
    for power, sign in _POWERS.items():
        text = text.replace(power, sign)
    text = text.replace("*", "·")

    def word(match: re.Match) -> str:
        w = match.group(0)
        if w in _UNIT_WORDS:
            return _UNIT_WORDS[w]
        return t(f"unit_{w}", lang) if f"unit_{w}" in TEXT else w

    return re.sub(r"[A-Za-z]+", word, text)
