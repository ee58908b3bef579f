"""Orders from the BG/NBD purchase process with Gamma-Gamma order values, split into order lines, plus
returns and credit notes. Everything is vectorised over the customers of a block; the only loop is
over purchase rounds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from customer_value.generate import params as P
from customer_value.generate.catalogue import Catalogue
from customer_value.generate.population import Population

SALE, RETURN, CREDIT_NOTE = 0, 1, 2
LINE_TYPES = ("sale", "return", "credit_note")


@dataclass
class Orders:
    """Sale orders of a block, sorted by customer and time."""

    cust: np.ndarray  # int64, index into the block
    t: np.ndarray  # days since the window opened
    z: np.ndarray  # drawn order value, USD
    z_cents: np.ndarray  # int64, z rounded to the cent

    @property
    def size(self) -> int:
        return int(self.cust.size)


def _sorted(cust: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.lexsort((t, cust))


def simulate_orders(
    rng: np.random.Generator, block: Population, days: int, params: P.TrueParameters
) -> tuple[Orders, np.ndarray]:
    """BG/NBD: the trial order at signup, then Exponential(lambda) gaps; after every repeat purchase the
    customer drops out with probability p. Returns the orders and each customer's drop-out time
    (days; inf while alive). Key accounts (NaN lambda) get no orders here."""
    n = block.size
    regular = np.flatnonzero(~block.is_key)
    death_t = np.full(n, np.inf)
    custs = [regular]
    times = [block.signup_t[regular]]
    alive = regular
    clock = block.signup_t[regular].copy()
    rate_per_day = block.lam / 7.0
    while alive.size:
        with np.errstate(divide="ignore"):
            clock = clock + rng.standard_exponential(alive.size) / rate_per_day[alive]
        inside = clock < days
        alive, clock = alive[inside], clock[inside]
        custs.append(alive)
        times.append(clock)
        drop = rng.random(alive.size) < block.dropout[alive]
        death_t[alive[drop]] = clock[drop]
        alive, clock = alive[~drop], clock[~drop]
    cust = np.concatenate(custs)
    t = np.concatenate(times)
    order = _sorted(cust, t)
    cust, t = cust[order], t[order]
    z = rng.gamma(params.p, 1.0, cust.size) / block.nu[cust]
    z_cents = np.maximum(np.rint(z * 100.0).astype(np.int64), 1)
    return Orders(cust, t, z, z_cents), death_t


def allocate(total: np.ndarray, weights: np.ndarray, group: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Split integer totals over the rows of each group in proportion to weights, exactly (cumulative
    rounding). Rows are grouped contiguously; `starts` is each group's first row."""
    if weights.size == 0:
        return np.zeros(0, dtype=np.int64)
    cumulative = np.cumsum(weights)
    before = np.where(starts > 0, cumulative[np.maximum(starts - 1, 0)], 0.0)
    within = cumulative - before[group]
    ends = np.append(starts[1:], weights.size) - 1
    group_total = cumulative[ends] - before
    share = within / group_total[group]
    share[ends] = 1.0
    running = np.rint(total[group] * share).astype(np.int64)
    previous = np.empty_like(running)
    previous[0] = 0
    previous[1:] = running[:-1]
    previous[starts] = 0
    return running - previous


