"""The demo bank as it is set up: its profile, departments and touchpoints, and how busy each
touchpoint is, how often its customers answer and how they tend to feel."""

from __future__ import annotations

from typing import NamedTuple

PROFILE = {
    "name": "Jade Harbour Bank",
    "name_zh": "翠港银行",
    "colour": "#0f6b5c",  # jade; white text reads on it and it reads as a link on white
    "timezone": "Asia/Shanghai",
    "languages": ["zh-CN", "en"],
}
DEPARTMENTS = [
    ("retail_branches", "Retail branches", "零售网点"),
    ("loans", "Loans", "贷款部"),
    ("cards", "Cards", "信用卡中心"),
    ("call_centre", "Call centre", "客服中心"),
    ("digital_banking", "Digital banking", "数字银行部"),
    ("complaints", "Complaints", "投诉管理部"),
]
NPS, CSAT = "touchpoint_nps", "service_csat"
BRANCHES = ["Central", "Harbour City", "Riverside", "Airport"]


class DemoTouchpoint(NamedTuple):
    code: str
    name: str
    name_zh: str
    journey_stage: str
    journey_order: int
    department: str
    delay_minutes: int
    topic: str  # which comments fit it (app/demo/comments.py)
    survey: str
    daily: float  # events on a weekday, once the programme is fully rolled out
    answer_rate: float  # the share of customers asked who answer
    mood: float  # the mean score (0-10) its customers give
    hours: tuple[int, int]  # the local hours its events happen in
    weekend: float = 1.0  # weekend volume against a weekday's
    priority: int = 50
    send_at_local_time: str | None = None
    sampling_rate: float = 1.0
    overrides_fatigue: bool = False


# fmt: off
TOUCHPOINTS = [
    DemoTouchpoint("account_opening", "Account opening", "开户", "onboarding", 1,
                   "retail_branches", 60, "accounts", NPS, 9, 0.32, 8.0, (9, 17),
                   weekend=0.5, priority=60),
    DemoTouchpoint("card_activation", "Card activation", "卡片激活", "onboarding", 2,
                   "cards", 30, "cards", NPS, 9, 0.27, 7.9, (8, 22), priority=40),
    DemoTouchpoint("mobile_app", "Mobile app", "手机银行", "everyday_banking", 3,
                   "digital_banking", 0, "digital", NPS, 22, 0.27, 8.4, (7, 23),
                   priority=20, sampling_rate=0.5),
    DemoTouchpoint("branch_visit", "Branch visit", "网点到访", "everyday_banking", 4,
                   "retail_branches", 120, "branch", NPS, 11, 0.32, 7.7, (9, 17),
                   weekend=0.4, priority=30),
    DemoTouchpoint("call_centre", "Call-centre call", "客服来电", "service", 5,
                   "call_centre", 30, "service", CSAT, 8, 0.34, 7.4, (8, 21),
                   weekend=0.7, priority=70),
    DemoTouchpoint("loan_approval", "Loan approval", "贷款审批", "borrowing", 6,
                   "loans", 60, "loans", NPS, 8, 0.38, 7.1, (9, 18), weekend=0.2,
                   priority=80, send_at_local_time="09:30"),
    DemoTouchpoint("complaint_resolution", "Complaint resolution", "投诉处理", "service", 7,
                   "complaints", 60, "complaints", CSAT, 6, 0.44, 6.8, (9, 18),
                   weekend=0.3, priority=90, overrides_fatigue=True),
]
# fmt: on
BY_CODE = {touchpoint.code: touchpoint for touchpoint in TOUCHPOINTS}
