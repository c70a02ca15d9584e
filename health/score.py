"""The account health score (客户经营健康度): pure arithmetic, no database.

Six measures, each scored 0-100 (None = no data). The weights of the measures
that have data are renormalised to 100 %; with fewer than MIN_MEASURES measures
with data the client shows "not enough data" instead of a number.
`health.selectors` gathers the facts; this module only turns them into a score.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MIN_MEASURES = 3
GREEN_FROM = 76  # >= 76 green
RED_UPTO = 50  # <= 50 red; 51-75 amber

GREEN, AMBER, RED, UNKNOWN = "green", "amber", "red", "unknown"

# The measures in the order they are explained; the keys of the weights.
MEASURES = ("plan", "checkin", "rehearsed", "first_round", "overdue", "actions")

DEFAULT_WEIGHTS = {
    "plan": 15,
    "checkin": 15,
    "rehearsed": 15,
    "first_round": 20,
    "overdue": 20,
    "actions": 15,
}


def plan_points(status: str | None) -> int:
    """This year's plan: approved 100, in review 50, none (or a draft) 0."""
    return {"approved": 100, "submitted": 50}.get(status or "", 0)


def checkin_points(days_since: int | None, cadence_days: int) -> int | None:
    """Days since the last check-in against the cadence: <=1x 100, <=2x 60, <=3x 30, else 0."""
    if days_since is None:
        return None
    cadence = max(cadence_days, 1)
    for multiple, points in ((1, 100), (2, 60), (3, 30)):
        if days_since <= multiple * cadence:
            return points
    return 0


def overdue_points(worst_days: int | None) -> int:
    """Worst overdue receivable: none 100, 1-30 days 70, 31-60 40, 61-90 15, > 90 0."""
    if not worst_days or worst_days <= 0:
        return 100
    for upto, points in ((30, 70), (60, 40), (90, 15)):
        if worst_days <= upto:
            return points
    return 0


def share_points(part: int, whole: int) -> Decimal | None:
    """part of whole in per cent; None when there is nothing to count."""
    if not whole:
        return None
    return Decimal(100) * part / whole


def band_for(score: int | None) -> str:
    if score is None:
        return UNKNOWN
    if score >= GREEN_FROM:
        return GREEN
    if score <= RED_UPTO:
        return RED
    return AMBER


@dataclass
class Line:
    """One measure's explanation: what it is, its points, and how to fix it."""

    measure: str
    text: str
    points: Decimal | int | None
    weight: int
    fix_label: str = ""
    fix_url: str = ""


@dataclass
class Health:
    score: int | None
    band: str
    lines: list = field(default_factory=list)
    measured: int = 0

    @property
    def enough_data(self) -> bool:
        return self.score is not None


def combine(points: dict, weights: dict) -> tuple[int | None, int]:
    """(score, measures with data): the weighted mean over measures with data.

    Weights renormalise over those measures; fewer than MIN_MEASURES -> None.
    Rounded half up to a whole number.
    """
    present = {k: Decimal(v) for k, v in points.items() if v is not None and weights.get(k)}
    if len(present) < MIN_MEASURES:
        return None, len(present)
    total_weight = sum(Decimal(weights[k]) for k in present)
    value = sum(present[k] * weights[k] for k in present) / total_weight
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)), len(present)
