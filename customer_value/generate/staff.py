"""Employees: account managers for the managed accounts, team staff sized from the minutes the generated
activities need (hired as demand grows, a few leavers replaced), and administration/management."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.generate import columns as col
from customer_value.generate import params as P
from customer_value.generate.population import Population, rng_for
from customer_value.generate.timeline import Timeline
from customer_value.generate.writer import to_table

FIRST_NAMES = (
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Luca",
    "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Samir", "Tara", "Umar", "Vera", "Wim", "Xenia",
    "Yusuf", "Zoe", "Amir", "Bianca", "Chen", "Dana", "Emil", "Fatima", "Gustav", "Hana", "Ivan", "Julia",
)  # fmt: skip
LAST_NAMES = (
    "Andersen", "Becker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ivanova", "Jansen",
    "Kowalski", "Lopez", "Moreau", "Nakamura", "Olsen", "Patel", "Quint", "Rossi", "Schmidt", "Tanaka",
    "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zimmermann", "Novak", "Silva", "Brown", "Khan",
)  # fmt: skip
TOLERANCE_FTE = 0.25  # a team runs a little over plan before someone is hired


@dataclass
class Staff:
    table: pa.Table
    manager_employee_number: np.ndarray  # employee number of each account manager (by manager index)
    fte_by_resource: dict[str, float]  # FTE employed at the end of the window
    capacity_minutes: dict[str, float]  # practical capacity over the window
    work_minutes: dict[str, float]


def assign_account_managers(seed: int, population: Population) -> tuple[np.ndarray, np.ndarray]:
    """Managed customers (enterprise, mid-market, key accounts) get a manager of their region, filled
    in signup order, 100-220 accounts each. Returns each manager's region and first customer."""
    rng = rng_for(seed, P.KIND_GLOBAL, 0, P.STREAM_MANAGERS)
    managed = np.flatnonzero(population.managed)
    regions, firsts = [], []
    offset = 0
    for region in range(len(P.REGIONS)):
        members = managed[population.region[managed] == region]
        if members.size == 0:
            continue
        capacity = rng.integers(*P.ACCOUNTS_PER_MANAGER, members.size // P.ACCOUNTS_PER_MANAGER[0] + 2)
        local = np.searchsorted(np.cumsum(capacity), np.arange(members.size), side="right")
        population.manager[members] = offset + local
        count = int(local.max()) + 1
        first_customer = members[np.searchsorted(local, np.arange(count), side="left")]
        regions.append(np.full(count, region))
        firsts.append(first_customer)
        offset += count
    if not regions:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(regions), np.concatenate(firsts)


def _names(rng: np.random.Generator, count: int) -> pa.Array:
    first = pa.array(FIRST_NAMES).take(pa.array(rng.integers(0, len(FIRST_NAMES), count)))
    last = pa.array(LAST_NAMES).take(pa.array(rng.integers(0, len(LAST_NAMES), count)))
    return pc.binary_join_element_wise(first, last, " ")


def _fte(rng: np.random.Generator, count: int) -> np.ndarray:
    options, weights = P.FTE_OPTIONS
    return np.array(options)[np.searchsorted(np.cumsum(weights)[:-1], rng.random(count), side="right")]


def build_staff(
    seed: int,
    population: Population,
    manager_first_customer: np.ndarray,
    minutes: np.ndarray,
    timeline: Timeline,
    seeds: P.Seeds,
) -> Staff:
    rng = rng_for(seed, P.KIND_GLOBAL, 0, P.STREAM_STAFF)
    resources = list(seeds.resources)
    month_end = timeline.month_end_days()
    month_len = (month_end + 1 - timeline.month_starts).astype(np.float64)
    covered = (
        np.minimum(month_end, timeline.days - 1) - np.maximum(timeline.month_starts, 0) + 1
    ) / month_len
    roles: list[np.ndarray] = []
    resource_of: list[np.ndarray] = []
    hired: list[np.ndarray] = []
    left: list[np.ndarray] = []
    ftes: list[np.ndarray] = []
    role_names = list(P.SALARY_BY_ROLE)

    def before_window(count: int) -> np.ndarray:
        return -rng.integers(30, 2500, count)

    # Account managers, hired a few weeks before their first customer signs up.
    count = manager_first_customer.size
    hire = np.floor(population.signup_t[manager_first_customer]).astype(np.int64) - rng.integers(
        14, 90, count
    )
    hire = np.where(hire < 0, before_window(count), hire)
    roles.append(np.full(count, role_names.index("account_manager")))
    resource_of.append(np.full(count, -1))
    hired.append(hire)
    left.append(np.full(count, -1))
    ftes.append(np.ones(count))

    fte_end: dict[str, float] = {}
    capacity: dict[str, float] = {}
    work: dict[str, float] = {}
    for r, resource_id in enumerate(resources):
        resource = seeds.resources[resource_id]
        per_fte = resource.practical_minutes_per_fte_month
        need = minutes[r] / np.maximum(covered, 1e-9) / (per_fte * P.TARGET_UTILISATION[resource_id])
        team_fte = np.zeros(0)
        team_hired = np.zeros(0, np.int64)
        team_left = np.full(0, -1, np.int64)
        for m in range(timeline.n_months):
            active = team_left < 0
            if m > 0:
                leaving = active & (rng.random(team_fte.size) < P.MONTHLY_LEAVER_RATE)
                team_left[leaving] = timeline.month_starts[m] - 1
                active &= ~leaving
            deficit = max(need[m], 1.0) - team_fte[active].sum()
            if deficit > TOLERANCE_FTE:
                candidates = _fte(rng, int(np.ceil(deficit / 0.5)) + 1)
                take = int(np.searchsorted(np.cumsum(candidates), deficit - TOLERANCE_FTE, side="left")) + 1
                new = candidates[:take]
                day = before_window(new.size) if m == 0 else np.full(new.size, timeline.month_starts[m])
                team_fte = np.append(team_fte, new)
                team_hired = np.append(team_hired, day)
                team_left = np.append(team_left, np.full(new.size, -1))
        employed_months = _employed_months(team_hired, team_left, timeline)
        capacity[resource_id] = float((employed_months * covered[None, :]).sum(axis=1) @ team_fte * per_fte)
        work[resource_id] = float(minutes[r].sum())
        fte_end[resource_id] = float(team_fte[team_left < 0].sum())
        role = role_names.index(P.ROLE_BY_RESOURCE[resource_id])
        roles.append(np.full(team_fte.size, role))
        resource_of.append(np.full(team_fte.size, r))
        hired.append(team_hired)
        left.append(team_left)
        ftes.append(team_fte)

    staff_count = sum(a.size for a in ftes)
    for role, share, minimum in (("administration", 0.03, 2), ("management", 0.012, 1)):
        count = max(minimum, round(share * staff_count))
        hire = np.where(rng.random(count) < 0.85, before_window(count), rng.integers(0, timeline.days, count))
        roles.append(np.full(count, role_names.index(role)))
        resource_of.append(np.full(count, -1))
        hired.append(hire)
        left.append(np.full(count, -1))
        ftes.append(_fte(rng, count))

    role = np.concatenate(roles)
    resource_index = np.concatenate(resource_of)
    hired_day = np.concatenate(hired).astype(np.int64)
    left_day = np.concatenate(left).astype(np.int64)
    fte = np.concatenate(ftes)
    n = role.size
    base = np.array([P.SALARY_BY_ROLE[name] for name in role_names])[role]
    salary_cents = (np.rint(base * rng.lognormal(0.0, 0.08, n) / 10.0) * 1000).astype(np.int64)
    tax = np.array(P.PAYROLL_TAX_RATES)[rng.integers(0, len(P.PAYROLL_TAX_RATES), n)]

    # Employee numbers follow hiring order.
    order = np.lexsort((np.arange(n), role, hired_day))
    number = np.empty(n, dtype=np.int64)
    number[order] = np.arange(1, n + 1)
    width = col.width_for(n, 5)
    table = to_table(
        "employees",
        {
            "employee_id": col.ids("E", number[order], width),
            "employee_name": _names(rng, n),
            "role": col.categories(role[order], role_names),
            "resource_id": col.categories(resource_index[order], resources),
            "monthly_salary": col.money(salary_cents[order]),
            "payroll_tax_rate": col.decimal(np.rint(tax[order] * 10_000).astype(np.int64), 8, 4),
            "fte": col.decimal(np.rint(fte[order] * 1000).astype(np.int64), 6, 3),
            "hired_date": col.dates(timeline.epoch_days(hired_day[order])),
            "left_date": col.dates(timeline.epoch_days(np.maximum(left_day[order], 0)), left_day[order] >= 0),
        },
    )
    # Account managers come first in the arrays above.
    return Staff(table, number[: manager_first_customer.size], fte_end, capacity, work)


def _employed_months(hired: np.ndarray, left: np.ndarray, timeline: Timeline) -> np.ndarray:
    """(employees, months) 1 where the employee worked the whole month (hires and leavers change at month
    boundaries inside the window)."""
    month_end = timeline.month_end_days()
    starts = np.maximum(timeline.month_starts, 0)
    on = hired[:, None] <= starts[None, :]
    off = (left[:, None] >= 0) & (left[:, None] < month_end[None, :])
    return (on & ~off).astype(np.float64)
