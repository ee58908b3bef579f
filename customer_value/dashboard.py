"""`customer-value dashboard`: one self-contained HTML file with the customer equity dashboard.

Every number comes from the marts (opened read-only); this module only selects and lays them out. The
charting library (Chart.js, MIT, vendored unchanged in customer_value/vendor/) is embedded in the file,
so the page opens from disk on a machine without internet.

Sections: the customer equity dashboard over time (customers start / new / lost / end, acquisition and
retention equity), the whale curve, the profitability matrix, profit tiers, ABC classes, and the top
and bottom customers. The whale curve, the matrix, tiers and ABC classes come from the portfolio marts
(`fct_customer_whale_curve`, `fct_customer_profitability_matrix`, `fct_customer_profit_tiers`,
`fct_customer_abc_scores`); a section whose mart is absent says so instead of recomputing it.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
CHART_JS = VENDOR_DIR / "chart.umd.min.js"
# At most this many points of the whale curve are drawn (evenly spaced ranks, first and last kept).
WHALE_CURVE_POINTS = 400


class DashboardError(RuntimeError):
    """The dashboard cannot be written; the message says why."""


@dataclass
class Dashboard:
    """What the page shows: chart data by chart id, tables, and notes for sections left out."""

    title: str
    headline: list[tuple[str, str]] = field(default_factory=list)
    charts: dict[str, dict] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    top_customers: list[dict] = field(default_factory=list)
    bottom_customers: list[dict] = field(default_factory=list)


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return value


def _rows(connection: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> list[dict]:
    cursor = connection.execute(sql, parameters or [])
    names = [column[0] for column in cursor.description]
    return [
        {name: _plain(value) for name, value in zip(names, row, strict=True)} for row in cursor.fetchall()
    ]


def _columns(connection: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = connection.execute(
        "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ?",
        [table],
    ).fetchall()
    return {row[0] for row in rows}


def _has(connection: duckdb.DuckDBPyConnection, table: str, columns: set[str]) -> bool:
    """The build has `marts.<table>` with (at least) these columns."""
    return columns <= _columns(connection, table)


def _money(value: object) -> str:
    return "" if value is None else f"{float(value):,.2f}"


def collect(database: Path, top: int = 10) -> Dashboard:
    """Read everything the page shows from the marts of `database`."""
    if not database.exists():
        raise DashboardError(f"{database} does not exist: run `customer-value build` first.")
    connection = duckdb.connect(str(database), read_only=True)
    try:
        for table in ("fct_customer_profitability", "fct_customer_equity_monthly", "dim_customers"):
            if not _columns(connection, table):
                raise DashboardError(f"{database} has no marts.{table}: run `customer-value build` first.")
        return _collect(connection, top)
    finally:
        connection.close()


def _collect(connection: duckdb.DuckDBPyConnection, top: int) -> Dashboard:
    window = _rows(
        connection,
        "select min(window_start_month) as window_start, max(window_end_month) as window_end, "
        "count(*) as customers, sum(customer_profit) as customer_profit "
        "from marts.fct_customer_profitability",
    )[0]
    dashboard = Dashboard(title="Customer equity dashboard")
    dashboard.headline = [
        ("Profit window", f"{window['window_start']} to {window['window_end']}"),
        ("Customers", f"{window['customers']:,}"),
        ("Total customer profit", _money(window["customer_profit"])),
    ]
    equity = _rows(
        connection,
        "select period_month, customers_start, customers_new, customers_lost, customers_end, "
        "customer_equity, acquisition_equity, retention_equity, average_clv "
        "from marts.fct_customer_equity_monthly where dimension = 'all_customers' order by period_month",
    )
    latest = next((row for row in reversed(equity) if row["customer_equity"] is not None), None)
    if latest is not None:
        dashboard.headline += [
            (f"Customer equity, {latest['period_month'][:7]}", _money(latest["customer_equity"])),
            ("Average CLV", _money(latest["average_clv"])),
            ("Active customers", f"{latest['customers_end']:,}"),
        ]
    dashboard.charts["equity-customers"] = {"rows": equity}
    dashboard.charts["equity-value"] = {"rows": [row for row in equity if row["customer_equity"] is not None]}
    dashboard.sources["equity"] = "marts.fct_customer_equity_monthly (all customers)"

    _whale_curve(connection, dashboard)
    _matrix(connection, dashboard)
    _counts(
        connection,
        dashboard,
        chart="profit-tiers",
        table="fct_customer_profit_tiers",
        columns={"profit_tier", "tier_order", "is_latest_period"},
        sql="select profit_tier as label, count(*) as customers, sum(period_profit) as profit "
        "from marts.fct_customer_profit_tiers where is_latest_period "
        "group by profit_tier, tier_order order by tier_order",
        what="Profit tiers",
    )
    _counts(
        connection,
        dashboard,
        chart="abc-classes",
        table="fct_customer_abc_scores",
        columns={"abc_class", "class_order"},
        sql="select abc_class as label, count(*) as customers, avg(total_score) as profit "
        "from marts.fct_customer_abc_scores group by abc_class, class_order order by class_order",
        what="ABC classes",
    )

    ranked = (
        "select p.customer_id, d.segment, d.region, p.net_revenue, p.cost_to_serve, p.customer_profit, "
        "v.clv from marts.fct_customer_profitability as p "
        "inner join marts.dim_customers as d on p.customer_id = d.customer_id "
        "left join marts.fct_customer_value as v on p.customer_id = v.customer_id "
    )
    dashboard.top_customers = _rows(connection, ranked + "order by p.customer_profit desc, 1 limit ?", [top])
    dashboard.bottom_customers = _rows(connection, ranked + "order by p.customer_profit, 1 limit ?", [top])
    return dashboard


def _whale_curve(connection: duckdb.DuckDBPyConnection, dashboard: Dashboard) -> None:
    if not _available(
        connection,
        dashboard,
        "whale-curve",
        "fct_customer_whale_curve",
        {"profit_rank", "customer_count", "cumulative_customer_share", "cumulative_profit_share"},
        "The whale curve is",
    ):
        return
    rows = _rows(
        connection,
        "select 100 * cumulative_customer_share as x, 100 * cumulative_profit_share as y "
        "from marts.fct_customer_whale_curve "
        "where profit_rank = 1 or profit_rank = customer_count "
        f"or profit_rank % greatest(1, ceil(customer_count / {WHALE_CURVE_POINTS})) = 0 "
        "order by profit_rank",
    )
    dashboard.charts["whale-curve"] = {"points": [{"x": 0, "y": 0}, *rows]}


def _matrix(connection: duckdb.DuckDBPyConnection, dashboard: Dashboard) -> None:
    if not _available(
        connection,
        dashboard,
        "profitability-matrix",
        "fct_customer_profitability_matrix",
        {"matrix_quadrant", "net_sales", "cost_to_serve", "net_sales_split", "cost_to_serve_split"},
        "The profitability matrix is",
    ):
        return
    rows = _rows(
        connection,
        "select matrix_quadrant as grp, net_sales as x, cost_to_serve as y, "
        "net_sales_split as x_split, cost_to_serve_split as y_split "
        "from marts.fct_customer_profitability_matrix order by customer_id",
    )
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(str(row["grp"]), []).append({"x": row["x"], "y": row["y"]})
    dashboard.charts["profitability-matrix"] = {
        "groups": groups,
        "x_split": rows[0]["x_split"] if rows else 0,
        "y_split": rows[0]["y_split"] if rows else 0,
    }


def _counts(
    connection: duckdb.DuckDBPyConnection,
    dashboard: Dashboard,
    chart: str,
    table: str,
    columns: set[str],
    sql: str,
    what: str,
) -> None:
    if not _available(connection, dashboard, chart, table, columns, f"{what} are"):
        return
    dashboard.charts[chart] = {"rows": _rows(connection, sql)}


def _available(
    connection: duckdb.DuckDBPyConnection,
    dashboard: Dashboard,
    chart: str,
    table: str,
    columns: set[str],
    what: str,
) -> bool:
    """Whether the chart's mart is in the build; records its source, or why the chart is not shown. The
    numbers come from the marts only: the dashboard recomputes nothing."""
    if not _has(connection, table, columns):
        dashboard.skipped[chart] = (
            f"{what} not shown: this build has no marts.{table} (the portfolio marts). Build them and "
            "run `make dashboard` again."
        )
        return False
    dashboard.sources[chart] = f"marts.{table}"
    return True


# ---------------------------------------------------------------------------------------------------
# HTML

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2933;
       background: #f5f7fa; }
header { background: #1f2933; color: #fff; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #cbd2d9; font-size: 13px; }
main { padding: 20px 28px; display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr));
       gap: 20px; }
section { background: #fff; border-radius: 8px; padding: 16px 20px; box-shadow: 0 1px 3px #0002; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 16px; margin: 0 0 4px; }
p.source { font-size: 12px; color: #7b8794; margin: 0 0 10px; }
p.skipped { font-size: 14px; color: #8d6e00; background: #fff8e1; padding: 10px; border-radius: 6px; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; }
.kpi { background: #fff; border-radius: 8px; padding: 10px 16px; box-shadow: 0 1px 3px #0002; }
.kpi b { display: block; font-size: 20px; }
.kpi span { font-size: 12px; color: #616e7c; }
.chart { position: relative; height: 320px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e4e7eb; text-align: right; }
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
"""

