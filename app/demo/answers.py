"""What a demo customer answers: a score that fits the touchpoint's mood, and the rest of the
survey in agreement with it (the detractors' reasons, consent, their own words)."""

from __future__ import annotations

import random
from typing import Any

from app.demo.catalogue import NPS, DemoTouchpoint
from app.demo.comments import comments

WHAT_WENT_WRONG = {
    "accounts": ["process", "fees", "waiting_time", "staff"],
    "cards": ["process", "fees", "digital"],
    "digital": ["digital", "process"],
    "branch": ["waiting_time", "staff", "process"],
    "loans": ["process", "fees", "waiting_time"],
}
SAYS_SOMETHING = {"detractor": 0.85, "passive": 0.45, "promoter": 0.55}
# Follow-up answers when it was not put right, in the customer's language.
STILL_WRONG = {
    "en": [
        "The fee was refunded, but the same thing happened again this month.",
        "Nobody called me; I only got a letter.",
        "The money is still not back in my account.",
        "I was promised a written explanation and never got it.",
    ],
    "zh-CN": [
        "退款还没有到账。",
        "说好会回电，但一直没有人联系我。",
        "同样的问题这个月又出现了。",
        "只是口头道歉，问题并没有真正解决。",
    ],
}


def score(rng: random.Random, touchpoint: DemoTouchpoint, progress: float) -> int:
    """0-10 around the touchpoint's mood, a little better as the programme matures (0 to 1)."""
    return max(0, min(10, round(rng.gauss(touchpoint.mood + 0.5 * progress, 2.3))))


def band(value: int) -> str:
    return "promoter" if value >= 9 else "passive" if value >= 7 else "detractor"


def touchpoint_answers(
    rng: random.Random, touchpoint: DemoTouchpoint, value: int, language: str
) -> dict[str, Any]:
    """Answers to the touchpoint's survey (NPS, or CSAT with effort) that agree with `value`."""
    mood = band(value)
    said = (
        comments().pick(rng, touchpoint.topic, mood, language)
        if rng.random() < SAYS_SOMETHING[mood]
        else ""
    )
    unhappy = mood == "detractor"
    if touchpoint.survey == NPS:
        answers: dict[str, Any] = {"nps": value}
        if unhappy:
            reasons = WHAT_WENT_WRONG[touchpoint.topic]
            answers["what_went_wrong"] = rng.sample(reasons, rng.randint(1, 2))
            answers["consent"] = rng.random() < 0.88
        return answers | ({"comment": said} if said else {})
    csat = max(1, min(5, round(value / 2)))
    answers = {
        "csat": csat,
        "ces": max(1, min(7, round(value * 0.6) + 1)),
        "resolved": not unhappy,
        "agent_rating": max(1, csat - rng.randint(0, 1)),
    }
    if unhappy:
        answers["channel_wanted"] = rng.choice(["phone", "email", "branch"])
    if csat <= 2:
        answers["consent"] = rng.random() < 0.88
    return answers | ({"comment": said} if said else {})


def followup_answers(rng: random.Random, resolved: bool, language: str) -> dict[str, Any]:
    """Was it put right? Yes with a good score (a rescue), or no and what is still wrong."""
    if resolved:
        return {"resolved": True, "csat": rng.choices([3, 4, 5], weights=[1, 4, 5])[0]}
    return {
        "resolved": False,
        "csat": rng.choice([1, 2]),
        "comment": rng.choice(STILL_WRONG[language]),
    }
