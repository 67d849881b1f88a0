"""What a scenario file may contain, as pydantic models (the rules of ``schema``: unknown
fields are errors, types strict): an overlay on a product model, applied by ``scenarios``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .schema import (
    Code,
    InputSpec,
    Number,
    OptionValue,
    ParameterSpec,
    QuantitySpec,
    Strict,
    Text,
)


class SwapSpec(Strict):
    """Replace one background process by another wherever the model buys it (same unit)."""

    old: Text
    new: Text
    activities: list[str] | None = None  # only in these activities; all when omitted
    source: Text
    # values for the new process's parameters (see InputSpec.process_parameters)
    process_parameters: dict[Code, Text | QuantitySpec] = {}


class ChangeSpec(Strict):
    """Change one input of one activity: scale, replace or remove it, or set its process's
    parameters."""

    activity: Text
    input: Text
    scale: Number | None = Field(default=None, ge=0)
    replace: InputSpec | None = None
    remove: bool = False
    # new values for parameters of the bought background process, over those the input sets
    process_parameters: dict[Code, Text | QuantitySpec] = {}
    source: Text

    @model_validator(mode="after")
    def _one_change(self) -> ChangeSpec:
        given = [self.scale is not None, self.replace is not None, self.remove,
                 bool(self.process_parameters)]  # fmt: skip
        if sum(given) != 1:
            raise ValueError("give exactly one of scale, replace, remove or process_parameters")
        return self


class AddSpec(Strict):
    """A new input of an existing activity."""

    activity: Text
    add: InputSpec


class ScenarioFile(Strict):
    """An overlay on a product model: options, parameters, swapped processes, changed inputs."""

    scenario: Text
    model: Text
    name: Text
    kind: Literal["design", "method", "context"] = "design"  # improvement, accounting, setting
    description: str | None = None
    options: dict[str, OptionValue] = {}
    parameters: dict[str, ParameterSpec] = {}
    swaps: list[SwapSpec] = []
    changes: list[ChangeSpec] = []
    additions: list[AddSpec] = []