# Runs before anything else on the page, so that any script error is recorded where a test can read it.
_ERROR_TRAP = """
window.dashboardErrors = [];
window.addEventListener('error', function (event) {
  window.dashboardErrors.push(String(event.message || event.error || 'script error'));
});
"""

_SCRIPT = r"""
(function () {
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var money = function (v) { return Number(v).toLocaleString('en-US', {maximumFractionDigits: 0}); };
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  var palette = ['#2f80ed', '#eb5757', '#27ae60', '#f2994a', '#9b51e0', '#56ccf2', '#828282'];
  window.dashboardCharts = {};
  function col(rows, key) { return rows.map(function (r) { return r[key]; }); }
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { window.dashboardCharts[id] = new Chart(canvas, config); }
  }
  var charts = data.charts;
  if (charts['equity-customers']) {
    var rows = charts['equity-customers'].rows;
    var months = rows.map(function (r) { return r.period_month.slice(0, 7); });
    draw('equity-customers', {
      data: {labels: months, datasets: [
        {type: 'line', label: 'Customers at start', data: col(rows, 'customers_start'),
         borderColor: palette[6], borderDash: [4, 4], pointRadius: 0},
        {type: 'line', label: 'Customers at end', data: col(rows, 'customers_end'),
         borderColor: palette[0], pointRadius: 2},
        {type: 'bar', label: 'New', data: col(rows, 'customers_new'),
         backgroundColor: palette[2]},
        {type: 'bar', label: 'Lost', data: col(rows, 'customers_lost').map(function (v) { return -v; }),
         backgroundColor: palette[1]}
      ]},
      options: {scales: {y: {title: {display: true, text: 'customers'}}}}
    });
  }
  if (charts['equity-value']) {
    var vrows = charts['equity-value'].rows;
    draw('equity-value', {
      data: {labels: vrows.map(function (r) { return r.period_month.slice(0, 7); }), datasets: [
        {type: 'line', label: 'Customer equity', data: col(vrows, 'customer_equity'),
         borderColor: palette[0], pointRadius: 2, yAxisID: 'y'},
        {type: 'bar', label: 'Acquisition equity', data: col(vrows, 'acquisition_equity'),
         backgroundColor: palette[3], yAxisID: 'y'},
        {type: 'bar', label: 'Retention equity', data: col(vrows, 'retention_equity'),
         backgroundColor: palette[4], yAxisID: 'y'}
      ]},
      options: {scales: {y: {ticks: {callback: money}, title: {display: true, text: 'reporting currency'}}}}
    });
  }
  if (charts['whale-curve']) {
    draw('whale-curve', {
      type: 'scatter',
      data: {datasets: [
        {label: 'Cumulative profit', data: charts['whale-curve'].points, showLine: true, pointRadius: 0,
         borderColor: palette[0], borderWidth: 2},
        {label: '100% of profit', data: [{x: 0, y: 100}, {x: 100, y: 100}], showLine: true, pointRadius: 0,
         borderColor: palette[6], borderDash: [4, 4], borderWidth: 1}
      ]},
      options: {scales: {
        x: {min: 0, max: 100, title: {display: true, text: '% of customers, most profitable first'}},
        y: {title: {display: true, text: '% of total customer profit'}}}}
    });
  }
  if (charts['profitability-matrix']) {
    var matrix = charts['profitability-matrix'];
    var names = Object.keys(matrix.groups);
    var points = [].concat.apply([], names.map(function (k) { return matrix.groups[k]; }));
    var xs = points.map(function (p) { return p.x; }), ys = points.map(function (p) { return p.y; });
    var xmin = Math.min.apply(null, xs), xmax = Math.max.apply(null, xs);
    var ymin = Math.min.apply(null, ys), ymax = Math.max.apply(null, ys);
    var sets = Object.keys(matrix.groups).map(function (name, i) {
      return {label: name, data: matrix.groups[name], pointRadius: 2, backgroundColor: palette[i % 6]};
    });
    var xs0 = matrix.x_split, ys0 = matrix.y_split;
    sets.push({label: 'net sales split', data: [{x: xs0, y: ymin}, {x: xs0, y: ymax}],
               showLine: true, pointRadius: 0, borderColor: '#1f2933', borderDash: [6, 4], borderWidth: 1});
    sets.push({label: 'cost to serve split', data: [{x: xmin, y: ys0}, {x: xmax, y: ys0}],
               showLine: true, pointRadius: 0, borderColor: '#1f2933', borderDash: [2, 3], borderWidth: 1});
    draw('profitability-matrix', {
      type: 'scatter', data: {datasets: sets},
      options: {scales: {
        x: {ticks: {callback: money}, title: {display: true, text: 'net sales'}},
        y: {ticks: {callback: money}, title: {display: true, text: 'cost to serve'}}}}
    });
  }
  ['profit-tiers', 'abc-classes'].forEach(function (id) {
    if (!charts[id]) { return; }
    var crows = charts[id].rows;
    draw(id, {
      type: 'bar',
      data: {labels: col(crows, 'label'), datasets: [
        {label: 'customers', data: col(crows, 'customers'),
         backgroundColor: crows.map(function (r, i) { return palette[i % 6]; })}]},
      options: {plugins: {legend: {display: false}}, scales: {y: {title: {display: true, text: 'customers'}}}}
    });
  });
})();
"""


