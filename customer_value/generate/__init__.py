"""Deterministic demo data that looks like a real business, written as one Parquet file (or folder of
part files) per raw table of the contract, plus truth.json with the true model parameters.

Customers are processed in fixed-size chunks, each with its own random streams
(`np.random.default_rng([seed, kind, chunk, stream])`), so the output depends only on the seed and the
arguments. Repeat purchases follow BG/NBD, order values Gamma-Gamma; see params.py for every rate.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from customer_value.generate import columns as col
from customer_value.generate import params as P
from customer_value.generate.activities import activities_and_surveys, alive_windows
from customer_value.generate.catalogue import Catalogue, build_catalogue
from customer_value.generate.finance import Numbering, balances, contracts, incentives, invoices_and_payments
from customer_value.generate.marketing import active_by_segment, marketing_spend
from customer_value.generate.population import (
    Population,
    acquisition_curve,
    chunk_bounds,
    concatenate,
    draw_chunk,
    key_account_indices,
    mark_key_accounts,
    rng_for,
)
from customer_value.generate.staff import Staff, assign_account_managers, build_staff
from customer_value.generate.timeline import Timeline
from customer_value.generate.transactions import (
    LINE_TYPES,
    Transactions,
    build_lines,
    simulate_key_orders,
    simulate_orders,
)
from customer_value.generate.writer import PARTITIONED, TRUTH_FILE, DatasetWriter, empty_table, to_table

__all__ = ["GenerationSummary", "generate_dataset"]

GENERATOR_VERSION = 1


@dataclass(frozen=True)
class GenerationSummary:
    customers: int
    rows: dict[str, int]
    seconds: float
    out_dir: Path
    key_accounts: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        shown = (
            ("order_lines", "order lines"),
            ("activities", "activities"),
            ("invoices", "invoices"),
            ("payments", "payments"),
            ("products", "products"),
            ("employees", "employees"),
        )
        parts = [f"{self.customers:,} customers"]
        parts += [f"{self.rows.get(name, 0):,} {label}" for name, label in shown]
        rest = sum(v for k, v in self.rows.items() if k not in dict(shown) and k != "customers")
        parts.append(f"{rest:,} other rows")
        return ", ".join(parts) + f" in {self.seconds:.1f}s"


@dataclass
class _Totals:
    minutes: np.ndarray
    active: np.ndarray
    sales_by_month: np.ndarray
    regular_sales_cents: int = 0
    duplicates: dict[str, int] = field(default_factory=lambda: {"order_lines": 0, "activities": 0})
    line_types: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LINE_TYPES, 0))
    eur_lines: int = 0
    orders: int = 0


class _Run:
    """State of one generation run: population, catalogue, numbering, accumulators."""

    def __init__(self, out_dir: Path, customers: int, seed: int, end_date: date, months: int) -> None:
        self.customers = customers
        self.seed = seed
        self.setup = P.Setup()
        self.seeds = P.Seeds.read()
        self.timeline = Timeline.build(end_date, months)
        self.eur_rate = self.seeds.exchange_rates[P.EUR]
        self.writer = DatasetWriter(out_dir)
        self.numbering = Numbering()
        self.catalogue: Catalogue = build_catalogue(seed, self.eur_rate)
        self.totals = _Totals(
            minutes=np.zeros((len(self.seeds.resources), self.timeline.n_months)),
            active=np.zeros((len(P.SEGMENTS), self.timeline.n_months)),
            sales_by_month=np.zeros(self.timeline.n_months),
        )
        self.small: dict[str, list[pa.Table]] = {"contracts": [], "customer_incentives": [], "surveys": []}
        self.death_t = np.full(customers, np.inf)
        self.population: Population
        self.key_index = np.zeros(0, dtype=np.int64)
        self.key_targets = np.zeros(0, dtype=np.int64)

    # -- population ------------------------------------------------------------------------------

    def draw_population(self) -> None:
        cdf = acquisition_curve(self.timeline)
        parts = [
            draw_chunk(self.seed, chunk, lo, hi, self.customers, cdf, self.setup)
            for chunk, (lo, hi) in enumerate(chunk_bounds(self.customers))
        ]
        self.population = concatenate(parts)
        self.key_index = key_account_indices(self.customers, cdf, self.setup)
        mark_key_accounts(self.population, self.key_index)
        self.manager_region, self.manager_first = assign_account_managers(self.seed, self.population)

    # -- one block of customers ------------------------------------------------------------------

    def process(self, index: np.ndarray, kind: int, chunk: int, part: int) -> None:
        block = self.population.take(index)
        timeline = self.timeline
        days = timeline.days
        params = self.setup.params

        def rng(stream: int) -> np.random.Generator:
            return rng_for(self.seed, kind, chunk, stream)

        block_ids = col.ids("C", index + 1, 8)
        if kind == P.KIND_KEY_ACCOUNTS:
            orders = simulate_key_orders(
                rng(P.STREAM_ORDERS),
                block,
                days,
                self.setup.key_accounts,
                self.key_targets,
                timeline.month_of_day,
                self.totals.sales_by_month,
            )
            death_t = np.full(block.size, np.inf)
            monthly = self.key_targets / 100.0 / np.maximum((days - block.signup_t) / (365.25 / 12), 1.0)
            key_lines_k: float | None = self.setup.key_accounts.lines_k
        else:
            orders, death_t = simulate_orders(rng(P.STREAM_ORDERS), block, days, params)
            monthly = block.expected_monthly_spend(self.setup)
            key_lines_k = None
            self.totals.regular_sales_cents += int(orders.z_cents.sum())
            month = timeline.month_of_day(np.floor(orders.t).astype(np.int64))
            self.totals.sales_by_month += np.bincount(
                month, weights=orders.z_cents, minlength=timeline.n_months
            )
        self.death_t[index] = death_t
        trans = build_lines(
            rng(P.STREAM_LINES),
            rng(P.STREAM_RETURNS),
            block,
            orders,
            self.catalogue,
            days,
            self.eur_rate,
            params,
            key_lines_k,
        )
        doc_number = self._document_numbers(trans)
        order_number = doc_number[: orders.size]
        duplicates = rng(P.STREAM_DUPLICATES)
        self._write_lines(trans, doc_number, block_ids, part, duplicates)
        self._write_truth_orders(trans, order_number, block_ids, block.eur, part)

        state, invoices, payments = invoices_and_payments(
            rng(P.STREAM_FINANCE), block, block_ids, trans, order_number, timeline, self.numbering
        )
        self.writer.write_part("invoices", part, invoices)
        self.writer.write_part("payments", part, payments)

        activity_rng = rng(P.STREAM_ACTIVITIES)
        alive_end = alive_windows(activity_rng, block, death_t, days)
        result = activities_and_surveys(
            activity_rng,
            block,
            block_ids,
            trans,
            state,
            alive_end,
            death_t,
            timeline,
            self.seeds,
            self.numbering,
            params,
        )
        activities = self._with_duplicates("activities", result.activities, duplicates)
        self.writer.write_part("activities", part, activities)
        self.small["surveys"].append(result.surveys)
        self.totals.minutes += result.minutes

        extras = rng(P.STREAM_EXTRAS)
        self.small["contracts"].append(
            contracts(extras, block, block_ids, death_t, monthly, timeline, self.numbering)
        )
        self.writer.write_part(
            "customer_balances", part, balances(extras, block, block_ids, alive_end, monthly, timeline)
        )
        self.small["customer_incentives"].append(
            incentives(extras, block, block_ids, trans, alive_end, monthly, timeline, self.numbering)
        )
        self.totals.active += active_by_segment(block, death_t, timeline)
        self.totals.orders += orders.size

    def _document_numbers(self, trans: Transactions) -> np.ndarray:
        """Order, return and credit-note documents share one number range, in time order."""
        n = trans.doc_t.size
        rank = np.argsort(trans.doc_t, kind="stable")
        number = np.empty(n, dtype=np.int64)
        number[rank] = self.numbering.take("order", n) + np.arange(n)
        return number

    def _with_duplicates(self, name: str, table: pa.Table, rng: np.random.Generator) -> pa.Table:
        """Re-deliver ~0.1% of the rows as exact duplicates, next to the original."""
        n = table.num_rows
        count = int(rng.binomial(n, P.DUPLICATE_SHARE)) if n else 0
        if count == 0:
            return table
        again = rng.choice(n, count, replace=False)
        self.totals.duplicates[name] += count
        return table.take(pa.array(np.sort(np.concatenate([np.arange(n), again]))))

    def _write_lines(
        self,
        trans: Transactions,
        doc_number: np.ndarray,
        block_ids: pa.Array,
        part: int,
        rng: np.random.Generator,
    ) -> None:
        lines = trans.lines
        line_doc = doc_number[lines.doc]
        order = np.argsort(line_doc, kind="stable")
        first = self.numbering.take("line", lines.size)
        product = lines.product[order]
        table = to_table(
            "order_lines",
            {
                "order_line_id": col.ids("L", first + np.arange(lines.size), 10),
                "order_id": col.ids("O", line_doc[order], 10),
                "customer_id": block_ids.take(pa.array(lines.cust[order])),
                "product_id": col.nullable_ids(
                    "P", np.where(product >= 0, self.catalogue.number[product], -1), 5
                ),
                "ordered_at": col.timestamps(self.timeline.timestamps_us(lines.t[order])),
                "line_type": col.categories(lines.line_type[order], LINE_TYPES),
                "quantity": col.int32(lines.quantity[order]),
                "unit_price": col.money(lines.unit_price[order]),
                "discount_amount": col.money(lines.discount[order]),
                "currency_code": col.categories(
                    lines.eur[order].astype(np.int8), (P.REPORTING_CURRENCY, P.EUR)
                ),
            },
        )
        for code, name in enumerate(LINE_TYPES):
            self.totals.line_types[name] += int(np.count_nonzero(lines.line_type == code))
        self.totals.eur_lines += int(np.count_nonzero(lines.eur))
        self.writer.write_part("order_lines", part, self._with_duplicates("order_lines", table, rng))

    def _write_truth_orders(
        self,
        trans: Transactions,
        order_number: np.ndarray,
        block_ids: pa.Array,
        eur_customer: np.ndarray,
        part: int,
    ) -> None:
        orders = trans.orders
        sequence = np.argsort(order_number, kind="stable")
        eur = eur_customer[orders.cust]
        table = pa.table(
            {
                "order_id": col.ids("O", order_number[sequence], 10),
                "customer_id": block_ids.take(pa.array(orders.cust[sequence])),
                "value": pa.array(orders.z[sequence]),
                "value_cents": col.money(orders.z_cents[sequence]),
                "net_in_currency": col.money(trans.order_net_local[sequence]),
                "currency_code": col.categories(eur[sequence].astype(np.int8), (P.REPORTING_CURRENCY, P.EUR)),
                "lines": pa.array(trans.lines_per_order[sequence].astype(np.int32)),
            }
        )
        self.writer.write_truth(f"orders/part-{part:05d}.parquet", table)

    # -- the whole data set ----------------------------------------------------------------------

    def key_account_targets(self) -> None:
        """Each key account's total sales: its share of all net sales, the rest coming from the regular
        customers (share_k x regular / (1 - sum of shares))."""
        shares = np.array(self.setup.key_accounts.shares[: self.key_index.size])
        regular = self.totals.regular_sales_cents
        self.key_targets = np.rint(shares * regular / (1.0 - shares.sum())).astype(np.int64)

    def customers_table(self, manager_numbers: np.ndarray, width: int) -> pa.Table:
        pop = self.population
        n = pop.size
        number = np.arange(1, n + 1, dtype=np.int64)
        manager = np.full(n, -1, dtype=np.int64)
        managed = pop.manager >= 0
        manager[managed] = manager_numbers[pop.manager[managed]]
        return to_table(
            "customers",
            {
                "customer_id": col.ids("C", number, 8),
                "customer_name": col.ids("Customer ", number, 8),
                "email": col.ids("billing@c", number, 8, ".example"),
                "signup_date": col.dates(self.timeline.epoch_days(np.floor(pop.signup_t).astype(np.int64))),
                "acquisition_channel": col.categories(pop.channel, P.CHANNELS),
                "segment": col.categories(pop.segment, P.SEGMENTS),
                "region": col.categories(pop.region, P.REGIONS),
                "account_manager_id": col.nullable_ids("E", manager, width),
                "referred_by_customer_id": col.nullable_ids(
                    "C", pop.referred_by + np.where(pop.referred_by >= 0, 1, 0), 8
                ),
                "payment_terms_days": col.int32(pop.terms_days),
                "credit_limit": col.money(np.maximum(pop.credit_limit_cents, 0), pop.credit_limit_cents >= 0),
            },
        )

    def truth_customers(self) -> pa.Table:
        pop = self.population
        death = self.death_t
        dropped = np.isfinite(death)
        return pa.table(
            {
                "customer_id": col.ids("C", np.arange(1, pop.size + 1), 8),
                "signup_time_days": pa.array(pop.signup_t),
                "lambda_per_week": pa.array(pop.lam),
                "dropout_probability": pa.array(pop.dropout),
                "nu": pa.array(pop.nu),
                "mean_order_value": pa.array(self.setup.params.p / pop.nu),
                "dropped_out": pa.array(dropped),
                "dropout_at": pa.array(
                    self.timeline.timestamps_us(np.where(dropped, death, 0.0)),
                    type=pa.timestamp("us"),
                    mask=~dropped,
                ),
                "service_intensity": pa.array(pop.intensity),
                "service_hungry": pa.array(pop.hungry),
                "late_payer": pa.array(pop.late_payer),
                "key_account": pa.array(pop.is_key),
            }
        )


def _progress(show: bool) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not show,
        transient=False,
    )


def generate_dataset(
    out_dir: Path,
    customers: int,
    seed: int = 42,
    end_date: date = date(2026, 10, 31),
    months: int = 24,
    show_progress: bool = True,
) -> GenerationSummary:
    """Write a deterministic demo data set for `customers` customers into `out_dir`."""
    if customers < 1:
        raise ValueError("customers must be at least 1")
    if months < 1:
        raise ValueError("months must be at least 1")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    run = _Run(out_dir, customers, seed, end_date, months)
    bounds = chunk_bounds(customers)
    with _progress(show_progress) as progress:
        setup_task = progress.add_task("customers and catalogue", total=1)
        run.writer.clear()
        run.draw_population()
        progress.advance(setup_task)
        chunk_task = progress.add_task("orders, activities, finance", total=customers)
        for chunk, (lo, hi) in enumerate(bounds):
            index = np.arange(lo, hi, dtype=np.int64)
            index = index[~run.population.is_key[index]]
            run.process(index, P.KIND_CHUNK, chunk, part=chunk)
            progress.advance(chunk_task, hi - lo - 0)
        if run.key_index.size:
            run.key_account_targets()
            run.process(run.key_index, P.KIND_KEY_ACCOUNTS, 0, part=len(bounds))
        for name in PARTITIONED:
            if run.writer.rows[name] == 0 and not any((out_dir / name).glob("*.parquet")):
                run.writer.write_part(name, 0, empty_table(name))
        final_task = progress.add_task("staff, marketing, customers", total=1)
        staff = build_staff(
            seed, run.population, run.manager_first, run.totals.minutes, run.timeline, run.seeds
        )
        width = col.width_for(staff.table.num_rows, 5)
        run.writer.write("employees", staff.table)
        run.writer.write("customers", run.customers_table(staff.manager_employee_number, width))
        run.writer.write("products", run.catalogue.table())
        run.writer.write(
            "marketing_spend", marketing_spend(seed, run.population, run.totals.active, run.timeline)
        )
        for name, tables in run.small.items():
            run.writer.write(name, pa.concat_tables(tables) if tables else empty_table(name))
        run.writer.write_truth("customers.parquet", run.truth_customers())
        key_ids = tuple(f"C{i + 1:08d}" for i in run.key_index)
        truth = _truth(run, staff, key_ids, customers, seed, end_date, months)
        (out_dir / TRUTH_FILE).write_text(json.dumps(truth, indent=2, sort_keys=False) + "\n")
        progress.advance(final_task)
    return GenerationSummary(
        customers=customers,
        rows=dict(run.writer.rows),
        seconds=time.perf_counter() - started,
        out_dir=out_dir,
        key_accounts=key_ids,
    )


def _truth(
    run: _Run, staff: Staff, key_ids: tuple[str, ...], customers: int, seed: int, end_date: date, months: int
) -> dict[str, object]:
    setup = run.setup
    pop = run.population
    regular = ~pop.is_key
    utilisation = {
        r: (staff.work_minutes[r] / staff.capacity_minutes[r] if staff.capacity_minutes[r] else None)
        for r in staff.work_minutes
    }
    return {
        "generator": {"module": "customer_value.generate", "version": GENERATOR_VERSION},
        "seed": seed,
        "arguments": {"customers": customers, "end_date": end_date.isoformat(), "months": months},
        "window": {"start_date": run.timeline.start.isoformat(), "end_date": run.timeline.end.isoformat()},
        "chunk_size": P.CHUNK_SIZE,
        **setup.params.as_dict(),
        "transactions": {
            "definition": (
                "A transaction is a distinct order_id with line_type 'sale'; its value is the sum over its "
                "sale lines of quantity * unit_price - discount_amount, converted to USD with "
                "seeds/exchange_rates.csv. That value equals the drawn Gamma-Gamma value z rounded to the "
                "cent (USD lines exactly; EUR lines within half a cent per line). The first order is on the "
                "signup day at time 0 of the BG/NBD process; repeat purchases after it."
            ),
            "process": (
                "lambda ~ Gamma(r, rate alpha) per week, p ~ Beta(a, b); trial purchase at signup, "
                "Exponential(lambda) inter-purchase times, drop-out with probability p after each repeat "
                "purchase (Fader, Hardie and Lee 2005); z ~ Gamma(p, rate nu), nu ~ Gamma(q, rate gamma)."
            ),
            "lines_per_order": (
                f"1 + Poisson({P.LINES_K} * clip((z / mean z)^{P.LINES_VALUE_ELASTICITY}, 0.3, 3)), "
                "at most one line per 3 USD"
            ),
            "per_customer_truth": (
                "truth/customers.parquet: each customer's drawn lambda (per week), drop-out probability p, "
                "nu, mean order value p/nu, drop-out time, service intensity, flags"
            ),
            "per_order_truth": (
                "truth/orders/*.parquet: every sale order's drawn value (USD, float), the value rounded to "
                "the cent, its net in the line currency, currency and line count"
            ),
        },
        "key_accounts": {
            "customer_ids": list(key_ids),
            "target_share_of_sales": list(setup.key_accounts.shares[: len(key_ids)]),
            "target_sales_usd": [int(c) / 100 for c in run.key_targets],
            "process": (
                "Not part of the BG/NBD/Gamma-Gamma population: early signers (first 60 days), "
                f"enterprise, a trial order then Poisson orders at {setup.key_accounts.orders_per_week}/week "
                f"without drop-out, order values Gamma({setup.key_accounts.order_value_shape}) times the "
                "regular customers' sales of the order's month (so the accounts grow with the business), "
                "scaled so each account's total sales are its target share of all sales, "
                f"1 + Poisson({setup.key_accounts.lines_k}) lines per order. Exclude them when fitting "
                "the population model."
            ),
        },
        "population": {
            "regular_customers": int(regular.sum()),
            "segments": {s: int((pop.segment[regular] == i).sum()) for i, s in enumerate(P.SEGMENTS)},
            "segment_rule": (
                "segment from the score -log(gamma nu) + 0.35 log(lambda alpha / r) + N(0, 0.5) cut at "
                f"{list(P.SEGMENT_CUTS)}; segments are derived from the draws and do not change them"
            ),
            "regions": list(P.REGIONS),
            "eur_region": P.REGIONS[P.EUR_REGION],
            "service_hungry_share": float(pop.hungry[regular].mean()) if regular.any() else 0.0,
            "service_hungry_factor": P.SERVICE_HUNGRY_FACTOR,
            "late_payer_share": float(pop.late_payer[regular].mean()) if regular.any() else 0.0,
            "referred_share": float((pop.referred_by >= 0).mean()),
        },
        "currencies": {
            "reporting": P.REPORTING_CURRENCY,
            "eur_lines": run.totals.eur_lines,
            "rule": (
                "customers of region 'europe' trade in EUR: unit_price and discount_amount in EUR (USD list "
                "price / EUR rate, rounded to the cent); invoices, payments, balances, incentives, contracts "
                "and marketing spend are always USD"
            ),
        },
        "signs": {
            "sale": "quantity > 0, unit_price > 0, discount_amount >= 0",
            "return": (
                "quantity < 0 (units returned), unit_price = the sale's unit price (> 0), "
                "discount_amount <= 0 (the returned share of the sale's discount), so "
                "quantity * unit_price - discount_amount is the negative refunded value; returns are "
                "their own documents (order_id), within 30 days of the sale"
            ),
            "credit_note": (
                "product_id null, quantity -1, unit_price = credited amount (> 0), discount_amount 0"
            ),
            "invoices": (
                "one per sale order, amount = the order's sale value in USD; returns and credit notes "
                "are not invoiced and not refunded through payments"
            ),
        },
        "duplicates": {
            "share": P.DUPLICATE_SHARE,
            "rows": dict(run.totals.duplicates),
            "note": "exact duplicate rows (same key, same values) in order_lines and activities",
        },
        "line_types": dict(run.totals.line_types),
        "staffing": {
            "target_utilisation": P.TARGET_UTILISATION,
            "planned_utilisation": utilisation,
            "fte_at_end": staff.fte_by_resource,
            "account_managers": int(staff.manager_employee_number.size),
            "rule": "team staff follow the minutes the activities need (logged duration, else standard "
            "minutes + minutes_per_unit x units), hired on the first of a month, leavers at month ends",
        },
        "row_counts": dict(run.writer.rows),
    }
