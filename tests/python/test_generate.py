"""The demo data generator: determinism, the raw-data contract, referential integrity, the drawn order
values, the BG/NBD and Gamma-Gamma moments of what it writes, and scaling."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest

from customer_value.contract import raw_tables
from customer_value.generate import generate_dataset
from customer_value.generate import params as generator_params

END = date(2026, 10, 31)
MONTHS = 24
PARTITIONED = ("order_lines", "activities", "invoices", "payments", "customer_balances")
DUCKDB_TYPES = {"string": "varchar", "integer": "integer", "date": "date", "timestamp": "timestamp"}


def _generate(path: Path, customers: int, seed: int) -> Path:
    generate_dataset(path, customers=customers, seed=seed, end_date=END, months=MONTHS, show_progress=False)
    return path


def _source(path: Path, table: str) -> str:
    if table in PARTITIONED:
        return f"read_parquet('{path}/{table}/*.parquet')"
    return f"read_parquet('{path}/{table}.parquet')"


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Views over the raw files, with the re-delivered duplicate rows removed as staging does."""
    con = duckdb.connect()
    for table in raw_tables():
        distinct = "distinct " if table in ("order_lines", "activities") else ""
        con.execute(f"create view {table} as select {distinct}* from {_source(path, table)}")
    con.execute(f"create view truth_orders as select * from read_parquet('{path}/truth/orders/*.parquet')")
    con.execute(
        f"create view truth_customers as select * from read_parquet('{path}/truth/customers.parquet')"
    )
    # Sale orders with their value in USD and the customer's first-order time.
    con.execute(
        """
        create view sale_orders as
        select order_id, customer_id, min(ordered_at) as ordered_at, count(*) as lines,
               sum((quantity * unit_price - discount_amount)
                   * case when currency_code = 'EUR' then 1.08 else 1 end)::double as value
        from order_lines where line_type = 'sale' group by all
        """
    )
    return con


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("small"), 2_000, seed=7)


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("medium"), 20_000, seed=11)


def _digests(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


# --- determinism ------------------------------------------------------------------------------------


def test_same_seed_gives_identical_files_and_other_seed_other_data(tmp_path: Path) -> None:
    first = _digests(_generate(tmp_path / "a", 1_200, seed=5))
    again = _digests(_generate(tmp_path / "b", 1_200, seed=5))
    other = _digests(_generate(tmp_path / "c", 1_200, seed=6))
    assert first == again
    assert "order_lines/part-00000.parquet" in first
    for name in ("order_lines/part-00000.parquet", "activities/part-00000.parquet", "customers.parquet"):
        assert first[name] != other[name], name


def test_small_chunks_keep_ids_unique_and_write_one_part_per_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator_params, "CHUNK_SIZE", 400)
    path = _generate(tmp_path, 1_500, seed=3)
    parts = sorted(p.name for p in (path / "order_lines").glob("*.parquet"))
    # 4 chunks of customers and one part for the key accounts.
    assert parts == [f"part-{i:05d}.parquet" for i in range(5)]
    con = _connect(path)
    for table, key in (
        ("order_lines", "order_line_id"),
        ("activities", "activity_id"),
        ("invoices", "invoice_id"),
        ("payments", "payment_id"),
        ("surveys", "survey_id"),
        ("contracts", "contract_id"),
        ("customer_incentives", "incentive_id"),
    ):
        total, distinct = con.execute(f"select count(*), count(distinct {key}) from {table}").fetchone()
        assert total == distinct > 0, table
    documents = con.execute(
        "select count(*) from (select order_id from order_lines group by 1 "
        "having count(distinct customer_id) > 1)"
    ).fetchone()[0]
    assert documents == 0


def test_rerun_replaces_stale_files(tmp_path: Path) -> None:
    (tmp_path / "order_lines").mkdir(parents=True)
    (tmp_path / "order_lines" / "part-00042.parquet").write_bytes(b"stale")
    (tmp_path / "invoices.parquet").write_bytes(b"stale")  # would shadow the folder for the loader
    (tmp_path / "notes.txt").write_text("keep me")
    summary = generate_dataset(
        tmp_path, customers=300, seed=1, end_date=END, months=MONTHS, show_progress=False
    )
    assert str(summary).startswith("300 customers, ")
    assert f"{summary.rows['order_lines']:,} order lines" in str(summary)
    assert not (tmp_path / "order_lines" / "part-00042.parquet").exists()
    assert not (tmp_path / "invoices.parquet").exists()
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    con = _connect(tmp_path)
    assert con.execute("select count(*) from invoices").fetchone()[0] > 0


