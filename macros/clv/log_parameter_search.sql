{% macro log_parameter_search(observations, coordinates, parameters, start, contribution, iterations, max_step, difference_step, bound, tolerance, preamble=none) -%}
    {#- Maximum-likelihood search in plain SQL, unrolled with Jinja: CTE definitions (to follow `with`, and
        a comma) ending with `search_result`.

        The search runs over unbounded coordinates (logarithms of the parameters, or of products of
        them), so the parameters stay positive. It is Newton's method with Levenberg-Marquardt damping
        on derivatives taken by finite differences:
        * every iteration evaluates the log-likelihood at a stencil around the proposed point P: P,
          P +- h in each coordinate and P + h in each pair of coordinates (1 + k + k(k + 1)/2 points
          for k coordinates; h = difference_step), all in one pass over the observations;
        * if P is at least as likely as the current centre C (or it is the first point), P becomes the
          centre and its gradient g (central differences) and Hessian H (second differences) are kept,
          and the damping mu falls (x 1/4); otherwise C stays and mu rises (x 8);
        * the next step s solves (-H + mu diag|H|) s = g (Cholesky); where that matrix is not positive
          definite (far from the maximum, where the likelihood is not concave), the step is the
          diagonal one, s_j = g_j / ((1 + mu) |H_jj|). A step longer than max_step in any coordinate is
          shortened to it, and coordinates are kept within +- bound;
        * the search has converged when the step from the centre is at most `tolerance` in every
          coordinate with little damping (mu <= 1): the centre is then within about the tolerance of
          the maximum. Newton's method converges quadratically, so that takes a handful of iterations
          near the maximum; iterations after convergence evaluate nothing (an empty stencil).
        The central-difference gradient is exact up to h^2 times the third derivative, which moves the
        maximum found by a relative 1e-7 or so at h = 0.001 (far below the sampling error of any fit).

        observations: relation whose rows are summed, aliased `observation` in `contribution`; it must
                      have at least one row (a row that contributes 0 will do).
        coordinates:  names of the search coordinates.
        parameters:   list of [name, SQL expression of the coordinates]; the candidate relation, aliased
                      `candidate` in `contribution`, has one column per parameter.
        start:        relation with one row and one column per coordinate: the starting point.
        contribution: SQL expression, one observation's contribution to the log-likelihood.
        iterations:   the most iterations.
        search_result has step_size (the last step, max over coordinates), iterations (those that
        evaluated the likelihood), is_converged, is_at_bound (a coordinate reached the bound),
        log_likelihood, the coordinates and the parameters.
        preamble:     the CTE definitions before the search (observations and start among them).

        How it runs. While dbt runs or builds the model, every iteration is a query of its own, run while
        the model compiles: the state it returns goes into the next one as literals, the observations are
        computed once into a session table (log_parameter_search_cache_observations, dispatched), no query
        runs once the search has converged, and the model's SQL holds only the final state. Otherwise (dbt
        compile, docs, show, the lint target) the model's SQL is the whole search, `iterations` chained
        CTEs, which gives the same result in one query. The chained query is correct on every engine but
        slow to plan (DuckDB spends about 0.05 s per iteration planning it; Spark's analyser gives up on
        it at its default limit of 100 rounds). -#}
    {%- if execute and preamble is not none and target.name != 'lint' and flags.WHICH in ['run', 'build', 'retry'] -%}
        {{ return(log_parameter_search_by_query(
            observations, coordinates, parameters, start, contribution, iterations, max_step,
            difference_step, bound, tolerance, preamble
        )) }}
    {%- endif -%}
    {{ return(log_parameter_search_chained(
        observations, coordinates, parameters, start, contribution, iterations, max_step, difference_step,
        bound, tolerance
    )) }}
{%- endmacro %}

{% macro log_parameter_search_chained(observations, coordinates, parameters, start, contribution, iterations, max_step, difference_step, bound, tolerance) -%}
    {{ log_parameter_search_stencil(coordinates) }},

    {{ log_parameter_search_start(start, coordinates) }},
    {%- for i in range(1, iterations + 1) %}
    {{ log_parameter_search_iteration(i, 'search_' ~ (i - 1), observations, coordinates, parameters, contribution, max_step, difference_step, bound, tolerance) }},
    {%- endfor %}

    {{ log_parameter_search_result('search_' ~ iterations, coordinates, parameters, bound) }}
{%- endmacro %}