def _section(chart: str, title: str, dashboard: Dashboard, source_key: str, wide: bool = False) -> str:
    cls = ' class="wide"' if wide else ""
    if chart in dashboard.skipped:
        body = f'<p class="skipped">{html.escape(dashboard.skipped[chart])}</p>'
    else:
        source = html.escape(dashboard.sources.get(source_key, ""))
        body = (
            f'<p class="source">from {source}</p>'
            f'<div class="chart"><canvas id="{chart}" data-chart="{chart}"></canvas></div>'
        )
    return f"<section{cls}><h2>{html.escape(title)}</h2>{body}</section>"


def _table(title: str, rows: list[dict]) -> str:
    head = "".join(
        f"<th>{name}</th>"
        for name in ("customer", "segment", "region", "net revenue", "cost to serve", "profit", "CLV")
    )
    body = "".join(
        "<tr>"
        + f"<td>{html.escape(str(row['customer_id']))}</td><td>{html.escape(str(row['segment']))}</td>"
        + f"<td>{html.escape(str(row['region']))}</td>"
        + "".join(
            f"<td>{_money(row[key])}</td>"
            for key in ("net_revenue", "cost_to_serve", "customer_profit", "clv")
        )
        + "</tr>"
        for row in rows
    )
    return (
        f"<section><h2>{html.escape(title)}</h2>"
        '<p class="source">from marts.fct_customer_profitability, dim_customers, fct_customer_value</p>'
        f'<table data-table="{html.escape(title)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
        "</section>"
    )