# --- contract ---------------------------------------------------------------------------------------


def test_every_file_matches_the_contract(small: Path) -> None:
    con = duckdb.connect()
    for name, table in raw_tables().items():
        source = _source(small, name)
        described = con.execute(f"describe select * from {source}").fetchall()
        assert [row[0] for row in described] == [c.name for c in table.columns], name
        rows = con.execute(f"select count(*) from {source}").fetchone()[0]
        assert rows > 0, name
        for column in table.columns:
            target = DUCKDB_TYPES.get(column.data_type, column.data_type)
            bad, nulls = con.execute(
                f"select count(*) filter (where {column.name} is not null "
                f"and try_cast({column.name} as {target}) is null), count(*) - count({column.name}) "
                f"from {source}"
            ).fetchone()
            assert bad == 0, f"{name}.{column.name} does not cast to {target}"
            if not column.optional:
                assert nulls == 0, f"{name}.{column.name} is required but has nulls"


def test_truth_json_describes_the_run(small: Path) -> None:
    truth = json.loads((small / "truth.json").read_text())
    assert truth["seed"] == 7
    assert truth["arguments"] == {"customers": 2_000, "end_date": "2026-10-31", "months": 24}
    assert set(truth["bgnbd"]) == {"r", "alpha", "a", "b"}
    assert set(truth["gamma_gamma"]) == {"p", "q", "gamma"}
    con = duckdb.connect()
    for name in raw_tables():
        rows = con.execute(f"select count(*) from {_source(small, name)}").fetchone()[0]
        assert truth["row_counts"][name] == rows, name
    assert len(truth["key_accounts"]["customer_ids"]) == 3
    assert truth["duplicates"]["rows"]["order_lines"] >= 0


# --- integrity --------------------------------------------------------------------------------------


