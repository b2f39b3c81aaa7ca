"""The results as CSV, in the columns ``coproduce kano analyse`` writes.

The table is built by the CLI's own :func:`coproduce.commands.kano.result_frame`, so the web
export and the command give the same file for the same responses, except that rows of
fewer than five respondents are left out (small-number suppression, DESIGN.md).
"""

from __future__ import annotations

from coproduce.commands.kano import result_frame
from coproduce.kano import KanoAnalysis
from coproduce.participation.suppression import THRESHOLD

from . import selectors
from .models import KanoSurvey


def shown_analysis(analysis: KanoAnalysis) -> KanoAnalysis:
    """The analysis without the results of fewer than :data:`THRESHOLD` respondents."""
    return KanoAnalysis(
        tuple(r for r in analysis.results if r.n >= THRESHOLD),
        analysis.attributes,
        analysis.segments,
        analysis.options,
    )


def results_csv_text(survey: KanoSurvey) -> str:
    analysis = selectors.analysis_of(survey)
    if analysis is None:
        from coproduce.commands.kano import OUTPUT_COLUMNS

        columns = [c for c in OUTPUT_COLUMNS if c != "importance_mean" or survey.ask_importance]
        return ",".join(columns) + "\n"
    importance = survey.ask_importance or any(r.importance_n for r in analysis.results)
    return result_frame(shown_analysis(analysis), importance=importance).write_csv()
