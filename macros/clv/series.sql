{% macro integer_series_per_row(relation, count_column, index_column) -%}
    {#- Every row of `relation` repeated `count_column` times, with `index_column` = 1, 2, ..., count. -#}
    {{ return(adapter.dispatch('integer_series_per_row', 'customer_value')(relation, count_column, index_column)) }}
{%- endmacro %}

{% macro default__integer_series_per_row(relation, count_column, index_column) -%}
    select
        expanded.*,
        unnest(generate_series(1, expanded.{{ count_column }})) as {{ index_column }}
    from {{ relation }} as expanded
{%- endmacro %}

{% macro spark__integer_series_per_row(relation, count_column, index_column) -%}
    select
        expanded.*,
        explode(sequence(1, expanded.{{ count_column }})) as {{ index_column }}
    from {{ relation }} as expanded
{%- endmacro %}

{% macro hypergeometric_tail_series(points, key_columns, p1, p2, q1, z, tolerance, max_terms, error_scale='1') -%}
    {#- For each row of `points`, the series
            S = sum over j >= 1 of z^j (p1)_j (p2)_(j-1) / ((q1)_j j!)
        where (y)_j = y (y + 1) ... (y + j - 1) is the rising factorial; 0 < z < 1, p2 > 0, q1 > -1, and
        neither p1 nor q1 is 0 or a negative whole number. It is the tail of a Gauss hypergeometric
        function: 2F1(h1, h2; h3; z) = 1 + h2 S with p1 = h1, p2 = h2 + 1, q1 = h3.

        Each term is computed in closed form in logs (so none overflows), with its sign from the number
        of negative factors of (p1)_j and (q1)_j; the terms j = 1 .. n are summed.
        How many: the ratio of consecutive terms is rho_j = z |p1 + j| (p2 + j - 1) / ((q1 + j) (j + 1)),
        at most z (|p1| + j) (p2 + j - 1) / ((q1 + j) (j + 1)), which is at most c = (1 + 3 z) / 4 < 1 for
        every j >= J, J the larger root of the quadratic (c - z) j^2 + (c (q1 + 1) - z (|p1| + p2 - 1)) j
        + c q1 - z |p1| (p2 - 1) (at least 1). From term J on the terms shrink by c or faster, so
        n = J + (ln(tolerance (1 - c) / c) - ln |term_J|) / ln(c) terms leave out at most the tolerance;
        n is capped at max_terms. When the caller multiplies S by a factor, error_scale (an expression
        of the points' columns) is that factor: the tolerance then applies to the product.
        The bound returned is computed from the terms summed: the omitted terms add up to at most
        |term_n| rho / (1 - rho), rho = c when n >= J, or z max(1, |p1 + n| / (q1 + n))
        max(1, (p2 + n - 1) / (n + 1)) when that is smaller; series_error_bound is null when rho >= 1.
        It adds a bound on rounding, so terms that cancel (large terms of both signs) show up in it.
        Returns the key columns, series_sum, series_terms and series_error_bound. -#}
    {%- set keys = key_columns | join(', ') -%}
    with

    series_points as (

        select
            {{ keys }},
            cast({{ p1 }} as double) as series_p1,
            cast({{ p2 }} as double) as series_p2,
            cast({{ q1 }} as double) as series_q1,
            cast({{ z }} as double) as series_z,
            (1 + 3 * cast({{ z }} as double)) / 4 as series_ratio,
            {{ tolerance }} / greatest(abs(cast({{ error_scale }} as double)), 1e-300) as series_tolerance
        from {{ points }}

    ),

    series_logs as (

        select
            series_points.*,
            ln(series_z) as log_z,
            {{ log_abs_gamma('series_p1') }} as log_gamma_p1,
            {{ log_gamma('series_p2') }} as log_gamma_p2,
            {{ log_abs_gamma('series_q1') }} as log_gamma_q1,
            -- the quadratic A j^2 + B j + C whose larger root is J
            series_ratio - series_z as quadratic_a,
            series_ratio * (series_q1 + 1) - series_z * (abs(series_p1) + series_p2 - 1) as quadratic_b,
            series_ratio * series_q1 - series_z * abs(series_p1) * (series_p2 - 1) as quadratic_c
        from series_points

    ),

    series_shrinking as (

        select
            series_logs.*,
            greatest(
                1,
                ceil(
                    (-quadratic_b + sqrt(greatest(quadratic_b * quadratic_b - 4 * quadratic_a * quadratic_c, 0)))
                    / (2 * quadratic_a)
                )
            ) as shrinking_from
        from series_logs

    ),

    series_sized as (

        select
            series_shrinking.*,
            cast(
                least(
                    {{ max_terms }},
                    shrinking_from + greatest(
                        0,
                        ceil(
                            (
                                ln(series_tolerance * (1 - series_ratio) / series_ratio)
                                - (
                                    shrinking_from * log_z
                                    + {{ log_abs_gamma('series_p1 + shrinking_from') }} - log_gamma_p1
                                    + {{ log_gamma('series_p2 + shrinking_from - 1') }} - log_gamma_p2
                                    - {{ log_abs_gamma('series_q1 + shrinking_from') }} + log_gamma_q1
                                    - {{ log_gamma('shrinking_from + 1') }}
                                )
                            ) / ln(series_ratio)
                        )
                    )
                )
                as {{ dbt.type_int() }}
            ) as series_terms
        from series_shrinking

    ),

    series_indexed as (

        {{ integer_series_per_row('series_sized', 'series_terms', 'term_index') }}

    ),

    series_term_logs as (

        select
            series_indexed.*,
            -- (y)_j has as many negative factors y, y + 1, ... as there are below 0 among its first j
            case
                when series_p1 < 0 then least(term_index, cast(ceil(-series_p1) as {{ dbt.type_int() }}))
                else 0
            end
            + case
                when series_q1 < 0 then least(term_index, cast(ceil(-series_q1) as {{ dbt.type_int() }}))
                else 0
            end as negative_factors,
            {{ log_abs_gamma('series_p1 + term_index') }} as log_gamma_p1_j,
            {{ log_gamma('series_p2 + term_index - 1') }} as log_gamma_p2_j,
            {{ log_abs_gamma('series_q1 + term_index') }} as log_gamma_q1_j,
            {{ log_gamma('term_index + 1') }} as log_factorial
        from series_indexed

    ),

    series_terms as (

        select
            series_term_logs.*,
            case when mod(negative_factors, 2) = 1 then -1.0 else 1.0 end
            * exp(
                term_index * log_z
                + log_gamma_p1_j - log_gamma_p1 + log_gamma_p2_j - log_gamma_p2 - log_gamma_q1_j + log_gamma_q1
                - log_factorial
            ) as term,
            -- the size of the log-gamma values the term is a difference of, for its rounding error
            abs(term_index * log_z) + abs(log_gamma_p1_j) + abs(log_gamma_p1) + abs(log_gamma_p2_j)
            + abs(log_gamma_p2) + abs(log_gamma_q1_j) + abs(log_gamma_q1) + log_factorial as log_magnitude
        from series_term_logs

    ),

    series_summed as (

        select
            {{ keys }},
            series_terms,
            sum(term) as series_sum,
            max(case when term_index = series_terms then abs(term) end) as last_term,
            -- rounding: each term is exp of a sum of log-gamma values, each good to a few (4) units in
            -- the last place (2^-52 relative); the sum of n terms adds n more
            sum(abs(term) * (4 * log_magnitude + series_terms)) * power(2, -52) as rounding_bound,
            least(
                max(case when series_terms >= shrinking_from then series_ratio else 1 end),
                max(series_z) * greatest(1, max(abs(series_p1 + series_terms) / (series_q1 + series_terms)))
                * greatest(1, max((series_p2 + series_terms - 1) / (series_terms + 1)))
            ) as ratio_bound
        from series_terms
        group by {{ keys }}, series_terms

    )

    select
        {{ keys }},
        series_sum,
        series_terms,
        case
            when ratio_bound < 1 then last_term * ratio_bound / (1 - ratio_bound) + rounding_bound
        end as series_error_bound
    from series_summed
{%- endmacro %}