def _zero(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    value = con.execute(sql).fetchone()[0]
    assert value == 0, f"{value} rows: {sql}"


def test_referential_integrity(small: Path) -> None:
    con = _connect(small)
    end = f"date '{END.isoformat()}'"
    _zero(
        con, "select count(*) from order_lines where customer_id not in (select customer_id from customers)"
    )
    _zero(
        con,
        "select count(*) from order_lines where (product_id is null) <> (line_type = 'credit_note') "
        "or (product_id is not null and product_id not in (select product_id from products))",
    )
    _zero(
        con,
        "select count(*) from invoices i left join (select distinct order_id, customer_id from order_lines "
        "where line_type = 'sale') o using (order_id) where o.customer_id is distinct from i.customer_id",
    )
    # Exactly one invoice per sale order.
    _zero(
        con,
        "select count(*) from (select distinct order_id from order_lines where line_type = 'sale') o "
        "where (select count(*) from invoices i where i.order_id = o.order_id) <> 1",
    )
    _zero(con, "select count(*) from payments where invoice_id not in (select invoice_id from invoices)")
    _zero(
        con,
        "select count(*) from (select invoice_id, sum(p.amount) paid from payments p group by 1) "
        "join invoices i using (invoice_id) where paid > i.amount",
    )
    _zero(
        con,
        f"select count(*) from payments p join invoices i using (invoice_id) "
        f"where p.paid_date > {end} or p.paid_date < i.issued_date or p.customer_id <> i.customer_id",
    )
    _zero(
        con,
        "select count(*) from customers c left join employees e on e.employee_id = c.account_manager_id "
        "where c.account_manager_id is not null and (e.role is distinct from 'account_manager' "
        "or e.resource_id is not null)",
    )
    _zero(
        con,
        "select count(*) from customers c join customers r on r.customer_id = c.referred_by_customer_id "
        "where r.signup_date > c.signup_date",
    )
    _zero(
        con,
        "select count(*) from customers where referred_by_customer_id is not null "
        "and referred_by_customer_id not in (select customer_id from customers)",
    )
    for table in (
        "activities",
        "surveys",
        "contracts",
        "customer_balances",
        "customer_incentives",
        "invoices",
    ):
        _zero(
            con, f"select count(*) from {table} where customer_id not in (select customer_id from customers)"
        )
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    _zero(
        con,
        f"select count(*) from activities where activity_type not in "
        f"(select activity_type from read_csv('{seeds}/activity_types.csv'))"
        f" or (resource_id is not null and resource_id not in "
        f"(select resource_id from read_csv('{seeds}/resources.csv')))",
    )
    _zero(
        con,
        f"select count(*) from employees where resource_id is not null and resource_id not in "
        f"(select resource_id from read_csv('{seeds}/resources.csv'))",
    )
    # Nothing happens outside the window; the first order is on the signup day.
    for table, column in (("order_lines", "ordered_at"), ("activities", "activity_at")):
        _zero(
            con,
            f"select count(*) from {table} where {column} >= {end} + 1 or {column} < date '2024-11-01'",
        )
    _zero(
        con,
        "select count(*) from customers c join (select customer_id, min(ordered_at)::date first_day "
        "from sale_orders group by 1) o using (customer_id) where o.first_day <> c.signup_date",
    )


def test_duplicates_are_exact_copies(small: Path) -> None:
    con = duckdb.connect()
    for table, key in (("order_lines", "order_line_id"), ("activities", "activity_id")):
        total, keys, rows = con.execute(
            f"select count(*), count(distinct {key}), (select count(*) from (select distinct * from "
            f"{_source(small, table)})) from {_source(small, table)}"
        ).fetchone()
        assert keys == rows, f"{table}: rows sharing a key differ in other columns"
        assert 0 < total - keys < 0.004 * total, table


def test_signs_of_returns_and_credit_notes(small: Path) -> None:
    con = _connect(small)
    _zero(
        con,
        "select count(*) from order_lines where line_type = 'sale' "
        "and (quantity <= 0 or discount_amount < 0)",
    )
    _zero(
        con,
        "select count(*) from order_lines where line_type = 'sale' "
        "and quantity * unit_price - discount_amount <= 0",
    )
    _zero(
        con,
        "select count(*) from order_lines where line_type = 'return' "
        "and (quantity >= 0 or discount_amount > 0 or quantity * unit_price - discount_amount >= 0)",
    )
    _zero(
        con,
        "select count(*) from order_lines where line_type = 'credit_note' "
        "and (quantity <> -1 or unit_price <= 0 or discount_amount <> 0)",
    )
    # EUR only for European customers, and every line of a document in one currency.
    _zero(
        con,
        "select count(*) from order_lines l join customers c using (customer_id) "
        "where (l.currency_code = 'EUR') <> (c.region = 'europe')",
    )


# --- the drawn values -------------------------------------------------------------------------------


def test_order_values_equal_the_drawn_values(small: Path) -> None:
    con = _connect(small)
    rows = con.execute(
        """
        select t.value, t.value_cents::double, s.value, s.lines, t.currency_code
        from truth_orders t join sale_orders s using (order_id)
        """
    ).fetchall()
    truth_orders = con.execute("select count(*) from truth_orders").fetchone()[0]
    sale_orders = con.execute("select count(*) from sale_orders").fetchone()[0]
    assert len(rows) == truth_orders == sale_orders
    drawn, cents, written, lines, currency = (np.array(column) for column in zip(*rows, strict=True))
    assert np.array_equal(cents, np.round(drawn * 100) / 100)
    usd = currency == "USD"
    assert np.abs(written[usd] - cents[usd]).max() < 1e-9
    # EUR lines are rounded to the euro cent: at most half a cent (times the rate) per line.
    assert (np.abs(written[~usd] - cents[~usd]) <= 0.0054 * lines[~usd] + 1e-9).all()
    assert (~usd).sum() > 0


# --- the model's moments ----------------------------------------------------------------------------


def _digamma(x: float) -> float:
    h = 1e-5
    return (math.lgamma(x + h) - math.lgamma(x - h)) / (2 * h)


def _trigamma(x: float) -> float:
    h = 1e-4
    return (math.lgamma(x + h) - 2 * math.lgamma(x) + math.lgamma(x - h)) / (h * h)


def _hyp2f1(a: float, b: float, c: float, z: np.ndarray) -> np.ndarray:
    """Gauss's series, fine for 0 <= z < 0.97."""
    term = np.ones_like(z)
    total = np.ones_like(z)
    n = 0
    while term.max() > 1e-15 * total.min():
        term = term * (a + n) * (b + n) / ((c + n) * (n + 1)) * z
        total += term
        n += 1
    return total


def _regular_customers(con: duckdb.DuckDBPyConnection, truth: dict) -> tuple[np.ndarray, ...]:
    """Per regular customer: T (weeks from the first order to the end), repeat orders, first two
    order values (NaN when missing)."""
    keys = ", ".join(f"'{k}'" for k in truth["key_accounts"]["customer_ids"])
    rows = con.execute(
        f"""
        with ranked as (
            select customer_id, ordered_at, value,
                   row_number() over (partition by customer_id order by ordered_at, order_id) as k
            from sale_orders where customer_id not in ({keys})
        )
        select count(*) - 1,
               epoch(max(ordered_at) filter (where k = 1)),
               max(value) filter (where k = 1), max(value) filter (where k = 2)
        from ranked group by customer_id order by customer_id
        """
    ).fetchall()
    repeats, first_epoch, z1, z2 = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    # Timestamps put the continuous signup time of day into 07:00-20:00; undo that.
    day = np.floor(first_epoch / 86_400)
    fraction = (first_epoch - day * 86_400 - 7 * 3600) / (13 * 3600)
    end_epoch_day = (date(2026, 11, 1) - date(1970, 1, 1)).days
    weeks = (end_epoch_day - (day + fraction)) / 7
    return weeks, repeats, z1, z2


def test_bgnbd_moments_match_the_true_parameters(medium: Path) -> None:
    truth = json.loads((medium / "truth.json").read_text())
    r, alpha, a, b = (truth["bgnbd"][k] for k in ("r", "alpha", "a", "b"))
    weeks, repeats, _, _ = _regular_customers(_connect(medium), truth)
    assert weeks.size == truth["population"]["regular_customers"]

    # P(no repeat purchase by T) = E[exp(-lambda T)] = (alpha / (alpha + T))^r: the trial purchase can
    # not end the relationship. Binomial standard error of the sum of independent indicators; 4 SE.
    p0 = (alpha / (alpha + weeks)) ** r
    observed = (repeats == 0).sum()
    se = math.sqrt((p0 * (1 - p0)).sum())
    assert abs(observed - p0.sum()) < 4 * se, (observed, p0.sum(), se)

    # E[X(T)] (Fader, Hardie and Lee 2005, eq. 9). The tolerance is 4 standard errors of the mean,
    # estimated from the sample (X has a finite variance); a drop-out after the trial purchase or a
    # rate/scale mix-up moves the mean by 10% or more, i.e. by well over 4 SE at 20,000 customers.
    z = weeks / (alpha + weeks)
    expected = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + weeks)) ** r * _hyp2f1(r, b, a + b - 1, z))
    se = repeats.std(ddof=1) / math.sqrt(repeats.size)
    assert abs(repeats.mean() - expected.mean()) < 4 * se, (repeats.mean(), expected.mean(), se)


