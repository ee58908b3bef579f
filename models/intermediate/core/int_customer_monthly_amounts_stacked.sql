-- Every amount and count that makes up a customer's month, from every component, stacked: one row per
-- component row, each component filling its own columns and zero in the others.
-- int_customer_monthly_amounts_unioned sums them per customer and month; rpt_late_rows_outside_lookback
-- sums them per month, which needs no aggregate over every customer-month (issue 9).
{%- set measures = customer_measure_columns() %}
{%- set components = {
    'sales': {
        'gross_sales': 'gross_sales', 'discounts': 'discounts', 'returned_sales': 'returned_sales',
        'credit_notes': 'credit_notes', 'net_sales': 'net_sales', 'cogs': 'cogs',
        'order_count': 'order_count', 'order_line_count': 'order_line_count',
        'return_line_count': 'return_line_count',
    },
    'balances': {
        'float_income': "case when rate_effect = 'income' then balance_value else 0 end",
        'balance_carrying_cost': "case when rate_effect = 'cost' then balance_value else 0 end",
    },
    'activity_costs': {
        'cost_to_serve': 'cost_to_serve', 'activity_count': 'activity_count',
        'service_minutes': 'service_minutes',
    },
    'incentives': {'incentive_costs': 'incentive_amount'},
    'deferral_costs': {'payment_deferral_cost': 'payment_deferral_cost'},
    'acquisition_costs': {'acquisition_cost': 'acquisition_cost'},
    'account_management_costs': {'account_management_cost': 'account_management_cost'},
    'retention_costs': {'retention_cost': 'retention_cost'},
} %}
with

sales as (

    select * from {{ ref('int_sales_aggregated_to_customer_months') }}

),

balances as (

    select * from {{ ref('int_customer_balances_valued') }}

),

activity_costs as (

    select * from {{ ref('int_activity_costs_aggregated_to_customer_months') }}

),

incentives as (

    select
        customer_id,
        incentive_amount,
        {{ month_of('incentive_date') }} as period_month
    from {{ ref('stg_marketing__customer_incentives') }}

),

deferral_costs as (

    select * from {{ ref('int_invoice_carrying_costs_accrued') }}

),

acquisition_costs as (

    select * from {{ ref('int_acquisition_costs_allocated_to_customers') }}

),

account_management_costs as (

    select * from {{ ref('int_account_manager_costs_allocated_to_customers') }}

),

retention_costs as (

    select * from {{ ref('int_retention_costs_allocated_to_customers') }}

),

stacked as (

    {% for component, columns in components.items() %}
        select
            {% for measure in measures %}
                {{ columns.get(measure, '0') }} as {{ measure }},
            {% endfor %}
            customer_id,
            period_month
        from {{ component }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from stacked
