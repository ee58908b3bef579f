-- Retention rate and average margin per group of customers and complete month, measured from the
-- customer counts: one row per month, group type (segment, acquisition_cohort, all_customers) and group.
--   monthly retention rate  = customers retained / customers active at the start, summed over the
--                             retention_measurement_months months ending with the month
--   average monthly margin  = profit before acquisition cost of the active customer-months / their
--                             number, over the value_trailing_months months ending with the month
-- Counts are summed before dividing, so a month with many customers weighs more than a quiet one.
-- A month counts towards retention only from active_window_months months after the first month of data:
-- before that no customer can have gone a whole window without an order, so every customer would count
-- as retained by construction. Until a group has such a month its retention rate is null.
{%- set active_window = positive_int_var('active_window_months') %}
{%- set measurement_months = positive_int_var('retention_measurement_months') %}
{%- set trailing_months = positive_int_var('value_trailing_months') %}
{%- set group_types = {
    'segment': 'segment',
    'acquisition_cohort': 'acquisition_cohort',
    'all_customers': "'all_customers'",
} %}
with

customer_months as (

    select * from {{ ref('int_customer_value_months') }}

),

stacked as (

    {% for group_type, group_key in group_types.items() %}
        select
            period_month,
            '{{ group_type }}' as group_type,
            {{ group_key }} as group_key,
            case when was_active then 1 else 0 end as customers_start,
            case when is_retained then 1 else 0 end as customers_retained,
            case when is_active then 1 else 0 end as customers_active,
            case when is_active then profit_before_acquisition_cost else 0 end as active_margin
        from customer_months
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

counted as (

    select
        period_month,
        group_type,
        group_key,
        sum(customers_start) as customers_start,
        sum(customers_retained) as customers_retained,
        sum(customers_active) as customers_active,
        sum(active_margin) as active_margin
    from stacked
    group by 1, 2, 3

),

months as (

    select
        period_month,
        {{ months_between('min(period_month) over ()', 'period_month') }} >= {{ active_window }}
            as is_retention_measurable
    from (
        select distinct period_month
        from customer_months
    ) as distinct_months

),

groups as (

    select distinct
        group_type,
        group_key
    from counted

),

spine as (

    select
        months.period_month,
        groups.group_type,
        groups.group_key,
        months.is_retention_measurable,
        coalesce(counted.customers_start, 0) as customers_start,
        coalesce(counted.customers_retained, 0) as customers_retained,
        coalesce(counted.customers_active, 0) as customers_active,
        coalesce(counted.active_margin, 0) as active_margin
    from months
    cross join groups
    left join counted
        on
            months.period_month = counted.period_month
            and groups.group_type = counted.group_type
            and groups.group_key = counted.group_key

),

trailing_sums as (

    select
        *,
        sum(case when is_retention_measurable then customers_start else 0 end) over (
            partition by group_type, group_key order by period_month
            rows between {{ measurement_months - 1 }} preceding and current row
        ) as retention_observations,
        sum(case when is_retention_measurable then customers_retained else 0 end) over (
            partition by group_type, group_key order by period_month
            rows between {{ measurement_months - 1 }} preceding and current row
        ) as retained_observations,
        sum(customers_active) over (
            partition by group_type, group_key order by period_month
            rows between {{ trailing_months - 1 }} preceding and current row
        ) as margin_observations,
        sum(active_margin) over (
            partition by group_type, group_key order by period_month
            rows between {{ trailing_months - 1 }} preceding and current row
        ) as trailing_active_margin
    from spine

),

final as (

    select
        period_month,
        group_type,
        group_key,
        cast(customers_start as {{ dbt.type_int() }}) as customers_start,
        cast(customers_retained as {{ dbt.type_int() }}) as customers_retained,
        cast(customers_active as {{ dbt.type_int() }}) as customers_active,
        cast(retention_observations as {{ dbt.type_int() }}) as retention_observations,
        cast(margin_observations as {{ dbt.type_int() }}) as margin_observations,
        cast({{ safe_divide('retained_observations', 'retention_observations') }} as double)
            as monthly_retention_rate,
        cast({{ safe_divide('trailing_active_margin', 'margin_observations') }} as double)
            as average_monthly_margin,
        is_retention_measurable
    from trailing_sums

)

select * from final
