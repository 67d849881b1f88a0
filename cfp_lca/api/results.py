"""The API's results: the calc object, its ``--json`` dict, its tables as DataFrames and the
text the command prints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from ..model.objects import ProductModel


def _frame(data: Any) -> pd.DataFrame:
    """A list of records, a mapping of records or a mapping of numbers as a DataFrame."""
    import pandas as pd

    if isinstance(data, list):
        return pd.DataFrame.from_records(data)
    if isinstance(data, Mapping) and data and all(isinstance(v, Mapping) for v in data.values()):
        return pd.DataFrame.from_dict(dict(data), orient="index")
    if isinstance(data, Mapping):
        return pd.DataFrame({"value": pd.Series(dict(data), dtype=float)})
    raise TypeError(f"not a table: {type(data).__name__}")


@dataclass(frozen=True)
class Result:
    """A computed result: ``raw`` (the calc object), ``to_dict()`` (what ``--json`` prints)
    and ``to_frame(table)`` (one of its tables as a pandas DataFrame)."""

    raw: Any
    model: ProductModel
    data: dict = field(repr=False)
    default_table: str = ""

    def to_dict(self) -> dict:
        """The result as plain JSON types, exactly the command's ``--json`` object."""
        return self.data

    def tables(self) -> list[str]:
        """Names of the entries that ``to_frame`` can turn into a DataFrame."""
        return [k for k, v in self.data.items() if is_table(v)]

    def to_frame(self, table: str | None = None) -> pd.DataFrame:
        """One table of the result (``tables()`` lists them) as a pandas DataFrame."""
        name = table or self.default_table
        if name not in self.data or not is_table(self.data[name]):
            raise KeyError(f"no table '{name}' (tables: {', '.join(self.tables())})")
        return _frame(self.data[name])

    def __getattr__(self, name: str) -> Any:
        """Attributes of the raw result (``total``, ``stages``, ``stats``...)."""
        if name.startswith("_") or name in ("raw", "model", "data", "default_table"):
            raise AttributeError(name)
        return getattr(self.raw, name)


def is_table(value: Any) -> bool:
    """Lists of records, mappings of records and mappings of numbers are tables."""
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, Mapping) for v in value)
    if not isinstance(value, Mapping) or not value:
        return False
    items = list(value.values())
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in items)
    return numbers or all(isinstance(v, Mapping) for v in items)


def check_coverage(model: ProductModel, coverage: Mapping | None) -> None:
    """Refuse a result whose method misses a greenhouse gas of the supply chain (--strict)."""
    from ..present.tables import coverage_text

    if coverage is not None and not coverage["complete"]:
        raise InputError(model.path, "--strict", coverage_text(coverage))


class LciaResult(Result):
    """Static LCIA: total, stages, gases, parts, activities, background processes.

    Example: ``model.lcia().to_frame()`` (stages), ``.to_frame("by_flow")`` (by gas).
    """

    def text(self, lang: str = "en") -> str:
        """The table the ``lcia`` command prints."""
        from ..present.tables import lcia_text

        return lcia_text(self.raw, self.model, lang, methods=self.data.get("methods"))

    def check_coverage(self) -> None:
        """An InputError when a greenhouse gas of the supply chain has no factor (--strict)."""
        check_coverage(self.model, self.data.get("coverage"))


class MonteCarloResult(Result):
    """Monte Carlo statistics of the total and each stage; ``samples()`` as a DataFrame."""

    def to_frame(self, table: str | None = None) -> pd.DataFrame:
        """Statistics (total first, then stages) by default; or another table by name."""
        if table is not None:
            return super().to_frame(table)
        return _frame({"total": self.data["total"], **self.data["stages"]})

    def samples(self) -> pd.DataFrame:
        """The sampled totals and stages, one row per iteration (when samples were kept)."""
        import pandas as pd

        if self.raw.samples is None:
            raise ValueError("the samples were not kept")
        return pd.DataFrame(self.raw.samples.T, columns=list(self.raw.labels))

    def text(self, lang: str = "en") -> str:
        """The table the ``mc`` command prints (and the coverage line of a linked model)."""
        from ..present.tables import coverage_text
        from ..present.uncertainty_tables import mc_text

        text = mc_text(self.raw, self.model, lang)
        if "coverage" in self.data:
            text += "\n" + coverage_text(self.data["coverage"])
        return text

    def check_coverage(self) -> None:
        """An InputError when a greenhouse gas of the supply chain has no factor (--strict)."""
        check_coverage(self.model, self.data.get("coverage"))


class SensitivityResult(Result):
    """Spearman ranks, Sobol indices, elasticities and tornado of a model's total."""

    def text(self, lang: str = "en") -> str:
        """The table the ``gsa`` command prints."""
        from ..present.uncertainty_tables import gsa_text

        return gsa_text(self.data)


class ComparisonResult(Result):
    """Scenarios under paired Monte Carlo, each against the baseline of its boundary."""

    def to_frame(self, table: str | None = None) -> pd.DataFrame:
        """One row per scenario (all boundary groups), or another table by name."""
        if table is not None:
            return super().to_frame(table)
        import pandas as pd

        rows = [{"group": g["label"], **row} for g in self.data["groups"] for row in g["scenarios"]]
        return pd.DataFrame.from_records(rows)

    def text(self, lang: str = "en") -> str:
        """The table the ``compare`` command prints."""
        from ..present.compare_tables import compare_text

        return compare_text(self.data)


class AuditResult(Result):
    """Every declared figure of a study, recomputed."""

    def text(self, lang: str = "en") -> str:
        """The text the ``audit`` command prints."""
        from ..present.tables import audit_text

        return audit_text(self.raw)


class TreeResult(Result):
    """The supply tree: one row per branch, with its parent, score, share and amount."""

    def text(self, lang: str = "en") -> str:
        """The tree the ``tree`` command prints."""
        from ..present.tree_text import tree_text

        return tree_text(self.data)