def simulate_key_orders(
    rng: np.random.Generator,
    block: Population,
    days: int,
    setup: P.KeyAccountSetup,
    target_cents: np.ndarray,
    month_of_day: Callable[[np.ndarray], np.ndarray],
    regular_sales_by_month: np.ndarray,
) -> Orders:
    """Key accounts: a trial order at signup, then a Poisson stream of orders (no drop-out). Order
    values are Gamma weights times the regular customers' sales of the order's month (shared among the
    account's orders of that month), so a key account grows with the business and keeps its share in
    any period; each account's total is then scaled to exactly its target."""
    n = block.size
    span = days - block.signup_t
    repeats = rng.poisson(setup.orders_per_week / 7.0 * span)
    counts = repeats + 1
    cust = np.repeat(np.arange(n, dtype=np.int64), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    offset = rng.random(cust.size) * span[cust]
    offset[starts] = 0.0
    t = block.signup_t[cust] + offset
    order = _sorted(cust, t)
    cust, t = cust[order], t[order]
    month = month_of_day(np.floor(t).astype(np.int64))
    months = regular_sales_by_month.size
    per_month = np.bincount(cust * months + month, minlength=n * months)
    level = regular_sales_by_month[month] / per_month[cust * months + month]
    weights = rng.gamma(setup.order_value_shape, 1.0, cust.size) * np.maximum(level, 1e-9)
    z_cents = np.maximum(allocate(target_cents, weights, cust, starts), 1)
    return Orders(cust, t, z_cents / 100.0, z_cents)


@dataclass
class Lines:
    """Order lines of a block: sales, returns and credit notes, in document order."""

    doc: np.ndarray  # int64 document index (sale orders first, then returns, then credit notes)
    cust: np.ndarray
    t: np.ndarray
    line_type: np.ndarray  # int8
    product: np.ndarray  # catalogue position, -1 for credit notes
    quantity: np.ndarray  # int64
    unit_price: np.ndarray  # cents in the line's currency
    discount: np.ndarray  # cents in the line's currency
    eur: np.ndarray  # bool

    @property
    def size(self) -> int:
        return int(self.doc.size)

    def net(self) -> np.ndarray:
        return self.quantity * self.unit_price - self.discount


@dataclass
class Transactions:
    orders: Orders
    lines: Lines
    lines_per_order: np.ndarray
    order_net_local: np.ndarray  # net of each sale order in its currency, cents
    order_usd_cents: np.ndarray  # reporting-currency value of each sale order (invoice amount)
    n_returns: int
    n_credit_notes: int
    doc_t: np.ndarray  # time of every document


def _group_starts(counts: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def build_lines(
    rng: np.random.Generator,
    rng_returns: np.random.Generator,
    block: Population,
    orders: Orders,
    catalogue: Catalogue,
    days: int,
    eur_rate: float,
    params: P.TrueParameters,
    key_lines_k: float | None = None,
) -> Transactions:
    """Split each order's value into lines whose quantity x price - discount adds up to it exactly."""
    m = orders.size
    seg = block.segment[orders.cust]
    eur_order = block.eur[orders.cust]

    # Lines per order: more for bigger orders; at most one line per 3 USD of value.
    if key_lines_k is None:
        relative = np.clip(
            (orders.z_cents / (params.mean_order_value * 100)) ** P.LINES_VALUE_ELASTICITY, 0.3, 3
        )
        n_lines = 1 + rng.poisson(P.LINES_K * relative)
    else:
        n_lines = 1 + rng.poisson(key_lines_k, m)
    n_lines = np.minimum(n_lines, np.maximum(orders.z_cents // P.MIN_LINE_CENTS, 1)).astype(np.int64)
    starts = _group_starts(n_lines)
    order_of_line = np.repeat(np.arange(m, dtype=np.int64), n_lines)
    total_lines = order_of_line.size

    # Reporting-currency value of each line: a floor plus a random share of the rest.
    floor = np.where(orders.z_cents >= P.LINE_FLOOR_CENTS * n_lines, P.LINE_FLOOR_CENTS, 0)
    rest = orders.z_cents - floor * n_lines
    weights = rng.gamma(1.5, 1.0, total_lines)
    value_usd = floor[order_of_line] + allocate(rest, weights, order_of_line, starts)
    eur = eur_order[order_of_line]
    value = np.where(eur, np.maximum(np.rint(value_usd / eur_rate), 1).astype(np.int64), value_usd)

    # Category: the customer's favourite or the general mix; cheap enough for the line's value.
    cust_of_line = orders.cust[order_of_line]
    category_weights = np.array([c.weight for c in P.CATEGORIES])
    general = np.searchsorted(
        np.cumsum(category_weights / category_weights.sum())[:-1], rng.random(total_lines)
    )
    category = np.where(
        rng.random(total_lines) < P.MAIN_CATEGORY_SHARE, block.main_category[cust_of_line], general
    ).astype(np.int64)

    line_seg = seg[order_of_line]
    key_line = block.is_key[cust_of_line]
    discount_table = np.array(P.DISCOUNT)
    none_share = np.where(key_line, P.KEY_ACCOUNT_DISCOUNT[0], discount_table[line_seg, 0])
    low = np.where(key_line, P.KEY_ACCOUNT_DISCOUNT[1], discount_table[line_seg, 1])
    high = np.where(key_line, P.KEY_ACCOUNT_DISCOUNT[2], discount_table[line_seg, 2])
    rate = np.where(rng.random(total_lines) < none_share, 0.0, low + (high - low) * rng.random(total_lines))
    gross_target = value / (1.0 - rate)

    cheapest = int(np.argmin(catalogue.price_cents[catalogue.category_start]))
    too_dear = catalogue.min_price(category, eur) > gross_target
    category[too_dear] = cheapest

    quantity_table = np.array(P.QUANTITY_LOGNORMAL)
    mu = np.where(key_line, P.KEY_ACCOUNT_QUANTITY_LOGNORMAL[0], quantity_table[line_seg, 0])
    sigma = np.where(key_line, P.KEY_ACCOUNT_QUANTITY_LOGNORMAL[1], quantity_table[line_seg, 1])
    wanted = np.maximum(np.rint(np.exp(mu + sigma * rng.standard_normal(total_lines))), 1.0)
    dearest = catalogue.max_price(category, eur)
    above = gross_target / wanted > dearest
    wanted = np.where(above, np.ceil(gross_target / dearest), wanted)

    # Lines without a discount (all but the order's last line) sell whole units at the list price:
    # their value becomes quantity x price of the product priced nearest to the wanted unit value, and
    # the last line of the order absorbs the difference (it is priced with a discount, below). Orders
    # where that would leave the last line with too little fall back to discounts on every line.
    last = np.zeros(total_lines, dtype=bool)
    last[starts + n_lines - 1] = True
    exact = (rate == 0.0) & ~last
    exact_product = catalogue.pick_nearest(category[exact], value[exact] / wanted[exact], eur[exact])
    exact_price = catalogue.line_prices(exact_product, eur[exact])
    exact_quantity = np.maximum(np.rint(value[exact] / exact_price), 1).astype(np.int64)
    change = np.zeros(total_lines, dtype=np.int64)
    change[exact] = exact_quantity * exact_price - value[exact]
    shift = np.bincount(order_of_line, weights=change, minlength=m).astype(np.int64)
    last_rows = starts + n_lines - 1
    remaining = value[last_rows] - shift
    feasible = remaining >= np.maximum(P.LINE_FLOOR_CENTS, value[last_rows] // 4)
    use = feasible[order_of_line]
    exact_used = use[exact]
    value = value.copy()
    value[np.flatnonzero(exact)[exact_used]] += change[exact][exact_used]
    value[last_rows[feasible]] = remaining[feasible]
    exact &= use

    gross_target = value / (1.0 - rate)
    too_dear = catalogue.min_price(category, eur) > gross_target
    category[too_dear & ~exact] = cheapest
    dearest = catalogue.max_price(category, eur)
    above = gross_target / wanted > dearest
    wanted = np.where(above, np.ceil(gross_target / dearest), wanted)
    product = catalogue.pick(category, gross_target / wanted, eur)
    price = catalogue.line_prices(product, eur)
    quantity = np.maximum(np.ceil(gross_target / price).astype(np.int64), -(-value // price))
    quantity = np.maximum(quantity, 1)
    product[exact] = exact_product[exact_used]
    price[exact] = exact_price[exact_used]
    quantity[exact] = exact_quantity[exact_used]
    discount = quantity * price - value

    order_net_local = np.bincount(order_of_line, weights=value, minlength=m).astype(np.int64)
    order_usd = np.where(eur_order, np.rint(order_net_local * eur_rate).astype(np.int64), orders.z_cents)

    sale_t = orders.t[order_of_line]
    # Returns: a few % of sale lines, more in some categories and among consumers, within 30 days.
    return_rate = np.array([c.return_rate for c in P.CATEGORIES])[category]
    seg_factor = np.where(key_line, 0.5, np.array(P.RETURN_SEGMENT_FACTOR)[line_seg])
    returned = rng_returns.random(total_lines) < return_rate * seg_factor
    return_t = sale_t + rng_returns.uniform(*P.RETURN_DAYS, total_lines)
    returned &= return_t < days
    r_index = np.flatnonzero(returned)
    r_units = 1 + rng_returns.binomial(quantity[r_index] - 1, 0.3)
    r_discount = -np.rint(discount[r_index] * r_units / quantity[r_index]).astype(np.int64)

    # Credit notes: price adjustments, more for customers who need (and complain) a lot.
    intensity = np.clip(block.intensity[orders.cust], 0.5, 4.0)
    credit_probability = np.where(block.is_key[orders.cust], 0.02, P.CREDIT_NOTE_RATE * intensity**0.7)
    credited = rng_returns.random(m) < credit_probability
    credit_t = orders.t + rng_returns.uniform(*P.CREDIT_NOTE_DAYS, m)
    credited &= credit_t < days
    c_index = np.flatnonzero(credited)
    c_amount = np.maximum(
        np.rint(order_net_local[c_index] * rng_returns.uniform(*P.CREDIT_NOTE_SHARE, c_index.size)), 1
    ).astype(np.int64)

    n_returns, n_credits = r_index.size, c_index.size
    doc = np.concatenate(
        [order_of_line, m + np.arange(n_returns, dtype=np.int64), m + n_returns + np.arange(n_credits)]
    )
    lines = Lines(
        doc=doc,
        cust=np.concatenate([cust_of_line, cust_of_line[r_index], orders.cust[c_index]]),
        t=np.concatenate([sale_t, return_t[r_index], credit_t[c_index]]),
        line_type=np.concatenate(
            [
                np.full(total_lines, SALE, np.int8),
                np.full(n_returns, RETURN, np.int8),
                np.full(n_credits, CREDIT_NOTE, np.int8),
            ]
        ),
        product=np.concatenate([product, product[r_index], np.full(n_credits, -1, np.int64)]),
        quantity=np.concatenate([quantity, -r_units, np.full(n_credits, -1, np.int64)]),
        unit_price=np.concatenate([price, price[r_index], c_amount]),
        discount=np.concatenate([discount, r_discount, np.zeros(n_credits, np.int64)]),
        eur=np.concatenate([eur, eur[r_index], eur_order[c_index]]),
    )
    doc_t = np.concatenate([orders.t, return_t[r_index], credit_t[c_index]])
    return Transactions(
        orders=orders,
        lines=lines,
        lines_per_order=n_lines,
        order_net_local=order_net_local,
        order_usd_cents=order_usd,
        n_returns=n_returns,
        n_credit_notes=n_credits,
        doc_t=doc_t,
    )
