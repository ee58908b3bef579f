"""The activity log (statements, deliveries, returns handling, reminders, calls, tickets, complaints,
branch and sales visits) and satisfaction surveys for one block of customers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from customer_value.generate import columns as col
from customer_value.generate import params as P
from customer_value.generate.finance import NEVER, Invoices, Numbering, expand_months
from customer_value.generate.population import Population
from customer_value.generate.timeline import Timeline
from customer_value.generate.transactions import RETURN, Transactions
from customer_value.generate.writer import to_table

CHANNEL_NAMES = ("phone", "email", "web", "branch", "field", "post", "courier")
PHONE, EMAIL, WEB, BRANCH, FIELD, POST, COURIER = range(7)
# Channel mix per activity type: (channels, probabilities).
CHANNEL_MIX = {
    "statement": ((EMAIL, POST), (0.7, 0.3)),
    "payment_reminder": ((EMAIL, POST, PHONE), (0.75, 0.15, 0.10)),
    "call": ((PHONE,), (1.0,)),
    "complaint": ((PHONE, EMAIL, WEB), (0.55, 0.30, 0.15)),
    "branch_visit": ((BRANCH,), (1.0,)),
    "support_ticket": ((WEB, EMAIL, PHONE), (0.50, 0.35, 0.15)),
    "delivery": ((COURIER,), (1.0,)),
    "return_handling": ((COURIER, POST), (0.8, 0.2)),
    "sales_visit": ((FIELD,), (1.0,)),
}
SERVICE_TYPES = ("call", "complaint", "branch_visit", "support_ticket")
LOGGED_SHARE = 0.70
DEFAULT_RESOURCE_NULL_SHARE = 0.10
MONTH_DAYS = 365.25 / 12


@dataclass
class Events:
    cust: list[np.ndarray]
    t: list[np.ndarray]
    kind: list[np.ndarray]
    units: list[np.ndarray]

    def add(self, kind: int, cust: np.ndarray, t: np.ndarray, units: np.ndarray | None = None) -> None:
        self.cust.append(np.asarray(cust, dtype=np.int64))
        self.t.append(np.asarray(t, dtype=np.float64))
        self.kind.append(np.full(np.size(cust), kind, dtype=np.int8))
        self.units.append(np.ones(np.size(cust), np.int64) if units is None else np.asarray(units, np.int64))


@dataclass
class ActivityResult:
    activities: pa.Table
    surveys: pa.Table
    minutes: np.ndarray  # (resources, months) minutes of work the activities took
    activity_rows: int  # before duplicates


def alive_windows(rng: np.random.Generator, block: Population, death_t: np.ndarray, days: int) -> np.ndarray:
    """End of the period in which a customer still calls and visits: a month or two after drop-out."""
    afterlife = rng.uniform(*P.AFTERLIFE_DAYS, block.size)
    return np.minimum(death_t + afterlife, float(days))


def activities_and_surveys(
    rng: np.random.Generator,
    block: Population,
    block_ids: pa.Array,
    trans: Transactions,
    invoices: Invoices,
    alive_end: np.ndarray,
    death_t: np.ndarray,
    timeline: Timeline,
    seeds: P.Seeds,
    numbering: Numbering,
    params: P.TrueParameters,
) -> ActivityResult:
    types = list(seeds.activity_types)
    kind_of = {name: i for i, name in enumerate(types)}
    days = timeline.days
    n_months = timeline.n_months
    month_end = timeline.month_end_days()
    events = Events([], [], [], [])
    orders = trans.orders

    # Monthly statements for months with an order or an invoice open at the month's end.
    order_month = timeline.month_of_day(np.floor(orders.t).astype(np.int64))
    issue_month = timeline.month_of_day(invoices.issue_day)
    settled_month = np.where(
        invoices.settled_day >= NEVER, n_months, timeline.month_of_day(np.minimum(invoices.settled_day, days))
    )
    row, month, _ = expand_months(issue_month, settled_month - 1)
    keys = np.concatenate([orders.cust * n_months + order_month, invoices.cust[row] * n_months + month])
    keys = np.unique(keys)
    cust, month = np.divmod(keys, n_months)
    issued = month_end[month] <= days - 1
    cust, month = cust[issued], month[issued]
    events.add(kind_of["statement"], cust, month_end[month] + rng.random(cust.size) * 0.2)

    # One delivery per sale order, 0.3-3 days later; units = order lines.
    delivered_t = orders.t + rng.uniform(0.3, 3.0, orders.size)
    ok = delivered_t < days
    events.add(kind_of["delivery"], orders.cust[ok], delivered_t[ok], trans.lines_per_order[ok])

    # Returns handling per return line; units = returned quantity.
    lines = trans.lines
    returns = np.flatnonzero(lines.line_type == RETURN)
    handled_t = lines.t[returns] + rng.uniform(0.0, 2.0, returns.size)
    ok = handled_t < days
    events.add(
        kind_of["return_handling"], lines.cust[returns][ok], handled_t[ok], -lines.quantity[returns][ok]
    )

    # Payment reminders 7, 30 and 60 days after the due date while the invoice is unpaid.
    for after in (7, 30, 60):
        remind_day = invoices.due_day + after
        due = (invoices.settled_day > remind_day) & (remind_day <= days - 1)
        events.add(
            kind_of["payment_reminder"], invoices.cust[due], remind_day[due] + rng.random(int(due.sum()))
        )

    # Service contacts while alive (and a little after drop-out), Poisson per customer and month.
    first = timeline.month_of_day(np.floor(block.signup_t).astype(np.int64))
    last = timeline.month_of_day(np.floor(np.maximum(alive_end - 1e-9, block.signup_t)).astype(np.int64))
    row, month, _ = expand_months(first, last)
    lo = np.maximum(timeline.month_starts[month].astype(np.float64), block.signup_t[row])
    hi = np.minimum((month_end[month] + 1).astype(np.float64), alive_end[row])
    exposure = np.maximum(hi - lo, 0.0) / MONTH_DAYS
    seg = block.segment[row]
    key = block.is_key[row]
    activity = np.where(
        key, 1.0, np.clip(block.lam[row] / params.mean_purchase_rate, 0.1, 5.0) ** P.ACTIVITY_POWER
    )
    intensity = block.intensity[row]
    rates = np.array(P.CONTACT_RATES)
    for j, name in enumerate(P.CONTACT_TYPES):
        power = 1.3 if name == "complaint" else 1.0
        rate = np.where(key, P.KEY_ACCOUNT_CONTACT_RATES[j], rates[seg, j] * activity * intensity**power)
        count = rng.poisson(rate * exposure)
        at = np.repeat(np.arange(row.size), count)
        events.add(kind_of[name], row[at], lo[at] + rng.random(at.size) * (hi - lo)[at])
    visit_rate = np.where(key, P.KEY_ACCOUNT_SALES_VISIT_RATE, np.array(P.SALES_VISIT_RATE)[seg])
    count = rng.poisson(visit_rate * exposure)
    at = np.repeat(np.arange(row.size), count)
    events.add(kind_of["sales_visit"], row[at], lo[at] + rng.random(at.size) * (hi - lo)[at])

    cust = np.concatenate(events.cust)
    t = np.concatenate(events.t)
    kind = np.concatenate(events.kind)
    units = np.concatenate(events.units)
    order = np.lexsort((kind, cust, t))
    cust, t, kind, units = cust[order], t[order], kind[order], units[order]
    n = cust.size

    standard = np.array([seeds.activity_types[k].standard_minutes for k in types])[kind]
    per_unit = np.array([seeds.activity_types[k].minutes_per_unit for k in types])[kind]
    standard_minutes = standard + per_unit * units
    service = np.isin(kind, [kind_of[s] for s in SERVICE_TYPES])
    spread = rng.lognormal(-0.045, 0.3, n) * np.where(service, block.intensity[cust] ** 0.25, 1.0)
    logged_minutes = np.maximum(np.rint(standard_minutes * spread * 100), 50).astype(np.int64)
    logged = rng.random(n) < LOGGED_SHARE
    minutes = np.where(logged, logged_minutes / 100.0, standard_minutes)

    resources = list(seeds.resources)
    default_resource = np.array([resources.index(seeds.activity_types[k].default_resource_id) for k in types])
    resource = default_resource[kind]
    shown_resource = np.where(rng.random(n) < DEFAULT_RESOURCE_NULL_SHARE, -1, resource)

    channel = np.empty(n, dtype=np.int64)
    u = rng.random(n)
    for name, (options, weights) in CHANNEL_MIX.items():
        rows = kind == kind_of[name]
        pick = np.searchsorted(np.cumsum(weights)[:-1], u[rows], side="right")
        channel[rows] = np.array(options)[pick]

    activity_month = timeline.month_of_day(np.floor(t).astype(np.int64))
    work = np.bincount(
        resource * n_months + activity_month, weights=minutes, minlength=len(resources) * n_months
    ).reshape(len(resources), n_months)

    first_number = numbering.take("activity", n)
    table = to_table(
        "activities",
        {
            "activity_id": col.ids("A", first_number + np.arange(n), 10),
            "customer_id": block_ids.take(pa.array(cust)),
            "activity_at": col.timestamps(timeline.timestamps_us(t)),
            "activity_type": col.categories(kind, types),
            "resource_id": col.categories(shown_resource, resources),
            "channel": col.categories(channel, CHANNEL_NAMES),
            "duration_minutes": col.decimal(logged_minutes, 10, 2, logged),
            "units": col.int32(units),
        },
    )

    complaints = np.bincount(cust[kind == kind_of["complaint"]], minlength=block.size)
    surveys = _surveys(rng, block, block_ids, alive_end, death_t, complaints, timeline, numbering)
    return ActivityResult(table, surveys, work, n)


def _surveys(
    rng: np.random.Generator,
    block: Population,
    block_ids: pa.Array,
    alive_end: np.ndarray,
    death_t: np.ndarray,
    complaints: np.ndarray,
    timeline: Timeline,
    numbering: Numbering,
) -> pa.Table:
    """~25% of customers answer 1-3 surveys; lower scores for service-hungry, complaining and churning
    customers."""
    n = block.size
    answers = np.where(rng.random(n) < P.SURVEY_SHARE, 1 + rng.choice(3, n, p=[0.55, 0.3, 0.15]), 0)
    cust = np.repeat(np.arange(n, dtype=np.int64), answers)
    start = block.signup_t[cust] + 7.0
    end = np.maximum(alive_end[cust], start)
    t = start + rng.random(cust.size) * (end - start)
    keep = t < timeline.days
    cust, t = cust[keep], t[keep]
    alive_years = np.maximum(alive_end - block.signup_t, 30.0) / 365.25
    complaint_rate = complaints / alive_years
    churning = death_t[cust] < t + 120.0
    latent = (
        4.35
        - 0.55 * np.log(block.intensity[cust])
        - 0.35 * np.minimum(complaint_rate[cust], 4.0)
        - 0.7 * churning
        + rng.normal(0.0, 0.7, cust.size)
    )
    score = np.clip(np.rint(latent), 1, 5).astype(np.int64)
    order = np.lexsort((cust, t))
    cust, t, score = cust[order], t[order], score[order]
    first = numbering.take("survey", cust.size)
    return to_table(
        "surveys",
        {
            "survey_id": col.ids("V", first + np.arange(cust.size), 9),
            "customer_id": block_ids.take(pa.array(cust)),
            "surveyed_date": col.dates(timeline.epoch_days(np.floor(t).astype(np.int64))),
            "score": col.int32(score),
        },
    )
