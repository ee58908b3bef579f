{% macro allocate_largest_remainder(relation, pool_key, pool_amount, weight, tiebreak, output='allocated_amount', precision=2) -%}
    {#- Splits each pool over its rows in proportion to `weight` and rounds the parts to
        10^-precision with the largest-remainder method, so the parts add up to the pool exactly:
        no cent created or lost. Returns a select of every column of `relation` (a CTE or relation
        name) plus the allocation in column `output` (default `allocated_amount`). Rows of a pool whose weights sum to zero (or less) get null:
        the caller reports such a pool as unallocated. `pool_key` is a list of columns; `tiebreak`
        orders rows with equal remainders so the result is deterministic. -#}
    {%- set partition = pool_key | join(', ') -%}
    {%- set scale = 10 ** precision -%}
    {%- set p = '_' ~ output ~ '_' -%}
    select
        ranked.*,
        case
            when ranked.{{ p }}total_weight > 0
                then cast(
                    ranked.{{ p }}sign
                    * (ranked.{{ p }}floor_units
                        + case when ranked.{{ p }}remainder_rank <= ranked.{{ p }}leftover_units then 1 else 0 end)
                    / {{ scale }}.0
                    as {{ type_money() }}
                )
        end as {{ output }}
    from (
        select
            floored.*,
            floored.{{ p }}pool_units
            - sum(floored.{{ p }}floor_units) over (partition by {{ partition }}) as {{ p }}leftover_units,
            row_number() over (
                partition by {{ partition }}
                order by floored.{{ p }}exact_units - floored.{{ p }}floor_units desc, {{ tiebreak }}
            ) as {{ p }}remainder_rank
        from (
            select
                shares.*,
                floor(shares.{{ p }}exact_units) as {{ p }}floor_units
            from (
                select
                    weighted.*,
                    case
                        when weighted.{{ p }}total_weight > 0
                            then weighted.{{ p }}pool_units
                            * cast(greatest({{ weight }}, 0) as double) / weighted.{{ p }}total_weight
                        else 0
                    end as {{ p }}exact_units
                from (
                    select
                        source_rows.*,
                        sum(greatest({{ weight }}, 0)) over (partition by {{ partition }}) as {{ p }}total_weight,
                        round(abs({{ pool_amount }}) * {{ scale }}) as {{ p }}pool_units,
                        case when {{ pool_amount }} < 0 then -1 else 1 end as {{ p }}sign
                    from {{ relation }} as source_rows
                ) as weighted
            ) as shares
        ) as floored
    ) as ranked
{%- endmacro %}
