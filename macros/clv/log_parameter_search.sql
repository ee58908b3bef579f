{% macro log_parameter_search(observations, coordinates, parameters, start, contribution, iterations, initial_step, bound, tolerance, blocks=none, preamble=none) -%}
    {#- Maximum-likelihood search in plain SQL, unrolled with Jinja: CTE definitions (to follow `with`, and
        a comma) ending with `search_result`.

        The search runs over unbounded coordinates (logarithms of the parameters, or of products of
        them), so the parameters stay positive. Every iteration evaluates the log-likelihood at the
        points centre + step x (-1, 0, +1) in every coordinate (diagonals included, so it can follow a
        ridge where parameters trade off against each other) and moves the centre to the best point;
        when the centre itself is best the step is halved. This compass (pattern) search converges to a
        local maximum; the final step is the resolution of the answer (0.0001 in log terms = 0.01%).
        With `blocks` (lists of coordinates), a move changes the coordinates of one block only: the
        diagonals within a block are kept and the 3^k grid shrinks (4 coordinates in 2 blocks of 2: 17
        points instead of 81).

        observations: relation whose rows are summed, aliased `observation` in `contribution`; it must
                      have at least one row (a row that contributes 0 will do).
        coordinates:  names of the search coordinates.
        parameters:   list of [name, SQL expression of the coordinates]; the candidate relation, aliased
                      `candidate` in `contribution`, has one column per parameter.
        start:        relation with one row and one column per coordinate: the starting point.
        contribution: SQL expression, one observation's contribution to the log-likelihood.
        bound:        coordinates are kept within +- bound.
        search_result has step_size, iterations, is_converged (final step at most `tolerance`),
        is_at_bound (a coordinate reached the bound), log_likelihood, the coordinates and the
        parameters.
        preamble:     the CTE definitions before the search (observations and start among them), for
                      engines that run the search one query per iteration (spark__log_parameter_search).

        The search is dispatched: by default it is one query of `iterations` chained CTEs. -#}
    {{ return(adapter.dispatch('log_parameter_search', 'customer_value')(
        observations, coordinates, parameters, start, contribution, iterations, initial_step, bound,
        tolerance, blocks, preamble
    )) }}
{%- endmacro %}

{% macro default__log_parameter_search(observations, coordinates, parameters, start, contribution, iterations, initial_step, bound, tolerance, blocks, preamble) -%}
    {{ log_parameter_search_directions(coordinates, blocks) }},

    {{ log_parameter_search_start(start, coordinates, initial_step, bound) }},
    {%- for i in range(1, iterations + 1) %}
    {{ log_parameter_search_iteration(i, 'search_' ~ (i - 1), observations, coordinates, parameters, contribution, bound) }},
    {%- endfor %}

    {{ log_parameter_search_result('search_' ~ iterations, coordinates, parameters, iterations, bound, tolerance) }}
{%- endmacro %}

