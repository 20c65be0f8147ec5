"""The numbers the page's charts draw, as JSON for the chart script (the tables show the same)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.services.reports.loop import WeekClosure
from app.services.reports.overview import Overview
from app.services.reports.scores import ScoreRow
from app.web.locale import local_name


def trend_rows(data: Overview) -> list[tuple[str, ScoreRow | None, WeekClosure | None]]:
    """(week, its scores, its cases' closure) for every week that has either."""
    scores = {row.key: row for row in data.weekly_scores}
    closure = {week.week: week for week in data.weekly_closure}
    return [(week, scores.get(week), closure.get(week)) for week in sorted(scores | closure)]


def chart_data(data: Overview) -> dict[str, Any]:
    """Series with translated names; None where a score is below the minimum sample (a gap)."""
    rows = trend_rows(data)
    weeks = [week for week, _scores, _closure in rows]
    scored = [step for step in data.journey if step.scores is not None]
    return {
        "trend": {
            "labels": weeks,
            "series": [
                {"label": _("NPS"), "data": [s and s.nps for _w, s, _c in rows], "axis": "score"},
                {
                    "label": _("Closure rate (%)"),
                    "data": [_percent(c and c.closure_rate) for _w, _s, c in rows],
                    "axis": "rate",
                },
            ],
        },
        "touchpoints": {
            "labels": [local_name(step.touchpoint) for step in scored],
            "series": [{"label": _("NPS"), "data": [step.scores.nps for step in scored]}],
        },
        "backlog": {
            "labels": [age_label(b.min_days, b.max_days) for b in data.backlog],
            "series": [{"label": _("Open cases"), "data": [b.cases for b in data.backlog]}],
        },
    }


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def age_label(min_days: int, max_days: int | None) -> str:
    if max_days is None:
        return _("over %(days)d days", days=min_days)
    return _("%(low)d–%(high)d days", low=min_days, high=max_days)
