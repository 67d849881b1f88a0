"""The one catalog of the report's and the figures' own words (cfp_lca/present/catalog.yaml):
every entry in every language, with the same placeholders, and Chinese that holds no Latin
word outside the report's allowlist (units, standards, formulas, command options)."""

from __future__ import annotations

import re
import string

import pytest
import yaml
from test_report_zh import ALLOWED, latin_words

from cfp_lca.present.i18n import CATALOG, FIGURE_TEXT, LANGS, TEXT, t

ENTRIES = {**{f"report {k}": v for k, v in TEXT.items()},
           **{f"figures {k}": v for k, v in FIGURE_TEXT.items()}}  # fmt: skip


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a text."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_every_entry_in_every_language_with_the_same_placeholders(key):
    texts = ENTRIES[key]
    assert len(texts) == len(LANGS)
    assert all(texts) or not any(texts), texts  # an empty header stays empty in every language
    assert placeholders(texts[0]) == placeholders(texts[1]), texts


def test_chinese_entries_hold_no_latin_word_outside_the_allowlist():
    found = {}
    for key, (_, zh) in ENTRIES.items():
        text = re.sub(r"\{[^}]*\}", " ", zh)  # placeholders
        text = re.sub(r"--[a-z-]+", " ", text)  # command options
        text = re.sub(r"\b(?:HFC|HCFC|CFC|PFC|R)-\d+[a-z]?\b", " ", text)  # gas designations
        words = latin_words(text) - ALLOWED
        if words:
            found[key] = words
    assert not found, found


def test_the_catalog_file_has_no_duplicate_key():
    """YAML keeps the last of two equal keys silently: the file must not hold any."""
    seen: dict[str, set] = {"report": set(), "figures": set()}
    section = None
    for line in CATALOG.read_text(encoding="utf-8").splitlines():
        if line in ("report:", "figures:"):
            section = line[:-1]
        elif line.startswith("  ") and section:
            key = yaml.safe_load(line.strip())
            (name,) = key
            assert name not in seen[section], f"{section}: {name} twice"
            seen[section].add(name)
    assert seen["report"] == set(TEXT) and seen["figures"] == set(FIGURE_TEXT)


def test_a_text_is_filled_in_its_language():
    assert t("table_n", "zh", n="11-1") == "表 11-1"
    assert t("table_n", "en", n="11-1") == "Table 11-1"
    with pytest.raises(ValueError, match="choose one of en, zh"):
        t("table_n", "fr")
