-- The customer equity dashboard (DOMAIN.md section 4): one row per complete month and per segment,
-- region and acquisition channel, plus an all-customers row. Customers are non-contractual, so the
-- counts follow the project's one definition of active (int_customer_months.is_active: ordered in the
-- last active_window_months months, or acquired in them):
--   customers_start     active at the end of the month before
--   customers_new       active now, not at the start: acquired this month + reactivated (won back)
--   customers_retained  active at the start and now
--   customers_lost      active at the start, not now (no order for active_window_months months)
--   customers_end       active at the end of the month = start + new - lost
-- Each customer is valued with its retention-based CLV as it stood at the end of the month
-- (int_customer_lifetime_values_monthly), so every amount adds up over segments, regions and channels:
--   customer_equity    = sum of the CLV of the customers at the end (= average_clv x customers_end)
--   acquisition_equity = sum of the CLV of the new customers - acquisition cost
--   retention_equity   = sum of the CLV of the retained customers - retention cost
-- Acquisition and retention cost are what fct_customer_profitability_monthly charges the customers;
-- spend no customer carries stays in rpt_unallocated_costs_monthly.
{%- set dimensions = {
    'all_customers': "'all_customers'",
    'segment': 'segment',
    'region': 'region',
    'acquisition_channel': 'acquisition_channel',
} %}
{%- set measures = [
    'customers_start', 'customers_new', 'customers_acquired', 'customers_reactivated', 'customers_retained',
    'customers_lost', 'customers_end', 'acquisition_cost', 'retention_cost', 'customer_equity',
    'new_customers_clv', 'retained_customers_clv',
] %}
with

lifetime_values as (

    select * from {{ ref('int_customer_lifetime_values_monthly') }}

),

cells as (

    select
        period_month,
        segment,
        region,
        acquisition_channel,
        sum(case when was_active then 1 else 0 end) as customers_start,
        sum(case when is_new then 1 else 0 end) as customers_new,
        sum(case when is_acquired then 1 else 0 end) as customers_acquired,
        sum(case when is_reactivated then 1 else 0 end) as customers_reactivated,
        sum(case when is_retained then 1 else 0 end) as customers_retained,
        sum(case when is_lost then 1 else 0 end) as customers_lost,
        sum(case when is_active then 1 else 0 end) as customers_end,
        sum(acquisition_cost) as acquisition_cost,
        sum(retention_cost) as retention_cost,
        sum(case when is_active then clv else 0 end) as customer_equity,
        sum(case when is_new then clv else 0 end) as new_customers_clv,
        sum(case when is_retained then clv else 0 end) as retained_customers_clv,
        -- a month whose retention rate cannot be measured yet (no customer at the start anywhere) has no CLV
        max(case when is_active and clv is null then 1 else 0 end) as has_unvalued_customers
    from lifetime_values
    group by 1, 2, 3, 4

),

rolled_up as (

    {% for dimension, key in dimensions.items() %}
        select
            period_month,
            '{{ dimension }}' as dimension,
            {{ key }} as dimension_value,
            {% for measure in measures %}
                sum({{ measure }}) as {{ measure }},
            {% endfor %}
            max(has_unvalued_customers) as has_unvalued_customers
        from cells
        group by 1, 2, 3
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

valued as (

    select
        *,
        case when has_unvalued_customers = 0 then customer_equity end as valued_customer_equity,
        case when has_unvalued_customers = 0 then new_customers_clv end as valued_new_customers_clv,
        case when has_unvalued_customers = 0 then retained_customers_clv end as valued_retained_customers_clv
    from rolled_up

),

final as (

    select
        period_month,
        dimension,
        dimension_value,
        'retention_closed_form' as clv_method,
        cast(customers_start as {{ dbt.type_int() }}) as customers_start,
        cast(customers_new as {{ dbt.type_int() }}) as customers_new,
        cast(customers_acquired as {{ dbt.type_int() }}) as customers_acquired,
        cast(customers_reactivated as {{ dbt.type_int() }}) as customers_reactivated,
        cast(customers_retained as {{ dbt.type_int() }}) as customers_retained,
        cast(customers_lost as {{ dbt.type_int() }}) as customers_lost,
        cast(customers_end as {{ dbt.type_int() }}) as customers_end,
        cast({{ safe_divide('customers_retained', 'customers_start') }} as double) as retention_rate,
        cast(acquisition_cost as {{ type_money() }}) as acquisition_cost,
        cast(retention_cost as {{ type_money() }}) as retention_cost,
        cast({{ round_money(safe_divide('valued_customer_equity', 'customers_end')) }} as {{ type_money() }})
            as average_clv,
        cast(valued_customer_equity as {{ type_money() }}) as customer_equity,
        cast(valued_new_customers_clv as {{ type_money() }}) as new_customers_clv,
        cast(valued_retained_customers_clv as {{ type_money() }}) as retained_customers_clv,
        cast(valued_new_customers_clv - acquisition_cost as {{ type_money() }}) as acquisition_equity,
        cast(valued_retained_customers_clv - retention_cost as {{ type_money() }}) as retention_equity
    from valued

)

select * from final