def test_gamma_gamma_moments_match_the_true_parameters(medium: Path) -> None:
    truth = json.loads((medium / "truth.json").read_text())
    p, q, gamma = (truth["gamma_gamma"][k] for k in ("p", "q", "gamma"))
    _, _, z1, z2 = _regular_customers(_connect(medium), truth)

    # Mean first-order value = p gamma / (q - 1); z has a finite variance for q > 2. 4.5 SE because
    # the heavy right tail makes the sample SE itself noisy.
    se = z1.std(ddof=1) / math.sqrt(z1.size)
    assert abs(z1.mean() - p * gamma / (q - 1)) < 4.5 * se, (z1.mean(), p * gamma / (q - 1), se)

    # log z = log Gamma(p, 1) - log nu: E = psi(p) - psi(q) + log(gamma), Var = psi'(p) + psi'(q).
    # Logs have all moments, so the usual 4 SE bound is sharp.
    logs = np.log(z1)
    se = logs.std(ddof=1) / math.sqrt(logs.size)
    mean = _digamma(p) - _digamma(q) + math.log(gamma)
    assert abs(logs.mean() - mean) < 4 * se, (logs.mean(), mean, se)
    variance = _trigamma(p) + _trigamma(q)
    se_var = np.sqrt(((logs - logs.mean()) ** 2).var(ddof=1) / logs.size)
    assert abs(logs.var(ddof=1) - variance) < 4 * se_var, (logs.var(ddof=1), variance, se_var)

    # Two orders of one customer share nu, so half the mean squared log difference is psi'(p): this
    # pins p independently of q and gamma (a per-order nu would double it, a per-customer value would
    # make it 0).
    both = ~np.isnan(z2)
    half_square = 0.5 * (np.log(z1[both]) - np.log(z2[both])) ** 2
    se = half_square.std(ddof=1) / math.sqrt(half_square.size)
    assert abs(half_square.mean() - _trigamma(p)) < 4 * se, (half_square.mean(), _trigamma(p), se)


