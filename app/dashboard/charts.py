"""The numbers the page's charts draw, as JSON for the chart script (the tables show the same).

A score on fewer answers than the minimum sample is drawn, faded and hatched, with "too few to
judge" beside it, rather than left out: a chart with one bar and an empty line says less than
one that shows how little is known. Every word a chart shows comes from here, translated.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.services.reports.loop import AgeBucket, WeekClosure
from app.services.reports.overview import Overview
from app.services.reports.scores import ScoreRow
from app.web.locale import local_name


def trend_rows(data: Overview) -> list[tuple[str, ScoreRow | None, WeekClosure | None]]:
    """(week, its scores, its cases' closure) for every week that has either."""
    scores = {row.key: row for row in data.weekly_scores}
    closure = {week.week: week for week in data.weekly_closure}
    return [(week, scores.get(week), closure.get(week)) for week in sorted(scores | closure)]


def sample_note(n: int, enough: bool) -> str:
    """How many answers a score stands on, and whether that is enough to judge by."""
    if not n:
        return _("no answers")
    return _("n=%(n)d", n=n) if enough else _("n=%(n)d, too few to judge", n=n)


def chart_data(data: Overview, *, min_sample: int) -> dict[str, Any]:
    """Each chart's labels, values, whether each value stands on enough answers, and notes."""
    rows = trend_rows(data)
    too_few = _("Fewer than %(min)d answers: too few to judge", min=min_sample)
    asked = [step for step in data.journey if step.scores is not None and step.scores.nps_n]
    weeks = {
        "labels": [week[5:] for week, _s, _c in rows],  # MM-DD: the year is in the title
        "titles": [_("Week of %(day)s", day=week) for week, _s, _c in rows],
    }
    return {
        "journey": {  # the touchpoints with NPS answers (a CSAT survey's have none)
            "name": _("NPS"),
            "tooFew": too_few,
            "labels": [local_name(step.touchpoint) for step in asked],
            **_scores([step.scores for step in asked]),
            "weakest": [step.weakest for step in asked],
            "weakestName": _("The weakest touchpoint"),
        },
        "npsTrend": {
            "name": _("NPS"),
            "tooFew": too_few,
            **weeks,
            **_scores([scores for _w, scores, _c in rows]),
        },
        "closureTrend": {
            "name": _("Closure rate (%)"),
            **weeks,
            "values": [_percent(c and c.closure_rate) for _w, _s, c in rows],
            "notes": [_closed_note(c) for _w, _s, c in rows],
        },
        "backlog": {
            "name": _("Open cases"),
            "labels": [age_label(bucket) for bucket in data.backlog],
            "values": [bucket.cases for bucket in data.backlog],
        },
    }


def _scores(rows: list[ScoreRow | None]) -> dict[str, list[Any]]:
    """NPS values whatever the sample, with `enough` saying which may be judged by."""
    return {
        "values": [row and row.nps_raw for row in rows],
        "enough": [row is not None and row.nps is not None for row in rows],
        "notes": [
            sample_note(row.nps_n if row else 0, row is not None and row.nps is not None)
            for row in rows
        ],
    }


def _closed_note(week: WeekClosure | None) -> str:
    if week is None:
        return _("no cases opened")
    closed, total = week.cases_closed, week.cases_total
    return _("%(closed)d of %(total)d cases closed", closed=closed, total=total)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def age_label(bucket: AgeBucket) -> str:
    if bucket.max_days is None:
        return _("over %(days)d days", days=bucket.min_days)
    return _("%(low)d–%(high)d days", low=bucket.min_days, high=bucket.max_days)
