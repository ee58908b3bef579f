-- Carrying cost of credit on invoices: while an invoice is open the business finances it, and the
-- forgone interest is a cost of serving the customer:
--     carrying cost = open balance x annual_rate / days_in_year x days open
-- with annual_rate the seeds/balance_rates.csv rate of `trade_receivable`. An invoice is open from its
-- issue date until it is paid (in parts, if paid in parts), or until the as-of date. The cost is
-- accrued month by month (one row per invoice and month) with cumulative rounding, so the months add
-- up to the cent to the cost of the whole period.
{%- set days_in_year = var('days_in_year') %}
with

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

payments as (

    select * from {{ ref('stg_erp__payments') }}

),

months as (

    select * from {{ ref('int_reporting_months') }}

),

balance_rates as (

    select * from {{ ref('balance_rates') }}

),

as_of as (

    select
        max(as_of_date) as as_of_date,
        {{ add_days('max(as_of_date)', 1) }} as day_after_as_of
    from months

),

payment_days as (

    select
        invoice_id,
        paid_date,
        sum(payment_amount) as paid_amount
    from payments
    group by 1, 2

),

paid_to_date as (

    select
        invoice_id,
        paid_date,
        sum(paid_amount) over (
            partition by invoice_id order by paid_date
            rows between unbounded preceding and current row
        ) as paid_to_date,
        lead(paid_date) over (partition by invoice_id order by paid_date) as next_paid_date
    from payment_days

),

first_payments as (

    select
        invoice_id,
        min(paid_date) as first_paid_date
    from payment_days
    group by 1

),

open_periods as (

    -- from issue to the first payment (or the as-of date) the whole amount is open
    select
        invoices.invoice_id,
        invoices.customer_id,
        invoices.issued_date as open_from,
        coalesce(first_payments.first_paid_date, as_of.day_after_as_of) as open_until,
        invoices.invoice_amount as open_balance
    from invoices
    cross join as_of
    left join first_payments
        on invoices.invoice_id = first_payments.invoice_id

    union all

    -- after each payment what is left stays open until the next payment (or the as-of date)
    select
        invoices.invoice_id,
        invoices.customer_id,
        paid_to_date.paid_date as open_from,
        coalesce(paid_to_date.next_paid_date, as_of.day_after_as_of) as open_until,
        invoices.invoice_amount - paid_to_date.paid_to_date as open_balance
    from invoices
    cross join as_of
    inner join paid_to_date
        on invoices.invoice_id = paid_to_date.invoice_id

),

bounded_periods as (

    select
        open_periods.invoice_id,
        open_periods.customer_id,
        open_periods.open_from,
        case
            when open_periods.open_until > as_of.day_after_as_of then as_of.day_after_as_of
            else open_periods.open_until
        end as open_until,
        open_periods.open_balance
    from open_periods
    cross join as_of
    where open_periods.open_balance > 0 and open_periods.open_from < open_periods.open_until

),

monthly_days as (

    select
        bounded_periods.invoice_id,
        bounded_periods.customer_id,
        months.period_month,
        bounded_periods.open_balance,
        {{ days_between(
            'case when bounded_periods.open_from > months.period_month then bounded_periods.open_from else months.period_month end',
            'case when bounded_periods.open_until < months.next_month_start then bounded_periods.open_until else months.next_month_start end') }} as open_days
    from bounded_periods
    inner join months
        on
            bounded_periods.open_until > months.period_month
            and bounded_periods.open_from < months.next_month_start

),

invoice_months as (

    select
        monthly_days.invoice_id,
        monthly_days.customer_id,
        monthly_days.period_month,
        sum(monthly_days.open_days) as open_days,
        sum(
            cast(monthly_days.open_balance as double) * balance_rates.annual_rate * monthly_days.open_days
            / {{ days_in_year }}
        ) as exact_carrying_cost
    from monthly_days
    inner join balance_rates
        on balance_rates.balance_type = 'trade_receivable'
    group by 1, 2, 3

),

final as (

    select
        invoice_id,
        customer_id,
        period_month,
        open_days,
        cast(
            {{ cumulative_rounded('exact_carrying_cost', 'invoice_id', 'period_month') }}
            as {{ type_money() }}
        ) as payment_deferral_cost
    from invoice_months

)

select * from final
