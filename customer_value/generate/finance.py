"""Invoices and payments (late payers, two-part and unpaid invoices), contracts, customer balances and
customer incentives for one block of customers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from customer_value.generate import columns as col
from customer_value.generate import params as P
from customer_value.generate.population import Population
from customer_value.generate.timeline import Timeline
from customer_value.generate.transactions import Transactions
from customer_value.generate.writer import to_table

NEVER = np.iinfo(np.int64).max // 4


class Numbering:
    """Running document numbers across chunks (chunks are processed in order, so numbers depend only
    on the seed and the arguments)."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, name: str, count: int) -> int:
        start = self.next.get(name, 1)
        self.next[name] = start + int(count)
        return start


@dataclass
class Invoices:
    cust: np.ndarray
    issue_day: np.ndarray
    due_day: np.ndarray
    amount: np.ndarray  # cents, USD
    settled_day: np.ndarray  # day the last part was paid; NEVER when open at the end of the window
    number: np.ndarray  # invoice number


def invoices_and_payments(
    rng: np.random.Generator,
    block: Population,
    block_ids: pa.Array,
    trans: Transactions,
    order_numbers: np.ndarray,
    timeline: Timeline,
    numbering: Numbering,
) -> tuple[Invoices, pa.Table, pa.Table]:
    """One invoice per sale order, issued on the order date and due after the customer's terms."""
    orders = trans.orders
    n = orders.size
    sequence = np.argsort(order_numbers, kind="stable")
    number = np.empty(n, dtype=np.int64)
    number[sequence] = numbering.take("invoice", n) + np.arange(n)
    cust = orders.cust
    issue = np.floor(orders.t).astype(np.int64)
    terms = block.terms_days[cust].astype(np.int64)
    due = issue + terms
    amount = trans.order_usd_cents

    late = block.late_payer[cust]
    never = rng.random(n) < np.where(late, P.NEVER_PAID[1], P.NEVER_PAID[0])
    early = np.floor(rng.random(n) * np.minimum(terms, 10)).astype(np.int64)
    slip = np.where(rng.random(n) < P.ON_TIME_LATE_SHARE, rng.integers(1, 21, n), 0)
    punctual_day = np.maximum(due - early, issue) + slip
    late_day = due + np.rint(block.delay_days[cust] * rng.lognormal(0.0, 0.35, n)).astype(np.int64)
    pay_day = np.where(late, late_day, punctual_day)
    two_parts = (rng.random(n) < P.TWO_PART_SHARE) & (amount >= 200)
    first_share = rng.uniform(0.3, 0.7, n)
    first_amount = np.where(two_parts, np.rint(amount * first_share).astype(np.int64), amount)
    second_day = pay_day + rng.integers(10, 61, n)

    last_day = timeline.days - 1
    paid_first = ~never & (pay_day <= last_day)
    paid_second = ~never & two_parts & (second_day <= last_day)
    settled = np.where(
        two_parts, np.where(paid_second, second_day, NEVER), np.where(paid_first, pay_day, NEVER)
    )
    settled = np.where(never, NEVER, settled)

    inv_index = np.concatenate([np.flatnonzero(paid_first), np.flatnonzero(paid_second)])
    pay_days = np.concatenate([pay_day[paid_first], second_day[paid_second]])
    pay_amount = np.concatenate([first_amount[paid_first], (amount - first_amount)[paid_second]])
    order = np.lexsort((number[inv_index], pay_days))
    inv_index, pay_days, pay_amount = inv_index[order], pay_days[order], pay_amount[order]
    pay_numbers = numbering.take("payment", inv_index.size) + np.arange(inv_index.size)

    by_number = np.argsort(number)
    invoices = to_table(
        "invoices",
        {
            "invoice_id": col.ids("I", number[by_number], 10),
            "customer_id": block_ids.take(pa.array(cust[by_number])),
            "order_id": col.ids("O", order_numbers[by_number], 10),
            "issued_date": col.dates(timeline.epoch_days(issue[by_number])),
            "due_date": col.dates(timeline.epoch_days(due[by_number])),
            "amount": col.money(amount[by_number]),
        },
    )
    payments = to_table(
        "payments",
        {
            "payment_id": col.ids("Y", pay_numbers, 10),
            "invoice_id": col.ids("I", number[inv_index], 10),
            "customer_id": block_ids.take(pa.array(cust[inv_index])),
            "paid_date": col.dates(timeline.epoch_days(pay_days)),
            "amount": col.money(pay_amount),
        },
    )
    state = Invoices(cust, issue, due, amount, settled, number)
    return state, invoices, payments