def render(dashboard: Dashboard, chart_js: str) -> str:
    """The page: styles, the error trap, the embedded library, the data as JSON, the drawing script."""
    payload = json.dumps({"charts": dashboard.charts}, separators=(",", ":"))
    # JSON inside a <script> element: "</" must not close it.
    payload = payload.replace("</", "<\\/")
    if "</script" in chart_js.lower():
        raise DashboardError("the vendored charting library contains '</script' and cannot be embedded")
    kpis = "".join(
        f'<div class="kpi"><b>{html.escape(value)}</b><span>{html.escape(label)}</span></div>'
        for label, value in dashboard.headline
    )
    sections = "".join(
        [
            f'<section class="wide"><div class="kpis">{kpis}</div></section>',
            _section("equity-customers", "Customers: start, new, lost, end", dashboard, "equity"),
            _section(
                "equity-value", "Customer equity, acquisition and retention equity", dashboard, "equity"
            ),
            _section("whale-curve", "Whale curve", dashboard, "whale-curve"),
            _section("profitability-matrix", "Profitability matrix", dashboard, "profitability-matrix"),
            _section("profit-tiers", "Profit tiers", dashboard, "profit-tiers"),
            _section("abc-classes", "ABC classes", dashboard, "abc-classes"),
            _table("Top customers by profit", dashboard.top_customers),
            _table("Bottom customers by profit", dashboard.bottom_customers),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(dashboard.title)}</title>"
        f"<style>{_STYLE}</style>"
        f"<script>{_ERROR_TRAP}</script>"
        f"<script>\n{chart_js}\n</script>"
        "</head><body>"
        f"<header><h1>{html.escape(dashboard.title)}</h1>"
        "<p>customer_value: customer profitability and customer value, from the marts of the latest build</p>"
        f"</header><main>{sections}</main>"
        f'<script type="application/json" id="dashboard-data">{payload}</script>'
        f"<script>{_SCRIPT}</script>"
        "</body></html>\n"
    )


def write_dashboard(database: Path, out: Path, top: int = 10) -> Dashboard:
    """Collect the data from `database` and write the self-contained page to `out`."""
    dashboard = collect(database, top=top)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(dashboard, CHART_JS.read_text(encoding="utf-8")), encoding="utf-8")
    return dashboard
