-- BG/NBD fitted by maximum likelihood in SQL (macros/clv/log_parameter_search.sql): Newton's method with
-- damping over (ln r, ln alpha, ln a, ln b) from r = alpha = 1, a = b = e^0.5 (not a = 1, where the
-- forecast formula has a removable singularity: data too thin to move the search would leave it there),
-- at most var clv_bgnbd_search_iterations iterations (it stops once converged, after about ten).
-- The likelihood is evaluated on the (x, t_x, T) groups, never on single customers: count rows
-- carry the terms that depend on x only (one per distinct x), group rows the rest.
{%- set search = clv_search_settings('clv_bgnbd_search_iterations') %}
{#- the CTEs before the search, also run on their own by engines that search one query at a time -#}
{%- set preamble %}
groups as (

    select * from {{ ref('int_customer_rfm_groups') }}

),

observations as (

    select
        true as is_count_row,
        repeat_purchases as x,
        0.0 as t_x,
        0.0 as t_cal,
        sum(customers) as customers
    from groups
    group by repeat_purchases

    union all

    select
        false as is_count_row,
        repeat_purchases as x,
        time_of_last_purchase as t_x,
        customer_age as t_cal,
        customers
    from groups

    union all

    -- a row that contributes nothing, so that the search has rows to evaluate when there is no data
    select
        true as is_count_row,
        0 as x,
        0.0 as t_x,
        0.0 as t_cal,
        0 as customers

),

search_start as (

    select
        0.0 as log_r,
        0.0 as log_alpha,
        0.5 as log_a,
        0.5 as log_b

)
{%- endset %}
with

{{ preamble }},

{{ log_parameter_search(
    observations='observations',
    coordinates=['log_r', 'log_alpha', 'log_a', 'log_b'],
    parameters=[['r', 'exp(log_r)'], ['alpha', 'exp(log_alpha)'], ['a', 'exp(log_a)'], ['b', 'exp(log_b)']],
    start='search_start',
    contribution=bgnbd_log_likelihood_contribution('candidate', 'observation'),
    iterations=search.iterations,
    max_step=search.max_step,
    difference_step=search.difference_step,
    bound=search.bound,
    tolerance=search.tolerance,
    preamble=preamble,
) }},

observed as (

    select
        cast(coalesce(sum(customers), 0) as {{ dbt.type_int() }}) as customers,
        cast(coalesce(sum(customers * repeat_purchases), 0) as {{ dbt.type_int() }}) as repeat_purchases,
        cast(count(*) as {{ dbt.type_int() }}) as observation_groups
    from groups

),

final as (

    select
        observed.customers,
        observed.repeat_purchases,
        observed.observation_groups,
        search_result.r,
        search_result.alpha,
        search_result.a,
        search_result.b,
        search_result.log_likelihood,
        search_result.iterations,
        search_result.step_size,
        search_result.is_converged,
        search_result.is_at_bound
    from search_result
    cross join observed

)

select * from final
