-- Satisfaction (DOMAIN.md section 6), one row per customer with at least one survey answer (1 to 5): the
-- latest score and its trend against the answer before it. Trend: rising (latest above the previous
-- answer), falling (below), stable (equal) or single_answer (only one answer). Ties on a date are broken by
-- survey_id, the later number being the later answer.
with

surveys as (

    select * from {{ ref('stg_crm__surveys') }}

),

ordered as (

    select
        customer_id,
        survey_id,
        satisfaction_score,
        surveyed_date,
        row_number() over (partition by customer_id order by surveyed_date desc, survey_id desc) as answer_recency,
        count(*) over (partition by customer_id) as survey_count,
        avg(cast(satisfaction_score as double)) over (partition by customer_id) as average_score,
        min(surveyed_date) over (partition by customer_id) as first_surveyed_date
    from surveys

),

latest as (

    select * from ordered
    where answer_recency = 1

),

previous as (

    select * from ordered
    where answer_recency = 2

),

final as (

    select
        latest.customer_id,
        case
            when previous.customer_id is null then 'single_answer'
            when latest.satisfaction_score > previous.satisfaction_score then 'rising'
            when latest.satisfaction_score < previous.satisfaction_score then 'falling'
            else 'stable'
        end as satisfaction_trend,
        cast(latest.satisfaction_score as {{ dbt.type_int() }}) as latest_score,
        cast(previous.satisfaction_score as {{ dbt.type_int() }}) as previous_score,
        cast(latest.satisfaction_score - previous.satisfaction_score as {{ dbt.type_int() }}) as score_change,
        cast(latest.average_score as double) as average_score,
        cast(latest.survey_count as {{ dbt.type_int() }}) as survey_count,
        latest.surveyed_date as latest_surveyed_date,
        previous.surveyed_date as previous_surveyed_date,
        latest.first_surveyed_date
    from latest
    left join previous
        on latest.customer_id = previous.customer_id

)

select * from final
