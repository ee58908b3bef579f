"""Small hand-made raw data sets whose answers are known from DOMAIN.md, written as CSV files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from customer_value.config import PROJECT_DIR
from customer_value.contract import raw_tables


def _write(directory: Path, table: str, rows: list[dict[str, object]]) -> None:
    columns = [c.name for c in raw_tables()[table].columns]
    with (directory / f"{table}.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: ("" if row.get(c) is None else row[c]) for c in columns})


def _seed_rows(name: str) -> dict[str, dict[str, str]]:
    with (PROJECT_DIR / "seeds" / f"{name}.csv").open() as handle:
        return {row[next(iter(row))]: row for row in csv.DictReader(handle)}


def write_bank_example(directory: Path, year: int = 2023) -> None:
    """DOMAIN.md's bank: a statement costs $1, a call $2, a branch visit $3; deposits earn 3.5%.

    Every customer gets a statement and visits a branch every month and calls every second month:
    (12 x 1) + (12 x 3) + (6 x 2) = $60 a year. Customer A keeps $1,500 (earns $52.50, profit -$7.50),
    customer B $15,000 (earns $525, profit $465). The costs per activity come out of TDABC: each team
    has one employee whose salary plus the seed's overhead equals its practical minutes, so every
    team costs exactly $1 a minute, and a statement takes 1 minute, a call 2 and a visit 3.
    """
    directory.mkdir(parents=True, exist_ok=True)
    resources = _seed_rows("resources")
    customers = {"BANK-A": 1500, "BANK-B": 15000}
    _write(
        directory,
        "customers",
        [
            {
                "customer_id": cid,
                "signup_date": f"{year}-01-01",
                "acquisition_channel": "direct",
                "segment": "consumer",
                "region": "north",
                "payment_terms_days": 0,
            }
            for cid in customers
        ],
    )
    _write(directory, "products", [])
    _write(directory, "order_lines", [])
    _write(directory, "invoices", [])
    _write(directory, "payments", [])
    _write(directory, "marketing_spend", [])
    employees = []
    for number, resource_id in enumerate(["back_office", "contact_centre", "branch"], start=1):
        resource = resources[resource_id]
        practical = float(resource["theoretical_minutes_per_fte_month"]) * float(
            resource["practical_capacity_share"]
        )
        salary = practical * 1.0 - float(resource["overhead_per_fte_month"])
        employees.append(
            {
                "employee_id": f"E{number}",
                "role": f"{resource_id}_staff",
                "resource_id": resource_id,
                "monthly_salary": f"{salary:.2f}",
                "payroll_tax_rate": "0",
                "fte": "1",
                "hired_date": f"{year - 1}-01-01",
            }
        )
    _write(directory, "employees", employees)
    activities = []
    balances = []
    for cid, deposit in customers.items():
        for month in range(1, 13):
            day = date(year, month, 5)
            visits = [("statement", "back_office", 1), ("branch_visit", "branch", 3)]
            if month % 2 == 0:
                visits.append(("call", "contact_centre", 2))
            for activity_type, resource_id, minutes in visits:
                activities.append(
                    {
                        "activity_id": f"{cid}-{month:02d}-{activity_type}",
                        "customer_id": cid,
                        "activity_at": f"{day.isoformat()} 10:00:00",
                        "activity_type": activity_type,
                        "resource_id": resource_id,
                        "duration_minutes": minutes,
                    }
                )
            balances.append(
                {
                    "customer_id": cid,
                    "balance_month": date(year, month, 1).isoformat(),
                    "balance_type": "deposit",
                    "average_balance": deposit,
                }
            )
    _write(directory, "activities", activities)
    _write(directory, "customer_balances", balances)