def month_day(timeline: Timeline, calendar_month: np.ndarray, day_of_month: int = 1) -> np.ndarray:
    """Day offset (from the window start) of a day in a calendar month (year * 12 + month - 1)."""
    first = (
        (np.asarray(calendar_month, dtype=np.int64) - 1970 * 12)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
    )
    return (first - np.datetime64(timeline.start, "D")).astype(np.int64) + day_of_month - 1


def calendar_months(timeline: Timeline) -> np.ndarray:
    return np.array([d.year * 12 + d.month - 1 for d in timeline.month_dates], dtype=np.int64)


def contracts(
    rng: np.random.Generator,
    block: Population,
    block_ids: pa.Array,
    death_t: np.ndarray,
    monthly_value: np.ndarray,
    timeline: Timeline,
    numbering: Numbering,
) -> pa.Table:
    """Contracts for about 20% of customers (mostly managed accounts), starting on the first of a month
    after signup, 12/24/36 months or open-ended, renewed when they run out while the customer lives."""
    n = block.size
    share = np.where(block.is_key, 1.0, np.array(P.CONTRACT_SHARE)[block.segment])
    has = rng.random(n) < share
    signup_month = timeline.month_of_day(np.floor(block.signup_t).astype(np.int64))
    start_month = calendar_months(timeline)[signup_month] + 1 + rng.integers(0, 3, n)
    value = np.maximum(np.rint(monthly_value * rng.uniform(0.7, 1.0, n) / 10.0) * 10.0, 100.0)
    last_month = timeline.end.year * 12 + timeline.end.month - 1
    cust = np.flatnonzero(has & (start_month <= last_month))
    start_month, value = start_month[cust], value[cust]
    terms, weights = P.CONTRACT_TERMS_MONTHS
    rows: list[tuple[np.ndarray, ...]] = []
    while cust.size:
        pick = np.searchsorted(np.cumsum(weights)[:-1], rng.random(cust.size), side="right")
        term = np.array(terms, dtype=np.int64)[pick]
        open_ended = rng.random(cust.size) < P.CONTRACT_OPEN_ENDED
        start_day = month_day(timeline, start_month)
        end_day = month_day(timeline, start_month + term) - 1
        rows.append((cust, start_day, np.where(open_ended, -1, end_day), value))
        renew = (
            ~open_ended
            & (end_day < timeline.days - 1)
            & (death_t[cust] > end_day)
            & (rng.random(cust.size) < P.CONTRACT_RENEWAL)
        )
        cust, start_month = cust[renew], start_month[renew] + term[renew]
        value = np.rint(value[renew] * rng.uniform(0.95, 1.15, cust.size) / 10.0) * 10.0
    cust = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, np.int64)
    start = np.concatenate([r[1] for r in rows]) if rows else np.zeros(0, np.int64)
    end = np.concatenate([r[2] for r in rows]) if rows else np.zeros(0, np.int64)
    amount = np.concatenate([r[3] for r in rows]) if rows else np.zeros(0)
    order = np.lexsort((start, cust))
    cust, start, end, amount = cust[order], start[order], end[order], amount[order]
    first = numbering.take("contract", cust.size)
    return to_table(
        "contracts",
        {
            "contract_id": col.ids("K", first + np.arange(cust.size), 9),
            "customer_id": block_ids.take(pa.array(cust)),
            "start_date": col.dates(timeline.epoch_days(start)),
            "end_date": col.dates(timeline.epoch_days(np.maximum(end, 0)), end >= 0),
            "contracted_monthly_value": col.money(np.rint(amount * 100).astype(np.int64)),
        },
    )


