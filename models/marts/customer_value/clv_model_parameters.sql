-- The fitted lifetime-value models, one row each: BG/NBD (purchases and drop-out) and Gamma-Gamma
-- (spend per purchase), with their maximum log-likelihood, the customers they were fitted on, the
-- calibration window, and how the search ended.
with

customers as (

    select * from {{ ref('int_customer_purchases_summarised') }}

),

bgnbd as (

    select * from {{ ref('int_bgnbd_parameters_fitted') }}

),

gamma_gamma as (

    select * from {{ ref('int_gamma_gamma_parameters_fitted') }}

),

window_bounds as (

    select
        min(first_purchase_date) as calibration_start_date,
        max(calibration_end_date) as calibration_end_date,
        max(holdout_end_date) as holdout_end_date
    from customers

),

models as (

    select
        'bgnbd' as model_name,
        customers,
        repeat_purchases,
        observation_groups,
        r,
        alpha,
        a,
        b,
        cast(null as double) as p,
        cast(null as double) as q,
        cast(null as double) as gamma,
        log_likelihood,
        iterations,
        step_size,
        is_converged,
        is_at_bound
    from bgnbd

    union all

    select
        'gamma_gamma' as model_name,
        customers,
        repeat_purchases,
        observation_groups,
        cast(null as double) as r,
        cast(null as double) as alpha,
        cast(null as double) as a,
        cast(null as double) as b,
        p,
        q,
        gamma,
        log_likelihood,
        iterations,
        step_size,
        is_converged,
        is_at_bound
    from gamma_gamma

),

final as (

    select
        models.model_name,
        '{{ clv_purchases_from() }}' as purchases_from,
        '{{ clv_time_unit() }}' as time_unit,
        models.customers,
        models.repeat_purchases,
        models.observation_groups,
        models.r,
        models.alpha,
        models.a,
        models.b,
        models.p,
        models.q,
        models.gamma,
        models.log_likelihood,
        models.iterations,
        models.step_size as final_step_size,
        models.is_converged,
        models.is_at_bound,
        window_bounds.calibration_start_date,
        window_bounds.calibration_end_date,
        window_bounds.holdout_end_date
    from models
    cross join window_bounds

)

select * from final
