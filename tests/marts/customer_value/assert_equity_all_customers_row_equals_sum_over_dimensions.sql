-- Every count and amount of fct_customer_equity_monthly's all-customers row equals the sum over the
-- segments, over the regions and over the acquisition channels of the same month (each customer is in
-- exactly one value of each dimension). Returns the month, dimension and column that do not add up.
{%- set additive = [
    'customers_start', 'customers_new', 'customers_acquired', 'customers_reactivated', 'customers_retained',
    'customers_lost', 'customers_end', 'acquisition_cost', 'retention_cost', 'customer_equity',
    'new_customers_clv', 'retained_customers_clv', 'acquisition_equity', 'retention_equity',
] %}
with

equity as (

    select * from {{ ref('fct_customer_equity_monthly') }}

),

all_customers as (

    select * from equity
    where dimension = 'all_customers'

),

summed as (

    select
        period_month,
        dimension,
        {% for column in additive %}
            sum({{ column }}) as {{ column }},
            count({{ column }}) as {{ column }}_valued,
        {% endfor %}
        count(*) as dimension_values
    from equity
    where dimension <> 'all_customers'
    group by 1, 2

),

compared as (

    {% for column in additive %}
        select
            summed.period_month,
            summed.dimension,
            '{{ column }}' as column_name,
            all_customers.{{ column }} as all_customers_value,
            summed.{{ column }} as summed_value
        from summed
        inner join all_customers
            on summed.period_month = all_customers.period_month
        where
            -- a null all-customers value needs every dimension value null, and the reverse
            (all_customers.{{ column }} is null) <> (summed.{{ column }}_valued = 0)
            or (
                all_customers.{{ column }} is not null
                and (
                    summed.{{ column }}_valued <> summed.dimension_values
                    or all_customers.{{ column }} <> summed.{{ column }}
                )
            )
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

dimensions as (

    select 'segment' as dimension
    union all
    select 'region' as dimension
    union all
    select 'acquisition_channel' as dimension

),

missing_dimensions as (

    select
        all_customers.period_month,
        dimensions.dimension,
        'every column' as column_name,
        cast(null as {{ type_money() }}) as all_customers_value,
        cast(null as {{ type_money() }}) as summed_value
    from all_customers
    cross join dimensions
    left join summed
        on
            all_customers.period_month = summed.period_month
            and dimensions.dimension = summed.dimension
    where summed.period_month is null

)

select * from compared
union all
select * from missing_dimensions
