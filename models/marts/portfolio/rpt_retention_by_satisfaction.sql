-- Retention by satisfaction score (DOMAIN.md section 6: satisfaction is a leading indicator of retention),
-- one row per score 1 to 5 that was given. Every survey answer counts: it is retained when the customer
-- placed an order in one of the satisfaction_retention_months months after the month of the answer. An
-- answer is measurable when all those months are complete; retention rate = retained / measurable answers.
{%- set horizon = positive_int_var('satisfaction_retention_months') %}
with

surveys as (

    select * from {{ ref('stg_crm__surveys') }}

),

monthly as (

    select * from {{ ref('fct_customer_profitability_monthly') }}

),

latest_complete as (

    select max(period_month) as latest_complete_month
    from monthly
    where is_complete_month

),

answers as (

    select
        surveys.survey_id,
        surveys.customer_id,
        surveys.satisfaction_score,
        {{ month_of('surveys.surveyed_date') }} as surveyed_month,
        {{ add_months(month_of('surveys.surveyed_date'), horizon) }} as horizon_end_month,
        {{ add_months(month_of('surveys.surveyed_date'), horizon) }} <= latest_complete.latest_complete_month
            as is_measurable
    from surveys
    cross join latest_complete

),

outcomes as (

    select
        answers.survey_id,
        max(answers.satisfaction_score) as satisfaction_score,
        max(case when answers.is_measurable then 1 else 0 end) as is_measurable,
        max(case when monthly.order_count > 0 then 1 else 0 end) as is_retained
    from answers
    left join monthly
        on
            answers.customer_id = monthly.customer_id
            and answers.surveyed_month < monthly.period_month
            and answers.horizon_end_month >= monthly.period_month
    group by 1

),

final as (

    select
        cast(satisfaction_score as {{ dbt.type_int() }}) as satisfaction_score,
        cast(count(*) as {{ dbt.type_int() }}) as answers,
        cast(sum(is_measurable) as {{ dbt.type_int() }}) as measurable_answers,
        cast(sum(case when is_measurable = 1 then is_retained else 0 end) as {{ dbt.type_int() }}) as retained_answers,
        cast(
            {{ safe_divide('sum(case when is_measurable = 1 then is_retained else 0 end)', 'sum(is_measurable)') }}
            as double
        ) as retention_rate,
        cast({{ horizon }} as {{ dbt.type_int() }}) as retention_months
    from outcomes
    group by 1

)

select * from final
