"""The worked-example unit tests must fail when the logic they guard is broken.

Each case breaks one formula of a copy of the dbt project the way a careless edit would, and runs the dbt
unit tests against the bank warehouse: the named unit test has to fail. The cases share one copy and put
its files back after each run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

PROJECT_FILES = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "docs"]

MUTATIONS = [
    pytest.param(
        "models/intermediate/cost_allocation/int_activities_costed.sql",
        "round_money('timed.activity_minutes * capacity.cost_per_minute')",
        "round_money('timed.activity_minutes * capacity.cost_per_minute * 1.01')",
        "tdabc_activity_costs_rate_times_minutes",
        id="activity cost not rate x minutes",
    ),
    pytest.param(
        "models/intermediate/cost_allocation/int_activities_costed.sql",
        "{{ round_money('timed.activity_minutes * capacity.cost_per_minute') }}",
        "round(timed.activity_minutes * capacity.cost_per_minute, 2)",
        "activity_cost_rounds_a_half_cent_up_on_every_engine",
        id="activity cost rounds the double, not the value",
    ),
    pytest.param(
        "models/intermediate/cost_allocation/int_resource_capacity_costs.sql",
        "fte_months * theoretical_minutes_per_fte_month * practical_capacity_share",
        "fte_months * theoretical_minutes_per_fte_month",
        "capacity_cost_rate_is_cost_supplied_over_practical_minutes",
        id="rate over theoretical instead of practical capacity",
    ),
    pytest.param(
        "macros/arithmetic.sql",
        "rows between unbounded preceding and current row",
        "rows between current row and current row",
        "deposit_yield_accrues_to_the_cent_over_a_year",
        id="accrual without cumulative rounding",
    ),
    pytest.param(
        "macros/allocate_largest_remainder.sql",
        "<= ranked.{{ p }}leftover_units then 1",
        "<= 0 then 1",
        "account_manager_cost_follows_share_of_sales_to_the_cent",
        id="allocation loses the leftover cents",
    ),
    pytest.param(
        "macros/profitability.sql",
        "cast({{ contribution }} - {{ allocated }} as",
        "cast({{ contribution }} as",
        "profit_levels_follow_the_margin_analysis",
        id="profit ignores allocated costs",
    ),
    pytest.param(
        "macros/profitability.sql",
        "{%- set net_revenue = '(net_sales + float_income)' -%}",
        "{%- set net_revenue = '(net_sales)' -%}",
        "bank_example_customer_profit_over_a_year",
        id="revenue ignores float income",
    ),
    pytest.param(
        "macros/lifetime_value.sql",
        "(cast({{ m }} as double) * {{ r }} / (1 + {{ d }} - {{ r }}))",
        "(cast({{ m }} as double) * {{ r }} / (1 + {{ d }}))",
        "clv_residual_reproduces_the_worked_example",
        id="clv without retention in the denominator",
    ),
    pytest.param(
        "macros/lifetime_value.sql",
        "(1 + {{ d }} - {{ r }} * (1 + {{ g }}))",
        "(1 + {{ d }} - {{ r }})",
        "clv_variants_reproduce_the_worked_example",
        id="clv growth variant ignores growth",
    ),
    pytest.param(
        "models/marts/customer_value/fct_customer_equity_monthly.sql",
        "sum(case when is_retained then clv else 0 end)",
        "sum(case when is_active then clv else 0 end)",
        "customer_equity_of_a_hand_made_month",
        id="retention equity counts new customers too",
    ),
    pytest.param(
        "models/marts/customer_value/fct_customer_prospective_value.sql",
        "'monthly_discount_rate', 'remaining_months'",
        "'monthly_discount_rate', 'remaining_months - 1'",
        "prospective_value_discounts_the_remaining_term",
        id="prospective value discounts one month too few",
    ),
    pytest.param(
        "models/intermediate/customer_value/int_customer_value_groups_monthly.sql",
        "sum(case when is_retention_measurable then customers_start else 0 end)",
        "sum(customers_start)",
        "retention_rate_is_measured_from_retained_over_start",
        id="retention counted before anyone can be lost",
    ),
    # lifetime value (issue 4); singular tests (assert_...) are selected by name
    pytest.param(
        "models/intermediate/clv/int_purchases_aggregated_to_customer_days.sql",
        "sum(case when amount > 0 then 1 else 0 end) > 0 as has_spend",
        "sum(case when amount >= 0 then 1 else 0 end) > 0 as has_spend",
        "sale_lines_become_one_purchase_per_customer_day",
        id="a zero-value purchase counted as spend",
    ),
    pytest.param(
        "models/intermediate/clv/int_customer_purchases_summarised.sql",
        "purchase_days.purchase_date > calibration.calibration_end_date as is_holdout",
        "purchase_days.purchase_date >= calibration.calibration_end_date as is_holdout",
        "rfm_summary_in_weeks_with_a_holdout",
        id="calibration end day counted as holdout",
    ),
    pytest.param(
        "macros/clv/gamma_gamma.sql",
        "{{ safe_divide(p ~ '.p * (' ~ p ~ '.gamma + ' ~ x ~ ' * coalesce(' ~ m ~ ', 0))',",
        "{{ safe_divide(p ~ '.p * (' ~ p ~ '.gamma + coalesce(' ~ m ~ ', 0))',",
        "clv_is_margin_times_gamma_gamma_value_times_discounted_purchases",
        id="gamma-gamma mean ignores the number of purchases",
    ),
    pytest.param(
        "macros/clv/bgnbd.sql",
        "(ln({{ p }}.a) - ln({{ p }}.b + {{ x }} - 1)",
        "(ln({{ p }}.a) - ln({{ p }}.b + {{ x }})",
        "assert_bgnbd_forecasts_match_published_values",
        id="probability alive off by one purchase",
    ),
    pytest.param(
        "macros/clv/series.sql",
        "case when mod(negative_factors, 2) = 1 then -1.0 else 1.0 end",
        "1.0",
        "assert_hypergeometric_series_matches_closed_forms",
        id="series terms lose their sign",
    ),
    pytest.param(
        "macros/clv/log_gamma.sql",
        "- 1 / (360 * power({{ z }}, 3))",
        "- 1 / (360 * power({{ z }}, 2))",
        "assert_log_gamma_matches_known_values",
        id="stirling series with a wrong term",
    ),
    # issue 10: quarantine of unusable raw rows
    pytest.param(
        "models/staging/erp/base/base_erp__order_lines.sql",
        "when lower(trim(source.line_type)) = 'sale' and source.quantity <= 0 then 'negative_quantity'",
        "when lower(trim(source.line_type)) = 'sale' and source.quantity < -1000 then 'negative_quantity'",
        "quarantine_gives_each_bad_order_line_its_reason",
        id="a sale with a negative quantity accepted",
    ),
    pytest.param(
        "macros/quality/quarantine.sql",
        "when numbered.latest_first_values <> numbered.latest_last_values then 'conflicting_duplicate'",
        "when 1 = 0 then 'conflicting_duplicate'",
        "quarantine_gives_each_bad_order_line_its_reason",
        id="conflicting copies of a key: one kept silently",
    ),
    pytest.param(
        "macros/quality/quarantine.sql",
        "when numbered.copy_number > 1 then 'duplicate'",
        "when numbered.copy_number > 2 then 'duplicate'",
        "quarantine_gives_each_bad_order_line_its_reason",
        id="an identical re-delivery accepted twice",
    ),
    pytest.param(
        "models/staging/erp/base/base_erp__payments.sql",
        "when source.amount > invoices.invoice_amount then 'overpayment'",
        "when source.amount > invoices.invoice_amount + 1 then 'overpayment'",
        "quarantine_rejects_payments_larger_than_their_invoice",
        id="a payment larger than its invoice accepted",
    ),
    # issue 6: incremental runs recompute the lookback window, measured from the model's latest month
    pytest.param(
        "macros/incremental.sql",
        "{{ column }} >= {{ lookback_window_start() }}",
        "1 = 1",
        "incremental_run_recomputes_the_lookback_window_only",
        id="incremental run ignores the lookback window",
    ),
    pytest.param(
        "macros/incremental.sql",
        "add_months('max(period_month)', -lookback)",
        "add_months('max(period_month)', 0)",
        "incremental_run_recomputes_the_lookback_window_only",
        id="incremental run without lookback loses late rows of last month",
    ),
    # issue 9: the late-rows report compares rows only in months whose row counts or hash sums differ
    pytest.param(
        "macros/incremental.sql",
        "or staged_months.checksum <> built_months.checksum",
        "or 1 = 0",
        "late_rows_are_found_only_in_the_months_whose_rows_differ",
        id="a correction that keeps its month's row count goes unreported",
    ),
    pytest.param(
        "macros/incremental.sql",
        "{{ row_checksum([key]) }} % 1000003",
        "1",
        "late_rows_are_found_only_in_the_months_whose_rows_differ",
        id="an amount moved between customers of a month goes unreported",
    ),
]


class BrokenCopy:
    """One copy of the dbt project and of the bank warehouse (as of 2023-12-31) for every case of this
    module: each run applies its (path, original, broken) replacements, runs dbt and puts the files back.
    The copy keeps its path, database and vars, so dbt parses it in full once and then re-parses only the
    files a case changed (partial parsing)."""

    def __init__(self, directory: Path, bank_warehouse: Path) -> None:
        self.project = directory / "project"
        self.project.mkdir()
        for name in PROJECT_FILES:
            source = PROJECT_DIR / name
            if source.is_dir():
                shutil.copytree(source, self.project / name, ignore=shutil.ignore_patterns("python"))
            else:
                shutil.copy2(source, self.project / name)
        self.database = directory / "bank.duckdb"
        shutil.copy2(bank_warehouse, self.database)

    def run(self, mutations: list[tuple[str, str, str]], arguments: list[str]) -> subprocess.CompletedProcess:
        """Apply `mutations`, run `dbt <arguments>` on the copy, restore the files; return the process."""
        originals = {}
        try:
            for path, original, broken in mutations:
                target = self.project / path
                text = target.read_text()
                originals.setdefault(target, text)
                assert original in text, f"{path} no longer contains {original!r}; update this mutation"
                target.write_text(text.replace(original, broken))
            environment = {
                **os.environ,
                "CUSTOMER_VALUE_DB": str(self.database),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            }
            dbt = Path(sys.executable).parent / "dbt"
            settings = ["--project-dir", str(self.project), "--profiles-dir", str(self.project)]
            return subprocess.run(
                [str(dbt), *arguments, *settings, "--vars", "{as_of_date: '2023-12-31'}"],
                cwd=self.project,
                env=environment,
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            for target, text in originals.items():
                target.write_text(text)


@pytest.fixture(scope="module")
def broken_copy(bank_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> BrokenCopy:
    return BrokenCopy(tmp_path_factory.mktemp("broken"), bank_warehouse)


def _files_read_by(manifest: dict, unit_test: str) -> set[str]:
    """The project files whose text decides the SQL of `unit_test` (a unit test, or a singular test named
    assert_...): the tested model's file or the test's own, and the files of every macro they call,
    directly or through other macros, with the adapter implementations of a dispatched macro
    (default__x, duckdb__x, spark__x of x)."""
    if unit_test.startswith("assert_"):
        node = next(n for n in manifest["nodes"].values() if n["name"] == unit_test)
    else:
        test = next(t for t in manifest["unit_tests"].values() if t["name"] == unit_test)
        node = manifest["nodes"][f"model.customer_value.{test['model']}"]
    macros = manifest["macros"]
    by_name: dict[str, list[str]] = {}
    for unique_id, macro in macros.items():
        by_name.setdefault(macro["name"].split("__")[-1], []).append(unique_id)
    files, seen, pending = {node["original_file_path"]}, set(), list(node["depends_on"]["macros"])
    while pending:
        unique_id = pending.pop()
        if unique_id in seen or unique_id not in macros:
            continue
        seen.add(unique_id)
        macro = macros[unique_id]
        if macro["package_name"] == "customer_value":
            files.add(macro["original_file_path"])
        pending += macro["depends_on"]["macros"] + by_name.get(macro["name"], [])
    return files


def mutation_batches(manifest: dict, mutations: list) -> list[list]:
    """MUTATIONS in batches that can share one broken copy of the project: no mutation of a batch touches
    a file that another one's test reads (unit tests mock every input, so a test sees only its model's or
    its own SQL and the macros they call). Each test still has to fail for its own mutation."""
    batches: list[list[tuple[object, set[str]]]] = []
    for mutation in mutations:
        path, _, _, unit_test = mutation.values
        reads = _files_read_by(manifest, unit_test)
        for batch in batches:
            if all(path not in other_reads and other.values[0] not in reads for other, other_reads in batch):
                batch.append((mutation, reads))
                break
        else:
            batches.append([(mutation, reads)])
    return [[mutation for mutation, _ in batch] for batch in batches]


@pytest.mark.slow
def test_unit_tests_fail_when_logic_is_broken(project_manifest: dict, broken_copy: BrokenCopy) -> None:
    """Every case of MUTATIONS breaks its formula, and its test has to fail. Cases whose files and tests
    do not overlap are checked in one dbt run (26 cases, a handful of runs, keeps `make test` quick)."""
    batches = mutation_batches(project_manifest, MUTATIONS)
    assert len(batches) < len(MUTATIONS)
    still_passing = []
    for batch in batches:
        tests = sorted({mutation.values[3] for mutation in batch})
        selection = [name if name.startswith("assert_") else f"test_name:{name}" for name in tests]
        result = broken_copy.run(
            [mutation.values[:3] for mutation in batch], ["test", "--select", *selection]
        )
        passing = _passing_lines(result.stdout)
        for mutation in batch:
            name = mutation.values[3]
            if result.returncode == 0 or name not in result.stdout or f"{name} " in passing:
                still_passing.append(f"{mutation.id} ({name})")
    assert not still_passing, f"still passed with their logic broken: {still_passing}"


# --- issue 7: a mart's enforced contract fails the build when a column changes type -----------------
@pytest.mark.slow
def test_contract_fails_the_build_when_a_mart_column_changes_type(broken_copy: BrokenCopy) -> None:
    result = broken_copy.run(
        [
            (
                "models/marts/profitability/fct_customer_profitability.sql",
                "cast(months_in_window as {{ dbt.type_int() }}) as months_in_window",
                "cast(months_in_window as double) as months_in_window",
            )
        ],
        ["run", "--select", "fct_customer_profitability"],
    )
    assert result.returncode != 0, (
        f"the build passed with a mart column's type changed:\n{result.stdout[-3000:]}"
    )
    assert "contract" in result.stdout.lower() and "months_in_window" in result.stdout, result.stdout[-3000:]


# --- issue 5: portfolio analytics -------------------------------------------------------------------------
# Each broken rule has its own model and its own unit test (unit tests mock every input), so all of them
# are broken in one copy of the project and checked in one dbt run: one run instead of one per rule keeps
# `make test` cheap. Every named unit test has to fail.
PORTFOLIO_MUTATIONS = [
    (
        "models/marts/portfolio/fct_customer_whale_curve.sql",
        "order by profit_rank rows between unbounded preceding and current row",
        "order by profit_rank rows between current row and current row",
        "whale_curve_of_five_customers",
    ),
    (
        "models/marts/portfolio/rpt_whale_curve_summary.sql",
        "when curve.profit_rank > counts.customer_count - counts.bottom_customers then",
        "when curve.profit_rank >= counts.customer_count - counts.bottom_customers then",
        "whale_curve_headline_checks_20_80_30",
    ),
    (
        "models/marts/portfolio/fct_customer_profitability_matrix.sql",
        "customers.net_sales > splits.net_sales_split as is_high_sales",
        "customers.net_sales >= splits.net_sales_split as is_high_sales",
        "profitability_matrix_places_a_customer_in_each_quadrant",
    ),
    (
        "models/marts/portfolio/fct_customer_abc_scores.sql",
        "safe_divide('sum(weight * factor_score)', 'sum(weight)')",
        "safe_divide('sum(factor_score)', 'count(*)')",
        "abc_weight_change_flips_an_a_to_a_b",
    ),
    (
        "models/marts/portfolio/fct_customer_profit_tiers.sql",
        "when tiered.tier_order < previous.tier_order then 'up'",
        "when tiered.tier_order > previous.tier_order then 'up'",
        "profit_tiers_follow_the_rules_and_show_movement",
    ),
    (
        "models/marts/portfolio/fct_key_accounts.sql",
        "where shares.sales_share >= {{ min_share }}",
        "where shares.sales_share >= 0",
        "key_accounts_have_five_percent_of_sales_or_more",
    ),
    (
        "models/marts/portfolio/rpt_break_even_monthly.sql",
        "customer_totals.allocated_costs + coalesce(unallocated_totals.unallocated_costs, 0) as fixed_costs",
        "coalesce(unallocated_totals.unallocated_costs, 0) as fixed_costs",
        "break_even_revenue_is_fixed_costs_over_margin_ratio",
    ),
    (
        "models/marts/portfolio/fct_customer_referral_value.sql",
        "and abs(window_customer_profit)",
        "and (window_customer_profit)",
        "referrals_keep_a_break_even_customer",
    ),
    (
        "models/marts/portfolio/fct_customer_lifecycle_stage.sql",
        "when window_customer_profit < 0 and coalesce(clv, 0) <= {{ valuable_threshold }} then",
        "when window_customer_profit < 0 then",
        "lifecycle_stage_of_each_kind_of_customer",
    ),
    (
        "models/marts/portfolio/rpt_retention_by_satisfaction.sql",
        "and answers.surveyed_month < monthly.period_month",
        "and answers.surveyed_month <= monthly.period_month",
        "retention_by_satisfaction_counts_orders_after_the_answer",
    ),
    (
        "models/marts/portfolio/fct_customer_product_mix.sql",
        "when not is_unattributed and product_profit < 0 then 1",
        "when not is_unattributed and product_profit <= 0 then 0",
        "product_mix_one_profitable_two_unprofitable",
    ),
]


@pytest.mark.slow
def test_portfolio_unit_tests_fail_when_rules_are_broken(broken_copy: BrokenCopy) -> None:
    selection = [f"test_name:{unit_test}" for _, _, _, unit_test in PORTFOLIO_MUTATIONS]
    result = broken_copy.run(
        [(path, original, broken) for path, original, broken, _ in PORTFOLIO_MUTATIONS],
        ["test", "--select", *selection],
    )
    assert result.returncode != 0, (
        f"every portfolio unit test passed with its rule broken:\n{result.stdout[-3000:]}"
    )
    still_passing = [
        unit_test
        for _, _, _, unit_test in PORTFOLIO_MUTATIONS
        if unit_test not in result.stdout or f"::{unit_test} " in _passing_lines(result.stdout)
    ]
    assert not still_passing, f"still passed with their rule broken: {still_passing}\n{result.stdout[-3000:]}"


def _passing_lines(stdout: str) -> str:
    """The lines of dbt's output that report a passing test, joined."""
    return "\n".join(line for line in stdout.splitlines() if " PASS " in line)


