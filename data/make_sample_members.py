"""Writes data/sample_members.csv: the realistic member base `make demo` loads.

Deterministic (fixed seed), so the committed CSV is reproducible:
    python data/make_sample_members.py > data/sample_members.csv

The mix, as of the demo's start date (2026-01-01): most members in good
standing, some with the current year unpaid (lapsing), some unpaid for years
(recertification required), some certified before 2006 (voluntary CCP), some
recertified, some with two certifications, a few with no postal address or no
email, a 29 February and several December anniversaries.
"""

from __future__ import annotations

import csv
import random
import sys
from calendar import monthrange
from datetime import date, timedelta

SEED = 2026
MEMBERS = 420
START = date(2026, 1, 1)

TYPES = (
    ["RMA"] * 10
    + ["RPT"] * 5
    + ["CMAS"] * 3
    + ["RDA"] * 2
    + ["CMLA"] * 2
    + [
        "AHI",
        "MT",
        "MT",
        "MLT",
        "MLT",
        "CLC",
        "MDT",
    ]
)
FIRST = [
    "Ava",
    "Ben",
    "Carla",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Imani",
    "Jon",
    "Kira",
    "Luis",
    "Maya",
    "Noor",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Xavier",
    "Yara",
    "Zoe",
]
LAST = [
    "Adams",
    "Baker",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Jones",
    "Kim",
    "Lopez",
    "Miller",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quist",
    "Rivera",
    "Smith",
    "Thompson",
    "Usman",
    "Vasquez",
    "Walker",
    "Xu",
    "Young",
    "Zimmerman",
]
CITIES = [
    ("Chicago", "IL", "606"),
    ("Springfield", "IL", "627"),
    ("Milwaukee", "WI", "532"),
    ("Dallas", "TX", "752"),
    ("Houston", "TX", "770"),
    ("Atlanta", "GA", "303"),
    ("Denver", "CO", "802"),
    ("Phoenix", "AZ", "850"),
    ("Tampa", "FL", "336"),
]
STREETS = ["Oak", "Maple", "Cedar", "Pine", "Elm", "Lake", "Hill", "Park", "Main", "Washington"]
COLUMNS = [
    "member_id",
    "first_name",
    "last_name",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "country",
    "certification_type",
    "certificate_number",
    "certified_on",
    "recertified_on",
    "paid_through",
    "cycle_points",
]


def month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def standing_paid_through(rng: random.Random, anchor: date) -> str:
    """'' means in good standing on the import date; otherwise a date in the past."""
    roll = rng.random()
    if roll < 0.80:
        return ""
    years_behind = 1 if roll < 0.92 else rng.choice([3, 4, 11])
    year = START.year - years_behind
    if (year, anchor.month) >= (START.year, START.month):
        year -= 1
    behind = month_end(year, anchor.month)
    if behind < anchor:
        # Never before the certification date (the importer refuses it): the certification
        # itself covers up to its first due date, so that is the earliest paid_through.
        first_due = month_end(anchor.year + 1, anchor.month)
        return first_due.isoformat() if first_due < START else ""
    return behind.isoformat()


def certification_row(rng: random.Random, number: int) -> dict[str, str]:
    era = rng.random()
    if era < 0.12:
        certified = random_day(rng, date(1990, 1, 1), date(2005, 12, 31))
    else:
        certified = random_day(rng, date(2006, 1, 1), date(2025, 11, 30))
    recertified = ""
    if (era < 0.04 or rng.random() < 0.05) and certified < date(2024, 1, 1):
        recertified = random_day(
            rng, max(certified + timedelta(days=400), date(2014, 4, 1)), date(2025, 6, 30)
        ).isoformat()
    anchor = date.fromisoformat(recertified) if recertified else certified
    cert_type = rng.choice(TYPES)
    return {
        "certification_type": cert_type,
        "certificate_number": f"{cert_type}-{100000 + number}",
        "certified_on": certified.isoformat(),
        "recertified_on": recertified,
        "paid_through": standing_paid_through(rng, anchor),
        "cycle_points": str(rng.choice([0, 0, 5, 10, 12, 18, 24, 30, 36, 45])),
    }


def member_columns(rng: random.Random, index: int) -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, state, zip_prefix = rng.choice(CITIES)
    has_address = rng.random() > 0.04
    has_email = rng.random() > 0.05
    return {
        "member_id": f"M{10000 + index}",
        "first_name": first,
        "last_name": last,
        "email": f"{first}.{last}.{index}@example.com".lower() if has_email else "",
        "address_line1": f"{rng.randint(10, 9999)} {rng.choice(STREETS)} St" if has_address else "",
        "address_line2": rng.choice(["", "", "", f"Apt {rng.randint(1, 40)}"])
        if has_address
        else "",
        "city": city if has_address else "",
        "state": state if has_address else "",
        "postal_code": f"{zip_prefix}{rng.randint(10, 99)}" if has_address else "",
        "country": "US",
    }


def rows() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    out: list[dict[str, str]] = []
    number = 0
    for index in range(MEMBERS):
        member = member_columns(rng, index)
        for _ in range(2 if rng.random() < 0.08 else 1):
            number += 1
            out.append({**member, **certification_row(rng, number)})
    # Calendar edge cases the rule book names (R39).
    leap = {
        **member_columns(rng, MEMBERS),
        "certification_type": "RMA",
        "certificate_number": "RMA-199001",
        "certified_on": "2024-02-29",
        "recertified_on": "",
        "paid_through": "",
        "cycle_points": "12",
    }
    december = {
        **member_columns(rng, MEMBERS + 1),
        "certification_type": "MT",
        "certificate_number": "MT-199002",
        "certified_on": "2019-12-31",
        "recertified_on": "",
        "paid_through": "",
        "cycle_points": "40",
    }
    return [*out, leap, december]


def main() -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows())


if __name__ == "__main__":
    main()