def test_key_accounts_carry_five_to_eight_percent_of_sales_each(medium: Path) -> None:
    truth = json.loads((medium / "truth.json").read_text())
    con = _connect(medium)
    shares = dict(
        con.execute(
            "select customer_id, sum(value) / sum(sum(value)) over () from ("
            "select customer_id, (quantity * unit_price - discount_amount) "
            "* case when currency_code = 'EUR' then 1.08 else 1 end as value from order_lines) group by 1"
        ).fetchall()
    )
    keys = truth["key_accounts"]["customer_ids"]
    assert len(keys) == 3
    for key in keys:
        assert 0.045 < float(shares[key]) < 0.085, (key, shares[key])
    others = sorted((float(v) for k, v in shares.items() if k not in keys), reverse=True)
    assert others[0] < 0.01


def test_the_business_looks_real(medium: Path) -> None:
    con = _connect(medium)
    truth = json.loads((medium / "truth.json").read_text())
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731

    returns = one(
        "select count(*) filter (where line_type = 'return') / count(*) filter (where line_type = 'sale') "
        "from order_lines"
    )
    assert 0.01 < returns < 0.06
    assert one("select count(*) from order_lines where line_type = 'credit_note'") > 0
    assert 0.07 < one("select avg((acquisition_channel = 'referral')::int) from customers") < 0.15
    # Late payers: customers with an invoice paid 15+ days after its due date.
    late = one(
        "select count(distinct p.customer_id) / (select count(distinct customer_id) from payments) "
        "from payments p join invoices i using (invoice_id) where p.paid_date >= i.due_date + 15"
    )
    assert 0.12 < late < 0.35
    assert (
        0.14
        < one("select count(distinct customer_id) / (select count(*) from customers) from contracts")
        < 0.26
    )
    # Service-hungry customers call far more often per customer, and rate us lower.
    calls = dict(
        con.execute(
            "select t.service_hungry, count(a.activity_id) / count(distinct t.customer_id) "
            "from truth_customers t left join activities a on a.customer_id = t.customer_id "
            "and a.activity_type = 'call' where not t.key_account group by 1"
        ).fetchall()
    )
    assert calls[True] > 2.5 * calls[False]
    scores = dict(
        con.execute(
            "select t.service_hungry, avg(s.score) from surveys s join truth_customers t using (customer_id) "
            "group by 1"
        ).fetchall()
    )
    assert scores[True] < scores[False] - 0.3
    share_hungry = one("select avg(service_hungry::int) from truth_customers where not key_account")
    assert 0.06 < share_hungry < 0.10
    # Account managers look after 100-250 accounts each on average.
    per_manager = one(
        "select count(*) / count(distinct account_manager_id) from customers "
        "where account_manager_id is not null"
    )
    assert 100 <= per_manager <= 250
    # Staffing follows the work: busy teams, one clearly over-staffed.
    utilisation = truth["staffing"]["planned_utilisation"]
    busy = [v for k, v in utilisation.items() if k != "branch"]
    assert 0.70 < sum(busy) / len(busy) < 0.95
    assert utilisation["branch"] < 0.65
    # Averages per customer at the demo scale: ~20 order lines and ~30 activities.
    lines, activities = con.execute(
        "select (select count(*) from order_lines) / count(*), (select count(*) from activities) / count(*) "
        "from customers"
    ).fetchone()
    assert 17 < lines < 24
    assert 27 < activities < 36


# --- scaling ----------------------------------------------------------------------------------------


def test_twice_the_customers_give_about_twice_the_rows(tmp_path: Path) -> None:
    base = json.loads((_generate(tmp_path / "one", 1_500, seed=9) / "truth.json").read_text())["row_counts"]
    double = json.loads((_generate(tmp_path / "two", 3_000, seed=9) / "truth.json").read_text())["row_counts"]
    # Row totals are sums over ~1,500 heavy-tailed customers (sd of the total about 5%), plus three key
    # accounts in both runs: a ratio within 1.7-2.3 is about 4 standard deviations either way.
    for table in ("order_lines", "activities", "invoices", "payments", "customer_incentives"):
        ratio = double[table] / base[table]
        assert 1.7 < ratio < 2.3, (table, ratio)
    assert double["customers"] == 2 * base["customers"]