{% macro log_parameter_search_by_query(observations, coordinates, parameters, start, contribution, iterations, max_step, difference_step, bound, tolerance, preamble) -%}
    {#- The search one query per iteration (see log_parameter_search): same iterations, same arithmetic,
        same result as the chained query (the state travels as text, which both engines print with the
        digits that read back to the same double). -#}
    {%- set columns = log_parameter_search_state_columns(coordinates) -%}
    {%- set cached = this.identifier ~ '__search_observations' -%}
    {%- do log_parameter_search_cache_observations(cached, 'with ' ~ preamble ~ ' select * from ' ~ observations) -%}
    {%- set select_state -%}
        select {% for column in columns %}cast({{ column }} as string) as {{ column }}{{ ', ' if not loop.last }}{% endfor %}
    {%- endset -%}
    {#- the state lives in a dict: a variable set inside a Jinja loop does not outlive the iteration -#}
    {%- set state = {'row': run_query(
        'with ' ~ preamble ~ ', ' ~ log_parameter_search_start(start, coordinates)
        ~ ' ' ~ select_state ~ ' from search_0'
    ).rows[0]} -%}
    {%- for i in range(1, iterations + 1) -%}
        {%- if state.row[columns.index('is_converged')] | string not in ['1', '1.0'] -%}
            {%- do state.update({'row': run_query(
                'with ' ~ log_parameter_search_stencil(coordinates) ~ ', '
                ~ log_parameter_search_point('search_' ~ (i - 1), columns, state.row) ~ ', '
                ~ log_parameter_search_iteration(i, 'search_' ~ (i - 1), cached, coordinates, parameters, contribution, max_step, difference_step, bound, tolerance)
                ~ ' ' ~ select_state ~ ' from search_' ~ i
            ).rows[0]}) -%}
        {%- endif -%}
    {%- endfor %}
    {%- do log_parameter_search_drop_observations(cached) -%}
    {{ log_parameter_search_point('search_' ~ iterations, columns, state.row) }},

    {{ log_parameter_search_result('search_' ~ iterations, coordinates, parameters, bound) }}
{%- endmacro %}

{% macro log_parameter_search_pairs(coordinates) -%}
    {#- The (j, l) index pairs with j <= l of k coordinates: the entries of the symmetric Hessian. -#}
    {%- set pairs = [] -%}
    {%- for j in range(coordinates | length) -%}
        {%- for l in range(j, coordinates | length) -%}
            {%- do pairs.append([j, l]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(pairs) }}
{%- endmacro %}

{% macro log_parameter_search_state_columns(coordinates) -%}
    {#- The columns of the search state, one row, all doubles (see log_parameter_search): the centre and
        its log-likelihood, gradient and Hessian; the point to evaluate next; the damping; the last
        step; whether it has converged (0 or 1); iterations that evaluated the likelihood. -#}
    {%- set columns = [] -%}
    {%- for name in coordinates -%}{%- do columns.append('centre_' ~ name) -%}{%- endfor -%}
    {%- for name in coordinates -%}{%- do columns.append('proposal_' ~ name) -%}{%- endfor -%}
    {%- for j in range(coordinates | length) -%}{%- do columns.append('gradient_' ~ j) -%}{%- endfor -%}
    {%- for pair in log_parameter_search_pairs(coordinates) -%}
        {%- do columns.append('hessian_' ~ pair[0] ~ '_' ~ pair[1]) -%}
    {%- endfor -%}
    {%- do columns.extend(['log_likelihood', 'damping', 'step_size', 'is_converged', 'iterations']) -%}
    {{ return(columns) }}
{%- endmacro %}

{% macro log_parameter_search_stencil_points(coordinates) -%}
    {#- The stencil's points as lists of offsets (-1, 0, +1) per coordinate: the centre, +- each
        coordinate, + each pair of coordinates. -#}
    {%- set k = coordinates | length -%}
    {%- set points = [[0] * k] -%}
    {%- for j in range(k) -%}
        {%- for sign in [1, -1] -%}
            {%- do points.append([0] * j + [sign] + [0] * (k - j - 1)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for j in range(k) -%}
        {%- for l in range(j + 1, k) -%}
            {%- do points.append([0] * j + [1] + [0] * (l - j - 1) + [1] + [0] * (k - l - 1)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(points) }}
{%- endmacro %}

{% macro log_parameter_search_stencil(coordinates) -%}
    {#- CTE search_stencil: one row per stencil point, with its offsets (see log_parameter_search). -#}
    search_stencil as (
        {%- for point in log_parameter_search_stencil_points(coordinates) %}

        select
            {{ loop.index0 }} as point_id,
            {%- for name in coordinates %}
            {{ point[loop.index0] }} as offset_{{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
        {{- '\n\n        union all' if not loop.last }}
        {%- endfor %}

    )
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

{% macro log_parameter_search_start(start, coordinates) -%}
    {#- CTE search_0: the starting point as both centre and proposal, nothing evaluated yet. The damping
        starts small: the first steps are nearly Newton's. -#}
    search_0 as (

        select
            {%- for name in coordinates %}
            cast(start_point.{{ name }} as double) as centre_{{ name }},
            {%- endfor %}
            {%- for name in coordinates %}
            cast(start_point.{{ name }} as double) as proposal_{{ name }},
            {%- endfor %}
            {%- for j in range(coordinates | length) %}
            cast(null as double) as gradient_{{ j }},
            {%- endfor %}
            {%- for pair in log_parameter_search_pairs(coordinates) %}
            cast(null as double) as hessian_{{ pair[0] }}_{{ pair[1] }},
            {%- endfor %}
            cast(null as double) as log_likelihood,
            cast(0.001 as double) as damping,
            cast(null as double) as step_size,
            cast(0 as double) as is_converged,
            cast(0 as double) as iterations
        from {{ start }} as start_point

    )
{%- endmacro %}

{% macro log_parameter_search_result(last, coordinates, parameters, bound) -%}
    {#- CTE search_result from the last iteration's state (see log_parameter_search). -#}
    search_result as (

        select
            step_size,
            cast(iterations as {{ dbt.type_int() }}) as iterations,
            is_converged = 1 as is_converged,
            ({% for name in coordinates %}abs({{ name }}) >= {{ bound }}{{ ' or ' if not loop.last }}{% endfor %}) as is_at_bound,
            log_likelihood,
            {%- for name in coordinates %}
            {{ name }},
            {%- endfor %}
            {%- for parameter in parameters %}
            {{ parameter[1] }} as {{ parameter[0] }}{{ ',' if not loop.last }}
            {%- endfor %}
        from (
            select
                step_size,
                iterations,
                is_converged,
                log_likelihood,
                {%- for name in coordinates %}
                centre_{{ name }} as {{ name }}{{ ',' if not loop.last }}
                {%- endfor %}
            from {{ last }}
        ) as centre

    )
{%- endmacro %}

{% macro log_parameter_search_iteration(i, previous, observations, coordinates, parameters, contribution, max_step, difference_step, bound, tolerance) -%}
    {#- CTEs search_<i>_candidates, search_<i>_evaluated, search_<i>_values, search_<i>_updated,
        search_<i>_solve_<n> (the Cholesky stages) and search_<i>: one iteration of the search from the state in relation
        `previous` (see log_parameter_search). -#}
    {%- set k = coordinates | length -%}
    {%- set h = difference_step -%}
    {%- set pairs = log_parameter_search_pairs(coordinates) -%}
    {%- set points = log_parameter_search_stencil_points(coordinates) -%}
    {%- set zero = [0] * k -%}

    search_{{ i }}_candidates as (

        -- the stencil around the proposal; empty once the search has converged
        select
            point_id,
            {%- for parameter in parameters %}
            {{ parameter[1] }} as {{ parameter[0] }}{{ ',' if not loop.last }}
            {%- endfor %}
        from (
            select
                stencil.point_id,
                {%- for name in coordinates %}
                state.proposal_{{ name }} + {{ h }} * stencil.offset_{{ name }} as {{ name }}{{ ',' if not loop.last }}
                {%- endfor %}
            from {{ previous }} as state
            cross join search_stencil as stencil
            where state.is_converged = 0
        ) as stencil_point

    ),

    search_{{ i }}_evaluated as (

        -- Summed as decimals, exactly: a sum of doubles depends on the order the engine adds them in (with
        -- several threads, on the run), and the search would follow it into the last digits of the
        -- parameters, so two builds of the same data would differ. Rounding each term to 1e-18 is
        -- deterministic. A term that is not a finite number (overflow) makes the point's value null.
        select
            point_id,
            case when invalid_terms = 0 then cast(exact_sum as double) end as log_likelihood
        from (
            select
                point_id,
                sum(case when contribution between -1e15 and 1e15 then cast(contribution as decimal(38, 18)) end) as exact_sum,
                sum(case when contribution between -1e15 and 1e15 then 0 else 1 end) as invalid_terms
            from (
                select
                    candidate.point_id,
                    {{ contribution }} as contribution
                from search_{{ i }}_candidates as candidate
                cross join {{ observations }} as observation
            ) as contributions
            group by point_id
        ) as summed

    ),

    search_{{ i }}_values as (

        -- one row: the log-likelihood at each stencil point (nulls when nothing was evaluated)
        select
            {%- for point in points %}
            max(case when point_id = {{ loop.index0 }} then log_likelihood end) as value_{{ loop.index0 }},
            {%- endfor %}
            count(*) as points_evaluated
        from search_{{ i }}_evaluated

    ),

    search_{{ i }}_updated as (

        -- the proposal becomes the centre when it is at least as likely (within rounding) and every point
        -- of its stencil is a finite number; its derivatives replace the centre's
        select
            {%- for name in coordinates %}
            case when is_accepted then proposal_{{ name }} else centre_{{ name }} end as centre_{{ name }},
            {%- endfor %}
            {%- for j in range(k) %}
            {%- set plus = zero[:j] + [1] + zero[j + 1:] %}
            {%- set minus = zero[:j] + [-1] + zero[j + 1:] %}
            case
                when is_accepted
                    then (value_{{ points.index(plus) }} - value_{{ points.index(minus) }}) / (2 * {{ h }})
                else gradient_{{ j }}
            end as gradient_{{ j }},
            {%- endfor %}
            {%- for pair in pairs %}
            {%- set j = pair[0] %}
            {%- set l = pair[1] %}
            case
                when is_accepted then
                {%- if j == l %}
                    {%- set plus = zero[:j] + [1] + zero[j + 1:] %}
                    {%- set minus = zero[:j] + [-1] + zero[j + 1:] %}
                    (value_{{ points.index(plus) }} - 2 * value_0 + value_{{ points.index(minus) }}) / ({{ h }} * {{ h }})
                {%- else %}
                    {%- set plus_j = zero[:j] + [1] + zero[j + 1:] %}
                    {%- set plus_l = zero[:l] + [1] + zero[l + 1:] %}
                    {%- set both = zero[:j] + [1] + zero[j + 1:l] + [1] + zero[l + 1:] %}
                    (value_{{ points.index(both) }} - value_{{ points.index(plus_j) }} - value_{{ points.index(plus_l) }} + value_0) / ({{ h }} * {{ h }})
                {%- endif %}
                else hessian_{{ j }}_{{ l }}
            end as hessian_{{ j }}_{{ l }},
            {%- endfor %}
            case when is_accepted then value_0 else log_likelihood end as log_likelihood,
            case
                when is_accepted then damping / 4
                when is_evaluated then damping * 8
                else damping
            end as damping,
            is_evaluated,
            is_converged,
            iterations + case when is_evaluated then 1 else 0 end as iterations
        from (
            select
                state.*,
                stencil_values.*,
                stencil_values.points_evaluated > 0 as is_evaluated,
                stencil_values.points_evaluated = {{ points | length }}
                {%- for point in points %}
                and stencil_values.value_{{ loop.index0 }} between -1e300 and 1e300
                {%- endfor %}
                and (
                    state.log_likelihood is null
                    or stencil_values.value_0 >= state.log_likelihood - 1e-12 * abs(state.log_likelihood)
                ) as is_accepted
            from {{ previous }} as state
            cross join search_{{ i }}_values as stencil_values
        ) as judged

    ),

    {#- the step solves M s = g with M = -H + damping x diag(|H|) (+ 1e-12, so that a likelihood that is
        zero everywhere gives a small multiple of the identity): Cholesky M = L L', L y = g, L' s = y, one
        CTE per stage (each adds columns the next refers to). Where M is not positive definite, the
        diagonal step g_j / ((1 + damping) |H_jj|). -#}
    {%- set stages = [] %}
    {%- for j in range(k) %}
    {%- set squares = [] %}
    {%- for m in range(j) %}{% do squares.append(' - l_' ~ j ~ '_' ~ m ~ ' * l_' ~ j ~ '_' ~ m) %}{% endfor %}
    {%- do stages.append([
        ['(-hessian_' ~ j ~ '_' ~ j ~ ' + damping * abs(hessian_' ~ j ~ '_' ~ j ~ ') + 1e-12)' ~ (squares | join('')), 'radicand_' ~ j],
    ]) %}
    {%- do stages.append([
        ['radicand_' ~ j ~ ' > 0', 'is_positive_' ~ j],
        ['sqrt(case when radicand_' ~ j ~ ' > 0 then radicand_' ~ j ~ ' else 1 end)', 'l_' ~ j ~ '_' ~ j],
    ]) %}
    {%- set below = [] %}
    {%- for l in range(j + 1, k) %}
    {%- set products = [] %}
    {%- for m in range(j) %}{% do products.append(' - l_' ~ l ~ '_' ~ m ~ ' * l_' ~ j ~ '_' ~ m) %}{% endfor %}
    {%- do below.append(['(-hessian_' ~ j ~ '_' ~ l ~ (products | join('')) ~ ') / l_' ~ j ~ '_' ~ j, 'l_' ~ l ~ '_' ~ j]) %}
    {%- endfor %}
    {%- set earlier = [] %}
    {%- for m in range(j) %}{% do earlier.append(' - l_' ~ j ~ '_' ~ m ~ ' * y_' ~ m) %}{% endfor %}
    {%- do below.append(['(gradient_' ~ j ~ (earlier | join('')) ~ ') / l_' ~ j ~ '_' ~ j, 'y_' ~ j]) %}
    {%- do stages.append(below) %}
    {%- endfor %}
    {%- for j in range(k - 1, -1, -1) %}
    {%- set later = [] %}
    {%- for m in range(j + 1, k) %}{% do later.append(' - l_' ~ m ~ '_' ~ j ~ ' * newton_' ~ m) %}{% endfor %}
    {%- do stages.append([['(y_' ~ j ~ (later | join('')) ~ ') / l_' ~ j ~ '_' ~ j, 'newton_' ~ j]]) %}
    {%- endfor %}
    {%- set steps = [] %}
    {%- for j in range(k) %}
    {%- set all_positive = [] %}
    {%- for m in range(k) %}{% do all_positive.append('is_positive_' ~ m) %}{% endfor %}
    {%- do steps.append([
        'coalesce(case when ' ~ (all_positive | join(' and ')) ~ ' then newton_' ~ j
        ~ ' else gradient_' ~ j ~ ' / ((1 + damping) * abs(hessian_' ~ j ~ '_' ~ j ~ ') + 1e-12) end, 0)',
        'step_' ~ j]) %}
    {%- endfor %}
    {%- do stages.append(steps) %}
    {%- for stage in stages %}

    search_{{ i }}_solve_{{ loop.index }} as (

        select
            solving.*,
            {%- for column in stage %}
            {{ column[0] }} as {{ column[1] }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ 'search_' ~ i ~ '_updated' if loop.first else 'search_' ~ i ~ '_solve_' ~ (loop.index - 1) }} as solving

    ),
    {%- endfor %}

    search_{{ i }} as (

        -- the next state: a step longer than max_step in some coordinate is shortened to it
        select
            {%- for name in coordinates %}
            centre_{{ name }},
            {%- endfor %}
            {%- for name in coordinates %}
            least(greatest(centre_{{ name }} + step_{{ loop.index0 }} * step_scale, -{{ bound }}), {{ bound }}) as proposal_{{ name }},
            {%- endfor %}
            {%- for j in range(k) %}
            gradient_{{ j }},
            {%- endfor %}
            {%- for pair in pairs %}
            hessian_{{ pair[0] }}_{{ pair[1] }},
            {%- endfor %}
            log_likelihood,
            damping,
            longest_step * step_scale as step_size,
            case
                when is_converged = 1 then 1
                when is_evaluated and log_likelihood is not null and longest_step * step_scale <= {{ tolerance }} and damping <= 1 then 1
                else 0
            end as is_converged,
            iterations
        from (
            select
                longest.*,
                case when longest_step > {{ max_step }} then {{ max_step }} / longest_step else 1 end as step_scale
            from (
                select
                    solved.*,
                    greatest({% for j in range(k) %}abs(step_{{ j }}){{ ', ' if not loop.last }}{% endfor %}) as longest_step
                from search_{{ i }}_solve_{{ stages | length }} as solved
            ) as longest
        ) as scaled

    )
{%- endmacro %}

{% macro log_parameter_search_cache_observations(name, sql) -%}
    {#- Computes the search's observations once, into session relation `name`. -#}
    {{ return(adapter.dispatch('log_parameter_search_cache_observations', 'customer_value')(name, sql)) }}
{%- endmacro %}

{% macro default__log_parameter_search_cache_observations(name, sql) -%}
    {%- do run_query('create or replace temporary table ' ~ name ~ ' as ' ~ sql) -%}
{%- endmacro %}

{% macro spark__log_parameter_search_cache_observations(name, sql) -%}
    {%- do run_query('cache table ' ~ name ~ ' as ' ~ sql) -%}
{%- endmacro %}

{% macro log_parameter_search_drop_observations(name) -%}
    {{ return(adapter.dispatch('log_parameter_search_drop_observations', 'customer_value')(name)) }}
{%- endmacro %}

{% macro default__log_parameter_search_drop_observations(name) -%}
    {%- do run_query('drop table if exists ' ~ name) -%}
{%- endmacro %}

{% macro spark__log_parameter_search_drop_observations(name) -%}
    {%- do run_query('uncache table if exists ' ~ name) -%}
    {%- do run_query('drop view if exists ' ~ name) -%}
{%- endmacro %}
