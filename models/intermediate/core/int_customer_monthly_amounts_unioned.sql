-- Every amount and count that makes up a customer's month, summed from the stacked component rows
-- (int_customer_monthly_amounts_stacked) to one row per customer and month that has any.
-- fct_customer_profitability_monthly puts these on the customer-month spine.
{%- set measures = customer_measure_columns() %}
with

stacked as (

    select * from {{ ref('int_customer_monthly_amounts_stacked') }}

),

final as (

    select
        customer_id,
        period_month,
        {% for measure in measures %}
            {% if measure.endswith('_count') %}
                cast(sum({{ measure }}) as {{ dbt.type_bigint() }}) as {{ measure }},
            {% elif measure == 'service_minutes' %}
                cast(sum({{ measure }}) as {{ dbt.type_numeric() }}) as {{ measure }},
            {% else %}
                cast(sum({{ measure }}) as {{ type_money() }}) as {{ measure }},
            {% endif %}
        {% endfor %}
        count(*) as component_row_count
    from stacked
    group by 1, 2

)

select * from final
