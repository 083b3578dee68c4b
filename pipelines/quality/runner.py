"""Validate a frame against a suite in an ephemeral GX context (no gx/ folder, no Data Docs)."""

from __future__ import annotations

from dataclasses import dataclass, field

import great_expectations as gx
import polars as pl
from great_expectations.data_context.types.base import ProgressBarsConfig


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    unexpected_count: int | None
    unexpected_sample: list = field(default_factory=list)


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    row_count: int
    outcomes: list[ExpectationOutcome]

    @property
    def success(self) -> bool:
        return all(outcome.success for outcome in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.success]


def validate_frame(frame: pl.DataFrame, suite: gx.ExpectationSuite) -> SuiteOutcome:
    """Run every expectation of ``suite`` on the whole frame."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("frames")
        .add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("whole_frame")
    )
    suite = context.suites.add(gx.ExpectationSuite(
        name=suite.name, expectations=[e.copy() for e in suite.expectations],
    ))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{suite.name}_validation", data=batch, suite=suite)
    )
    result = validation.run(
        batch_parameters={"dataframe": frame.to_pandas(use_pyarrow_extension_array=True)},
        result_format="SUMMARY",
    )
    outcomes = [
        ExpectationOutcome(
            expectation=item.expectation_config.type,
            column=item.expectation_config.kwargs.get("column"),
            success=bool(item.success),
            unexpected_count=item.result.get("unexpected_count"),
            unexpected_sample=[str(v) for v in item.result.get("partial_unexpected_list", [])[:5]],
        )
        for item in result.results
    ]
    return SuiteOutcome(suite.name, frame.height, outcomes)