# --- issue 9: the product rows' reconciliation compares weighted month sums first ------------------------


def test_product_reconciliation_fails_when_a_cent_moves_between_customers(broken_copy: BrokenCopy) -> None:
    """assert_product_rows_reconcile_to_customer_months compares months by sums weighted by customer before
    it compares rows: one cent of cost to serve moved from one row of a month's last customer to one row of
    its first (the bank example has two customers a month) leaves the month's plain sum as it was, and the
    test must still fail."""
    moved = (
        "cast(cost_to_serve + case"
        " when row_number() over (partition by period_month order by customer_id, product_id) = 1 then 0.01"
        " when row_number() over (partition by period_month order by customer_id desc, product_id) = 1"
        " then -0.01 else 0 end as {{ type_money() }}) as cost_to_serve,"
    )
    result = broken_copy.run(
        [
            (
                "models/marts/profitability/fct_customer_product_profitability.sql",
                "cast(cost_to_serve as {{ type_money() }}) as cost_to_serve,",
                moved,
            )
        ],
        [
            "build",
            "--full-refresh",
            "--exclude-resource-type",
            "unit_test",
            "--select",
            "fct_customer_product_profitability",
            "assert_product_rows_reconcile_to_customer_months",
        ],
    )
    failed = [line for line in result.stdout.splitlines() if " FAIL " in line]
    assert any("assert_product_rows_reconcile_to_customer_months" in line for line in failed), result.stdout[
        -3000:
    ]


# --- issue 9: the benchmark's check that the floor equals the mart to the cent ---------------------------


def test_bench_check_fails_when_the_floor_drops_float_income(bank_warehouse: Path, tmp_path: Path) -> None:
    """make bench and make bench-smoke fail when the floor and the mart differ: a floor that forgets float
    income differs from the bank example's mart in float income, net revenue and customer profit."""
    from test_bench import floor_on_copy

    from customer_value.bench import FLOOR_SQL

    broken = tmp_path / "floor.sql"
    text = FLOOR_SQL.read_text()
    original = "case when rate_effect = 'income' then balance_value else 0 end as float_income"
    assert original in text
    broken.write_text(text.replace(original, "0 as float_income"))
    report = floor_on_copy(bank_warehouse, tmp_path, sql=broken)
    assert not report["equal"]
    assert set(report["differing_columns"]) >= {"float_income", "net_revenue", "customer_profit"}