def expand_months(first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, month) for every month first..last of each row (none when last < first), and where each
    row's months start."""
    counts = np.maximum(last - first + 1, 0)
    row = np.repeat(np.arange(first.size, dtype=np.int64), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    month = first[row] + np.arange(row.size) - starts[row]
    return row, month, starts


def group_cumsum(values: np.ndarray, row: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Cumulative sum of values restarting at each row's first entry (rows contiguous)."""
    if values.size == 0:
        return values
    total = np.cumsum(values)
    at = np.minimum(starts, values.size - 1)
    offset = total[at] - values[at]
    return total - offset[row]


def balances(
    rng: np.random.Generator,
    block: Population,
    block_ids: pa.Array,
    alive_end_t: np.ndarray,
    monthly_value: np.ndarray,
    timeline: Timeline,
) -> pa.Table:
    """Monthly average balances: deposits (~5%), minimum balances (~3%), deferred receivables (~2%)."""
    n = block.size
    seg = block.segment
    regular = ~block.is_key
    signup_month = timeline.month_of_day(np.floor(block.signup_t).astype(np.int64))
    last_month = timeline.month_of_day(np.floor(np.minimum(alive_end_t, timeline.days - 1)).astype(np.int64))
    spend = np.where(np.isfinite(monthly_value), monthly_value, 0.0)
    parts = []
    for kind, shares in enumerate((P.DEPOSIT_SHARE, P.MINIMUM_BALANCE_SHARE, P.DEFERRED_SHARE)):
        has = regular & (rng.random(n) < np.array(shares)[seg])
        cust = np.flatnonzero(has)
        first, last = signup_month[cust], last_month[cust]
        if kind == 2:  # a deferral agreement for 3-12 months, some time after signup
            first = first + rng.integers(1, 7, cust.size)
            last = np.minimum(first + rng.integers(2, 12, cust.size), timeline.n_months - 1)
        row, month, starts = expand_months(first, last)
        if kind == 0:
            business = seg[cust] >= P.MID_MARKET
            level = np.exp(rng.normal(np.where(business, np.log(25_000), np.log(4_000)), 1.0))
            walk = group_cumsum(rng.normal(0.0, 0.12, row.size), row, starts)
            amount = level[row] * np.exp(walk)
        elif kind == 1:
            level = np.maximum(
                spend[cust] * rng.uniform(2.0, 6.0, cust.size), rng.uniform(1_000, 5_000, cust.size)
            )
            amount = level[row] * rng.uniform(0.97, 1.03, row.size)
        else:
            level = np.maximum(
                spend[cust] * rng.uniform(2.0, 6.0, cust.size), rng.uniform(2_000, 8_000, cust.size)
            )
            length = (last - first + 1)[row]
            step = month - first[row]
            amount = level[row] * (length - step) / np.maximum(length, 1)
        # The signup month only counts the days the customer had the balance.
        signup_day = block.signup_t[cust][row]
        month_start = timeline.month_starts[month]
        month_len = np.append(np.diff(timeline.month_starts), 31)[month]
        held = np.clip((month_start + month_len - signup_day) / month_len, 0.0, 1.0)
        amount = amount * held
        parts.append(
            (cust[row], month, np.full(row.size, kind, np.int8), np.rint(amount * 100).astype(np.int64))
        )
    cust = np.concatenate([p[0] for p in parts])
    month = np.concatenate([p[1] for p in parts])
    kind = np.concatenate([p[2] for p in parts])
    cents = np.concatenate([p[3] for p in parts])
    keep = cents > 0
    cust, month, kind, cents = cust[keep], month[keep], kind[keep], cents[keep]
    order = np.lexsort((kind, month, cust))
    cust, month, kind, cents = cust[order], month[order], kind[order], cents[order]
    month_epoch = np.array([(d - timeline.start).days for d in timeline.month_dates], dtype=np.int64)
    return to_table(
        "customer_balances",
        {
            "customer_id": block_ids.take(pa.array(cust)),
            "balance_month": col.dates(timeline.epoch_days(month_epoch[month])),
            "balance_type": col.categories(kind, ("deposit", "minimum_balance", "deferred_receivable")),
            "average_balance": col.money(cents),
        },
    )


INCENTIVE_TYPES = ("opening_discount", "retro_bonus", "marketing_payment", "rebate")


def incentives(
    rng: np.random.Generator,
    block: Population,
    block_ids: pa.Array,
    trans: Transactions,
    alive_end_t: np.ndarray,
    monthly_value: np.ndarray,
    timeline: Timeline,
    numbering: Numbering,
) -> pa.Table:
    """Opening discounts, quarterly retro bonuses for large accounts, half-yearly rebates and occasional
    marketing payments, in the reporting currency."""
    n = block.size
    orders = trans.orders
    seg = block.segment
    out: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    # Opening discount worth 5-15% of the first order for ~30% of new customers (not key accounts).
    first_order = np.full(n, -1, dtype=np.int64)
    if orders.size:
        first_rows = np.flatnonzero(np.diff(orders.cust, prepend=-1) != 0)
        first_order[orders.cust[first_rows]] = first_rows
    opening = (rng.random(n) < P.OPENING_DISCOUNT_SHARE) & ~block.is_key & (first_order >= 0)
    cust = np.flatnonzero(opening)
    amount = np.rint(trans.order_usd_cents[first_order[cust]] * rng.uniform(0.05, 0.15, cust.size))
    out.append((cust, np.zeros(cust.size, np.int8), np.floor(block.signup_t[cust]).astype(np.int64), amount))

    # Retro bonuses (quarterly) and rebates (half-yearly) on the period's sales, booked on the 15th of
    # the month after the period.
    month = timeline.month_of_day(np.floor(orders.t).astype(np.int64))
    order_month = calendar_months(timeline)[month]
    spend = np.where(np.isfinite(monthly_value), monthly_value, 0.0)
    large = block.is_key | (seg == P.ENTERPRISE) | ((seg == P.MID_MARKET) & (spend * 12 > 50_000))
    rebate_customer = np.isin(seg, (P.SMALL_BUSINESS, P.MID_MARKET)) & (rng.random(n) < P.REBATE[0]) & ~large
    bonus_rate = rng.uniform(*P.RETRO_BONUS_RATE, n)
    calendar = calendar_months(timeline)
    for kind, period_months, eligible, rate in (
        (1, 3, large, bonus_rate),
        (3, 6, rebate_customer, np.full(n, P.REBATE[1])),
    ):
        first_period = int(calendar[0] // period_months)
        n_periods = int(calendar[-1] // period_months) - first_period + 1
        select = eligible[orders.cust]
        key = orders.cust[select] * n_periods + (order_month[select] // period_months - first_period)
        sales = np.bincount(key, weights=trans.order_usd_cents[select], minlength=n * n_periods)
        cells = np.flatnonzero(sales > 0)
        cust, period = np.divmod(cells, n_periods)
        booked = month_day(timeline, (first_period + period + 1) * period_months, 15)
        ok = booked <= timeline.days - 1
        amount = np.rint(sales[cells] * rate[cust])
        out.append((cust[ok], np.full(int(ok.sum()), kind, np.int8), booked[ok], amount[ok]))

    # Marketing payments (co-op marketing) while the customer is alive.
    alive_days = np.maximum(np.minimum(alive_end_t, timeline.days) - block.signup_t, 0.0)
    per_year = np.where(block.is_key, 4.0, np.array(P.MARKETING_PAYMENTS_PER_YEAR)[seg])
    count = rng.poisson(per_year * alive_days / 365.25)
    cust = np.repeat(np.arange(n, dtype=np.int64), count)
    day = np.floor(block.signup_t[cust] + rng.random(cust.size) * alive_days[cust]).astype(np.int64)
    scale = np.array(P.MARKETING_PAYMENT_SCALE)[seg[cust]]
    usd = rng.uniform(250.0, 2_500.0, cust.size) * scale
    # Key accounts: about 0.2% of their monthly sales per payment.
    usd = np.where(block.is_key[cust], spend[cust] * rng.uniform(0.01, 0.03, cust.size), usd)
    amount = np.rint(usd / 10.0) * 1_000.0
    out.append((cust, np.full(cust.size, 2, np.int8), day, amount))

    cust = np.concatenate([o[0] for o in out]).astype(np.int64)
    kind = np.concatenate([o[1] for o in out])
    day = np.concatenate([o[2] for o in out]).astype(np.int64)
    cents = np.concatenate([o[3] for o in out]).astype(np.int64)
    keep = (cents > 0) & (day <= timeline.days - 1)
    cust, kind, day, cents = cust[keep], kind[keep], day[keep], cents[keep]
    order = np.lexsort((kind, cust, day))
    cust, kind, day, cents = cust[order], kind[order], day[order], cents[order]
    first = numbering.take("incentive", cust.size)
    return to_table(
        "customer_incentives",
        {
            "incentive_id": col.ids("B", first + np.arange(cust.size), 9),
            "customer_id": block_ids.take(pa.array(cust)),
            "incentive_type": col.categories(kind, INCENTIVE_TYPES),
            "incentive_date": col.dates(timeline.epoch_days(day)),
            "amount": col.money(cents),
        },
    )
