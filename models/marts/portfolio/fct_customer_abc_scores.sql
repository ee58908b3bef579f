-- ABC customer scoring (DOMAIN.md section 6), one row per customer of fct_customer_profitability. Each
-- factor of seeds/abc_scoring_weights.csv (values: int_customer_abc_factors_unpivoted) is scored 0 to 100
-- against the best customer: the best value scores 100, the worst 0, the others by their distance from the
-- best (min_max_score); for a factor where lower is better (complaints, payment reminders) the lowest value
-- is the best. The total score is the weighted average of the factor scores:
--     total_score = sum(weight x factor score) / sum(weight)
-- Customers ranked by total score (best first, then customer_id) take the first class of
-- seeds/abc_class_cutoffs.csv whose max_cumulative_customer_share their rank / customers does not exceed.
-- Changing a weight or a cut-off in the seeds changes the scores and classes with no SQL edit.
{%- set score_precision = 4 %}
{%- set factors = ['sales', 'contribution_margin', 'order_volume_trend', 'relationship_length',
                   'complaint_frequency', 'purchases_per_year', 'payment_history', 'future_prospects'] %}
with

factor_values as (

    select * from {{ ref('int_customer_abc_factors_unpivoted') }}

),

weights as (

    select * from {{ ref('abc_scoring_weights') }}

),

cutoffs as (

    select * from {{ ref('abc_class_cutoffs') }}

),

weighted as (

    select
        factor_values.customer_id,
        factor_values.factor,
        factor_values.factor_value,
        cast(weights.weight as double) as weight,
        case
            when weights.higher_is_better then max(factor_values.factor_value) over (partition by factor_values.factor)
            else min(factor_values.factor_value) over (partition by factor_values.factor)
        end as best_value,
        case
            when weights.higher_is_better then min(factor_values.factor_value) over (partition by factor_values.factor)
            else max(factor_values.factor_value) over (partition by factor_values.factor)
        end as worst_value
    from factor_values
    inner join weights
        on factor_values.factor = weights.factor

),

scored as (

    select
        *,
        {{ min_max_score('factor_value', 'best_value', 'worst_value') }} as factor_score
    from weighted

),

totals as (

    select
        customer_id,
        {%- for factor in factors %}
            max(case when factor = '{{ factor }}' then factor_value end) as {{ factor }}_value,
            max(case when factor = '{{ factor }}' then factor_score end) as {{ factor }}_score,
        {%- endfor %}
        round(
            cast({{ safe_divide('sum(weight * factor_score)', 'sum(weight)') }} as decimal(38, 6)),
            {{ score_precision }}
        ) as total_score
    from scored
    group by 1

),

ranked as (

    select
        *,
        row_number() over (order by total_score desc, customer_id asc) as score_rank,
        count(*) over () as customer_count
    from totals

),

classed as (

    select
        ranked.customer_id,
        min(cutoffs.class_order) as class_order
    from ranked
    inner join cutoffs
        on ranked.score_rank <= ranked.customer_count * cutoffs.max_cumulative_customer_share
    group by 1

),

final as (

    select
        ranked.customer_id,
        cutoffs.abc_class,
        cast(ranked.total_score as double) as total_score,
        cast(ranked.score_rank as {{ dbt.type_int() }}) as score_rank,
        cast(ranked.score_rank as double) / ranked.customer_count as cumulative_customer_share,
        {%- for factor in factors %}
            cast(ranked.{{ factor }}_value as double) as {{ factor }}_value,
            cast(ranked.{{ factor }}_score as double) as {{ factor }}_score,
        {%- endfor %}
        cast(cutoffs.class_order as {{ dbt.type_int() }}) as class_order
    from ranked
    left join classed
        on ranked.customer_id = classed.customer_id
    left join cutoffs
        on classed.class_order = cutoffs.class_order

)

select * from final
