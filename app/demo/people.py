"""The demo bank's people: its customers, spread over the time zones they live in, and its staff.

Most customers live in Shanghai, where the bank is; some live in London or Vancouver. Quiet
hours (21:00-08:00 by default) are the customer's own, so at any hour of the day some of them
may be asked: London's day covers Shanghai's night, and Vancouver's covers London's.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from app.services.distribution.events import CustomerIn

SHANGHAI, LONDON, VANCOUVER, HONG_KONG = (
    "Asia/Shanghai",
    "Europe/London",
    "America/Vancouver",
    "Asia/Hong_Kong",
)
# Where customers live, by the language they read: (zone, weight).
ZONES = {
    "zh_CN": [(SHANGHAI, 90), (VANCOUVER, 6), (LONDON, 4)],
    "en": [(SHANGHAI, 45), (HONG_KONG, 15), (LONDON, 20), (VANCOUVER, 20)],
}
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林高罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "丽", "强", "婷"]
FIRST = "Alex Mary Peter Grace David Emily James Sophie Daniel Chloe Tom Hannah Ryan Amy".split()
FAMILY = "Chan Wong Lee Ho Lam Tse Smith Brown Taylor Walker Clarke Evans Patel Ng Fraser".split()


def bank_customers(count: int) -> list[CustomerIn]:
    """The bank's customers, the same each time: six in ten read Chinese; one in ten is a VIP."""
    rng = random.Random(count)
    return [_customer(rng, index) for index in range(count)]


def _customer(rng: random.Random, index: int) -> CustomerIn:
    locale = "zh_CN" if rng.random() < 0.6 else "en"
    zones, weights = zip(*ZONES[locale], strict=True)
    return CustomerIn(
        external_id=f"DEMO{index:05d}",
        email=f"customer{index:05d}@demo.invalid",
        name=_name(rng, locale),
        locale=locale,
        segment=rng.choices(["mass", "private", "vip"], weights=[70, 20, 10])[0],
        timezone=rng.choices(zones, weights=weights)[0],
    )


def _name(rng: random.Random, locale: str) -> str:
    if locale == "zh_CN":
        return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))
    return f"{rng.choice(FIRST)} {rng.choice(FAMILY)}"


# Today's newcomers, whose first surveys are due as the demo starts: two in each zone, so at any
# hour one pair is awake. (external id, name, language, zone, touchpoint)
NEWCOMERS = [
    ("DEMO-NEW-1", "周晓明", "zh_CN", SHANGHAI, "account_opening"),
    ("DEMO-NEW-2", "Hannah Clarke", "en", SHANGHAI, "branch_visit"),
    ("DEMO-NEW-3", "Oliver Grant", "en", LONDON, "account_opening"),
    ("DEMO-NEW-4", "林佳慧", "zh_CN", LONDON, "card_activation"),
    ("DEMO-NEW-5", "Maya Singh", "en", VANCOUVER, "call_centre"),
    ("DEMO-NEW-6", "陈思远", "zh_CN", VANCOUVER, "branch_visit"),
]


def newcomers() -> list[tuple[CustomerIn, str]]:
    """Today's newcomers, each with the touchpoint they just passed."""
    return [
        (
            CustomerIn(
                external_id=external_id,
                email=f"{external_id.lower()}@demo.invalid",
                name=name,
                locale=locale,
                segment="mass",
                timezone=zone,
            ),
            touchpoint,
        )
        for external_id, name, locale, zone, touchpoint in NEWCOMERS
    ]


class Colleague(NamedTuple):
    email: str
    name: str
    locale: str


# Each department's staff; the first of each is its head and has a printed demo login.
TEAMS = """
retail_branches | retail.branches@demo.bank | Zhou Min   | en
retail_branches | li.hua@demo.bank          | 李华       | zh_CN
retail_branches | grace.ho@demo.bank        | Grace Ho   | en
loans           | loans@demo.bank           | Chen Gang  | en
loans           | wu.lei@demo.bank          | 吴磊       | zh_CN
loans           | emily.tse@demo.bank       | Emily Tse  | en
cards           | cards@demo.bank           | Sun Li     | en
cards           | zhao.yan@demo.bank        | 赵燕       | zh_CN
cards           | peter.lam@demo.bank       | Peter Lam  | en
call_centre     | call.centre@demo.bank     | Huang Jie  | en
call_centre     | lin.na@demo.bank          | 林娜       | zh_CN
call_centre     | david.wong@demo.bank      | David Wong | en
digital_banking | digital.banking@demo.bank | Xu Tao     | en
digital_banking | ma.jing@demo.bank         | 马静       | zh_CN
digital_banking | sarah.lee@demo.bank       | Sarah Lee  | en
complaints      | complaints@demo.bank      | Guo Fang   | en
complaints      | he.qiang@demo.bank        | 何强       | zh_CN
complaints      | anna.chan@demo.bank       | Anna Chan  | en
"""


def _teams(table: str) -> dict[str, list[Colleague]]:
    teams: dict[str, list[Colleague]] = {}
    for line in table.strip().splitlines():
        department, *person = (part.strip() for part in line.split("|"))
        teams.setdefault(department, []).append(Colleague(*person))
    return teams


STAFF = _teams(TEAMS)
