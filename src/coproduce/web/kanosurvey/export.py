"""The results as CSV, in the columns ``coproduce kano analyse`` writes.

The table is built by the CLI's own :func:`coproduce.commands.kano.result_frame`, so the web
export and the command give the same file for the same responses, except for suppression
(DESIGN.md; docs/adr/0023): rows of fewer than five respondents are left out, and so are the
rows hidden to protect them (complementary suppression: otherwise the ``all`` row minus the
shown segments would give a hidden segment's numbers). The command itself is not suppressed:
it runs on the analyst's own file.

``by`` chooses the segments: the constituencies (default), or the answers to one of the
survey's optional equality questions. Equality answers are never exported row by row.
"""

from __future__ import annotations

from coproduce import kano
from coproduce.commands.kano import OUTPUT_COLUMNS, result_frame
from coproduce.kano import KanoAnalysis

from . import selectors
from .models import KanoSurvey


def shown_analysis(analysis: KanoAnalysis) -> KanoAnalysis:
    """The analysis without hidden results (small segments and those protecting them)."""
    return kano.shown_analysis(analysis, segments=selectors.ordered_segments(analysis.segments))


def _empty(survey: KanoSurvey) -> str:
    columns = [c for c in OUTPUT_COLUMNS if c != "importance_mean" or survey.ask_importance]
    return ",".join(columns) + "\n"


def results_csv_text(survey: KanoSurvey, *, by: str = "") -> str:
    """The CSV of the survey's results, segmented by constituency or by equality question
    ``by`` (which must be one the survey asks: else ``ValueError``)."""
    if by and by not in survey.equality_questions:
        raise ValueError(f"the survey does not ask the equality question {by!r}")
    if by:
        found = selectors.equality_analysis(survey, by)
        if found is None:
            return _empty(survey)
        analysis, order = found
        shown = kano.shown_analysis(analysis, segments=order)
    else:
        whole = selectors.analysis_of(survey)
        if whole is None:
            return _empty(survey)
        analysis, shown = whole, shown_analysis(whole)
    importance = survey.ask_importance or any(r.importance_n for r in analysis.results)
    return result_frame(shown, importance=importance).write_csv()
