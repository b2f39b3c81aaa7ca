"""Participation: who took part, how deeply, what changed because of them, and who is missing.

The calculations behind the participation pages, pure and tested on worked examples:

* :mod:`~.ladders`: the TLAP and Arnstein ladders, service phases, roles, activity kinds,
  Tuckman stages, nef's principles and Sharma et al.'s capabilities (DOMAIN.md §1);
* :mod:`~.suppression`: no aggregate shows a count of people under 5 (DESIGN.md);
* :mod:`~.profile` and :mod:`~.flags`: the co-production profile of a project and the flags
  (consultation called co-production, tokenism, decisions without patients or carers, no
  feedback, the same few voices);
* :mod:`~.equity`: representation ratios with Wilson intervals, Core20 (DOMAIN.md §1.7);
* :mod:`~.self_efficacy`: the confidence check-in and support;
* :mod:`~.payments` and :mod:`~.validation`: payments, expense claims, input checks;
* :mod:`~.team`: Tuckman pulses and nef / Sharma self-assessments over time;
* :mod:`~.gripp2`: a draft GRIPP2-SF report (DOMAIN.md §1.8).

See docs/adr/0009-participation-measures.md for the design choices. No Django, no I/O.
"""

from coproduce.participation.equity import EquityReport, core20_ratio, equity_ratios
from coproduce.participation.flags import Flag, FlagCode, Severity
from coproduce.participation.gripp2 import Gripp2Report, draft_report
from coproduce.participation.ladders import LIVED_EXPERIENCE, ActivityKind, Role, Rung
from coproduce.participation.profile import Profile, coproduction_profile
from coproduce.participation.suppression import THRESHOLD, SuppressedCount, suppress
from coproduce.participation.validation import ParticipationInputError

__all__ = [
    "LIVED_EXPERIENCE",
    "THRESHOLD",
    "ActivityKind",
    "EquityReport",
    "Flag",
    "FlagCode",
    "Gripp2Report",
    "ParticipationInputError",
    "Profile",
    "Role",
    "Rung",
    "Severity",
    "SuppressedCount",
    "coproduction_profile",
    "core20_ratio",
    "draft_report",
    "equity_ratios",
    "suppress",
]
