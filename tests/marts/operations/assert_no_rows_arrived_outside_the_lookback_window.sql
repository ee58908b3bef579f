-- issue 6: a row that arrives after its month has left the lookback window of the scheduled runs is
-- reported, not silently lost: this warns (it does not fail the build) until a --full-refresh build
-- takes the rows in. `customer-value scheduled` prints the months and exits with code 2.
{{ config(severity='warn') }}

select
    source_table,
    period_month,
    new_rows,
    corrected_rows,
    stale_customer_months
from {{ ref('rpt_late_rows_outside_lookback') }}