{% macro spark__log_parameter_search(observations, coordinates, parameters, start, contribution, iterations, initial_step, bound, tolerance, blocks, preamble) -%}
    {#- Spark plans a query of sixty chained iterations slowly (its analyser gives up at its default
        limit of 100 rounds, and with a higher one planning takes many minutes), so here every iteration
        is a query of its own, run while the model compiles: the centre it returns goes into the next
        one as literals, and the model's SQL holds only the final point. Same iterations, same
        arithmetic, same result as the chained query; the observations are cached once for the session.
        Needs the CTEs before the search (`preamble`);
        without it, or while nothing executes (dbt compile, docs), the chained form is returned. -#}
    {%- if not execute or preamble is none -%}
        {{ return(default__log_parameter_search(
            observations, coordinates, parameters, start, contribution, iterations, initial_step, bound,
            tolerance, blocks, preamble
        )) }}
    {%- endif -%}
    {%- set columns = ['step_size'] + coordinates + ['log_likelihood'] -%}
    {#- the observations are computed once and cached for the session, not once per iteration -#}
    {%- set cached = this.identifier ~ '__search_observations' -%}
    {%- do run_query('cache table ' ~ cached ~ ' as with ' ~ preamble ~ ' select * from ' ~ observations) -%}
    {%- set select_centre -%}
        select {% for column in columns %}cast({{ column }} as string) as {{ column }}{{ ', ' if not loop.last }}{% endfor %}
    {%- endset -%}
    {#- the centre lives in a dict: a variable set inside a Jinja loop does not outlive the iteration -#}
    {%- set state = {'centre': run_query(
        'with ' ~ preamble ~ ', '
        ~ log_parameter_search_start(start, coordinates, initial_step, bound)
        ~ ' ' ~ select_centre ~ ' from search_0'
    ).rows[0]} -%}
    {%- for i in range(1, iterations + 1) -%}
        {%- do state.update({'centre': run_query(
            'with ' ~ log_parameter_search_directions(coordinates, blocks) ~ ', '
            ~ log_parameter_search_point('search_' ~ (i - 1), columns, state.centre) ~ ', '
            ~ log_parameter_search_iteration(i, 'search_' ~ (i - 1), cached, coordinates, parameters, contribution, bound)
            ~ ' ' ~ select_centre ~ ' from search_' ~ i
        ).rows[0]}) -%}
    {%- endfor %}
    {%- do run_query('uncache table if exists ' ~ cached) -%}
    {%- do run_query('drop view if exists ' ~ cached) -%}
    {{ log_parameter_search_point('search_' ~ iterations, columns, state.centre) }},

    {{ log_parameter_search_result('search_' ~ iterations, coordinates, parameters, iterations, bound, tolerance) }}
{%- endmacro %}

{% macro log_parameter_search_point(name, columns, values) -%}
    {#- A one-row CTE `name` of doubles from the text of a query's row (null stays null). -#}
    {{ name }} as (

        select
            {%- for column in columns %}
            cast({{ "'" ~ values[loop.index0] ~ "'" if values[loop.index0] is not none else 'null' }} as double) as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}

    )
{%- endmacro %}

{% macro log_parameter_search_start(start, coordinates, initial_step, bound) -%}
    {#- CTE search_0: the starting point, kept within +- bound, and the initial step. -#}
    search_0 as (

        select
            cast({{ initial_step }} as double) as step_size,
            {%- for name in coordinates %}
            cast(least(greatest(start_point.{{ name }}, -{{ bound }}), {{ bound }}) as double) as {{ name }},
            {%- endfor %}
            cast(null as double) as log_likelihood
        from {{ start }} as start_point

    )
{%- endmacro %}

{% macro log_parameter_search_result(last, coordinates, parameters, iterations, bound, tolerance) -%}
    {#- CTE search_result from the last iteration's centre (see log_parameter_search). -#}
    search_result as (

        select
            step_size,
            {{ iterations }} as iterations,
            step_size <= {{ tolerance }} as is_converged,
            ({% for name in coordinates %}abs({{ name }}) >= {{ bound }}{{ ' or ' if not loop.last }}{% endfor %}) as is_at_bound,
            log_likelihood,
            {%- for name in coordinates %}
            {{ name }},
            {%- endfor %}
            {%- for parameter in parameters %}
            {{ parameter[1] }} as {{ parameter[0] }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ last }}

    )
{%- endmacro %}

{% macro log_parameter_search_directions(coordinates, blocks) -%}
    {#- CTEs search_offsets and search_directions: the moves of one iteration (see log_parameter_search). -#}
    search_offsets as (

        select -1 as step_offset
        union all
        select 0 as step_offset
        union all
        select 1 as step_offset

    ),

    search_directions as (

        select
            {%- for name in coordinates %}
            offset_{{ name }}.step_offset as direction_{{ name }},
            {%- endfor %}
            {% for name in coordinates %}abs(offset_{{ name }}.step_offset){{ ' + ' if not loop.last }}{% endfor %} as direction_moves
        from search_offsets as offset_{{ coordinates[0] }}
        {%- for name in coordinates[1:] %}
        cross join search_offsets as offset_{{ name }}
        {%- endfor %}
        {%- if blocks %}
        where
            {%- for block in blocks %}
            ({% for name in coordinates if name not in block %}offset_{{ name }}.step_offset = 0{{ ' and ' if not loop.last }}{% endfor %}){{ ' or' if not loop.last }}
            {%- endfor %}
        {%- endif %}

    )
{%- endmacro %}

{% macro log_parameter_search_iteration(i, previous, observations, coordinates, parameters, contribution, bound) -%}
    {#- CTEs search_<i>_candidates, search_<i>_evaluated and search_<i>: one iteration of the search from
        the centre in relation `previous` (see log_parameter_search). -#}

    search_{{ i }}_candidates as (

        select
            centre.step_size,
            directions.direction_moves,
            {%- for name in coordinates %}
            directions.direction_{{ name }},
            {%- endfor %}
            {%- for name in coordinates %}
            least(
                greatest(centre.{{ name }} + centre.step_size * directions.direction_{{ name }}, -{{ bound }}),
                {{ bound }}
            ) as {{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ previous }} as centre
        cross join search_directions as directions

    ),

    search_{{ i }}_evaluated as (

        select
            candidate.step_size,
            candidate.direction_moves,
            {%- for name in coordinates %}
            candidate.direction_{{ name }},
            {%- endfor %}
            {%- for name in coordinates %}
            candidate.{{ name }},
            {%- endfor %}
            sum({{ contribution }}) as log_likelihood
        from (
            select
                step_size,
                direction_moves,
                {%- for name in coordinates %}
                direction_{{ name }},
                {%- endfor %}
                {%- for name in coordinates %}
                {{ name }},
                {%- endfor %}
                {%- for parameter in parameters %}
                {{ parameter[1] }} as {{ parameter[0] }}{{ ',' if not loop.last }}
                {%- endfor %}
            from search_{{ i }}_candidates
        ) as candidate
        cross join {{ observations }} as observation
        group by
            candidate.step_size,
            candidate.direction_moves,
            {%- for name in coordinates %}
            candidate.direction_{{ name }},
            {%- endfor %}
            {%- for name in coordinates %}
            candidate.{{ name }}{{ ',' if not loop.last }}
            {%- endfor %}

    ),

    search_{{ i }} as (

        select
            -- the centre is best: the optimum is within one step of it, look closer
            case when ranked.direction_moves = 0 then ranked.step_size / 2 else ranked.step_size end as step_size,
            {%- for name in coordinates %}
            ranked.{{ name }},
            {%- endfor %}
            ranked.log_likelihood
        from (
            select
                evaluated.*,
                row_number() over (
                    -- a likelihood that is not a finite number (overflow) ranks last; ties go to the
                    -- centre, then to the smallest move
                    order by
                        case
                            when evaluated.log_likelihood between -1e300 and 1e300 then evaluated.log_likelihood
                        end desc nulls last,
                        evaluated.direction_moves asc
                        {%- for name in coordinates %},
                        evaluated.direction_{{ name }} asc
                        {%- endfor %}
                ) as candidate_rank
            from search_{{ i }}_evaluated as evaluated
        ) as ranked
        where ranked.candidate_rank = 1

    )
{%- endmacro %}
