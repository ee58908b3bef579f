-- Gamma-Gamma fitted by maximum likelihood in SQL on the customers with at least one repeat purchase
-- of positive value (x = those purchases, m = their average value). The search coordinates are
-- ln p, ln q and ln(p gamma / q), which is close to the log of the mean purchase value: p and gamma trade
-- off against each other along a long ridge, and this coordinate takes most of the ridge out of the
-- search (Newton's method with damping, macros/clv/log_parameter_search.sql). It starts from p = q = 1
-- and gamma = the average of m, a point that does not depend on the currency.
{%- set search = clv_search_settings('clv_gamma_gamma_search_iterations') %}
{#- the CTEs before the search, also run on their own by engines that search one query at a time -#}
{%- set preamble %}
customers as (

    select * from {{ ref('int_customer_purchases_summarised') }}

),

spenders as (

    select
        spend_repeat_purchases as x,
        cast(repeat_spend as double) / spend_repeat_purchases as m
    from customers
    where spend_repeat_purchases > 0

),

observations as (

    select
        true as is_count_row,
        x,
        cast(null as double) as m,
        count(*) as customers
    from spenders
    group by x

    union all

    select
        false as is_count_row,
        x,
        m,
        1 as customers
    from spenders

    union all

    -- a row that contributes nothing, so that the search has rows to evaluate when there is no data
    select
        true as is_count_row,
        1 as x,
        cast(null as double) as m,
        0 as customers

),

search_start as (

    select
        0.0 as log_p,
        0.0 as log_q,
        coalesce(ln(avg(m)), 0.0) as log_scale
    from spenders

)
{%- endset %}
with

{{ preamble }},

{{ log_parameter_search(
    observations='observations',
    coordinates=['log_p', 'log_q', 'log_scale'],
    parameters=[['p', 'exp(log_p)'], ['q', 'exp(log_q)'], ['gamma', 'exp(log_scale + log_q - log_p)']],
    start='search_start',
    contribution=gamma_gamma_log_likelihood_contribution('candidate', 'observation'),
    iterations=search.iterations,
    max_step=search.max_step,
    difference_step=search.difference_step,
    bound=search.bound,
    tolerance=search.tolerance,
    preamble=preamble,
) }},

observed as (

    select
        cast(count(*) as {{ dbt.type_int() }}) as customers,
        cast(coalesce(sum(x), 0) as {{ dbt.type_int() }}) as repeat_purchases
    from spenders

),

final as (

    select
        observed.customers,
        observed.repeat_purchases,
        observed.customers as observation_groups,
        search_result.p,
        search_result.q,
        search_result.gamma,
        search_result.log_likelihood,
        search_result.iterations,
        search_result.step_size,
        search_result.is_converged,
        search_result.is_at_bound
    from search_result
    cross join observed

)

select * from final
