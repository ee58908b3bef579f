{#- Quarantine of unusable raw rows (issue 10). Each staging entity has a base model
    (models/staging/<source>/base/base_<source>__<table>.sql) that reads the raw table, gives every row
    the reason it cannot be used (null: accepted) and hands the accepted rows to the stg_ model and the
    others to rpt_rejected_rows. The raw contract (the source YAML) says which columns are the key and
    which are required, so the generic checks are read from it, not repeated per model. -#}

{% macro raw_contract(source_name, table_name) -%}
    {#- The contract of one raw table from the source YAML: {'key': [...], 'required': [...],
        'columns': [...]} (empty lists while dbt parses). -#}
    {#- 'text': the columns whose data_type is text (or not given): only those can be blank. -#}
    {%- set contract = {'key': [], 'required': [], 'columns': [], 'pii': [], 'text': []} -%}
    {%- if execute -%}
        {%- for node in graph.sources.values()
            if node.source_name == source_name and node.name == table_name -%}
            {%- set table_meta = node.meta or (node.config.meta if node.config is mapping else {}) or {} -%}
            {%- for column in node.columns.values() -%}
                {%- set column_meta = column.meta or {} -%}
                {%- if column.config is defined and column.config is mapping and column.config.meta -%}
                    {%- set column_meta = column.config.meta -%}
                {%- endif -%}
                {%- do contract['columns'].append(column.name) -%}
                {%- set data_type = (column.data_type or 'string') | lower -%}
                {%- if data_type in ('string', 'text') or data_type.startswith('varchar') -%}
                    {%- do contract['text'].append(column.name) -%}
                {%- endif -%}
                {%- if column_meta.get('pii', false) -%}
                    {%- do contract['pii'].append(column.name) -%}
                {%- endif -%}
                {%- if not column_meta.get('optional', false) -%}
                    {%- do contract['required'].append(column.name) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- for name in table_meta.get('primary_key', []) -%}
                {%- do contract['key'].append(name) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if contract['columns'] | length == 0 -%}
            {{ exceptions.raise_compiler_error("raw_contract: no source " ~ source_name ~ "." ~ table_name ~ " with columns") }}
        {%- endif -%}
    {%- endif -%}
    {{ return(contract) }}
{%- endmacro %}

{% macro text_of(expression) -%}
    {#- A value as text for the quarantine's raw_values and row keys: 'null' for null, so that the
        concatenation is never null (DuckDB and Spark treat a null part of concat differently). -#}
    coalesce(cast({{ expression }} as {{ dbt.type_string() }}), 'null')
{%- endmacro %}

{% macro quarantine_missing_key(source_name, table_name, alias) -%}
    {#- True when a column of the table's primary key (contract meta primary_key) is null or blank. -#}
    {%- set contract = raw_contract(source_name, table_name) -%}
    {{ return(null_or_blank(contract['key'], contract['text'], alias)) }}
{%- endmacro %}

{% macro quarantine_missing_value(source_name, table_name, alias) -%}
    {#- True when a column the contract requires is null (or blank text) on the row. -#}
    {%- set contract = raw_contract(source_name, table_name) -%}
    {{ return(null_or_blank(contract['required'], contract['text'], alias)) }}
{%- endmacro %}

{% macro null_or_blank(columns, text_columns, alias) -%}
    {#- True when one of `columns` is null, or blank for a text column (a number, date or timestamp
        cannot be blank: casting 20M of them to text to trim it cost seconds per quarantine, issue 9). -#}
    {%- set tests = [] -%}
    {%- for column in columns -%}
        {%- do tests.append(alias ~ '.' ~ column ~ ' is null') -%}
        {%- if column in text_columns -%}
            {%- do tests.append('trim(cast(' ~ alias ~ '.' ~ column ~ ' as ' ~ dbt.type_string() ~ ")) = ''") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('(' ~ (tests | join('\n        or ') if tests else 'false') ~ ')') }}
{%- endmacro %}

{% macro quarantine_row_key(source_name, table_name, alias=none) -%}
    {#- The key of a raw row as one text (the contract's primary key columns joined by '|'; 'null' for a
        null part), qualified by `alias` when given. -#}
    {%- set contract = raw_contract(source_name, table_name) -%}
    {%- set key_parts = [] -%}
    {%- for column in contract['key'] -%}
        {%- do key_parts.append(text_of((alias ~ '.' if alias else '') ~ column)) -%}
        {%- if not loop.last %}{% do key_parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(key_parts) if key_parts | length > 1 else (key_parts | first) }}
{%- endmacro %}

{% macro quarantine_incremental_config() -%}
    {#- The config of a quarantine (base_ model) of a line-level raw table (issue 9): incremental by
        row_key on DuckDB, so that a scheduled run checks the keys of the rows delivered since the last
        run (and the keys rejected so far) instead of every row again; a table on Spark. A full load drops
        it (customer_value/load.py, INCREMENTAL_MODELS), and --full-refresh rebuilds it. -#}
    {{ return(adapter.dispatch('quarantine_incremental_config', 'customer_value')()) }}
{%- endmacro %}

{% macro default__quarantine_incremental_config() -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': 'row_key',
        'on_schema_change': 'fail',
    }) }}
{%- endmacro %}

{% macro spark__quarantine_incremental_config() -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{% macro quarantine_source(source_name, table_name) -%}
    {#- The select of the raw rows a quarantine checks: every row, or in an incremental run every row of
        a key that has a row loaded since the last run (a new row, a correction, a re-delivered copy) or
        that is rejected so far (so a line whose customer arrived later is accepted now). Duplicates are
        found per key, so checking whole keys gives the same reasons as checking every row; what it does
        not see is a change of the tables the checks look up (a customer's acquisition date corrected
        after its lines were accepted): --full-refresh takes that in. -#}
    {%- set row_key = quarantine_row_key(source_name, table_name) -%}
    select * from {{ source(source_name, table_name) }}
    {%- if is_incremental() %}
    where {{ row_key }} in (
        select {{ row_key }}
        from {{ source(source_name, table_name) }}
        -- coalesce: a quarantine built from an empty raw table (the bank example has no order lines)
        -- takes in the first rows delivered later
        where _loaded_at > (
            select coalesce(max(_loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ this }}
        )
        union all
        select row_key from {{ this }}
        where reject_reason is not null
    )
    {%- endif %}
{%- endmacro %}

{% macro quarantine_raw_values(contract, alias) -%}
    {#- Every column of a row but personal data, as one text: 'column=value; ...' ('null' for null). -#}
    {%- set value_parts = [] -%}
    {%- for column in contract['columns'] if column not in contract['pii'] -%}
        {%- do value_parts.append("'" ~ column ~ "='") -%}
        {%- do value_parts.append(text_of(alias ~ '.' ~ column)) -%}
        {%- if not loop.last %}{% do value_parts.append("'; '") %}{% endif -%}
    {%- endfor -%}
    {{ return(dbt.concat(value_parts)) }}
{%- endmacro %}

{% macro quarantine(checked, source_name, table_name) -%}
    {#- The final select of a base model. `checked` is a CTE with the raw table's columns (and
        _loaded_at, _source_file), `check_reason` (the first row-level check the row fails, or null) and
        `row_amount` (the row's money amount, for the reconciliation; null when it has none).

        On top of the row-level checks it finds duplicates among the rows that passed them: per key,
        the copies of the latest load must agree on every value (else all of them are
        conflicting_duplicate: which one is right cannot be told), and every copy but one is a
        duplicate (older loads, identical re-deliveries). Adds row_key (the key as text), copies (rows
        with that key and the same pass/fail of the row checks), raw_values (every column but personal
        data as text, for the rows that are rejected or have copies; null for an accepted row with no
        copy, nearly every row, whose text nothing reads) and reject_reason (null: the row is accepted).

        Cost (issue 9): only the keys with more than one row (found by one aggregate over the key)
        go through the window functions that count and compare copies; every other row is its own
        first copy, with nothing to compare. Building the text of every row and ordering every key's
        rows by it made the quarantine of 20M order lines take over eight minutes at 1M customers, and
        counting the rows of every key in a window over all of them still cost a quarter of the rest. -#}
    {%- set contract = raw_contract(source_name, table_name) -%}
    {%- set row_key = quarantine_row_key(source_name, table_name, checked) -%}
    {%- set copies_of_a_key = 'partition by counted.row_key, counted.check_reason is null' -%}
    {#- a key with one row: its text only when it is rejected -#}
    {%- set rejected_values = 'case when ' ~ checked ~ '.check_reason is not null then '
        ~ quarantine_raw_values(contract, checked) ~ ' end' -%}
    select
        numbered.*,
        case
            when numbered.check_reason is not null then numbered.check_reason
            when numbered.latest_first_values <> numbered.latest_last_values then 'conflicting_duplicate'
            when numbered.copy_number > 1 then 'duplicate'
        end as reject_reason
    from (
        with repeated_keys as (
            select {{ row_key }} as row_key
            from {{ checked }}
            group by {{ row_key }}
            having count(*) > 1
        )

        -- a key with one row: it is its own first copy, and there is nothing to compare
        select
            {{ checked }}.*,
            {{ row_key }} as row_key,
            cast(1 as {{ dbt.type_bigint() }}) as copies,
            {{ checked }}._loaded_at as latest_loaded_at,
            {{ rejected_values }} as raw_values,
            cast(1 as {{ dbt.type_bigint() }}) as copy_number,
            {{ rejected_values }} as latest_first_values,
            {{ rejected_values }} as latest_last_values
        from {{ checked }}
        where {{ row_key }} not in (select repeated_keys.row_key from repeated_keys)

        union all

        -- a key with copies: they are counted and compared among the rows with the same pass or fail
        -- of the row checks
        select
            counted.*,
            cast(row_number() over (
                {{ copies_of_a_key }}
                order by counted._loaded_at desc, counted.raw_values
            ) as {{ dbt.type_bigint() }}) as copy_number,
            min(case when counted._loaded_at = counted.latest_loaded_at then counted.raw_values end) over (
                {{ copies_of_a_key }}
            ) as latest_first_values,
            max(case when counted._loaded_at = counted.latest_loaded_at then counted.raw_values end) over (
                {{ copies_of_a_key }}
            ) as latest_last_values
        from (
            select
                repeated.*,
                case
                    when repeated.check_reason is not null or repeated.copies > 1 then {{ quarantine_raw_values(contract, 'repeated') }}
                end as raw_values
            from (
                select
                    {{ checked }}.*,
                    {{ row_key }} as row_key,
                    count(*) over (partition by {{ row_key }}, {{ checked }}.check_reason is null) as copies,
                    max({{ checked }}._loaded_at) over (
                        partition by {{ row_key }}, {{ checked }}.check_reason is null
                    ) as latest_loaded_at
                from {{ checked }}
                where {{ row_key }} in (select repeated_keys.row_key from repeated_keys)
            ) as repeated
        ) as counted
    ) as numbered
{%- endmacro %}

{% macro quarantined_tables() -%}
    {#- The raw tables staging quarantines: source, table, the stg_ model of the accepted rows and the
        money amount of an accepted row there (for the reconciliation; none when the table has none). -#}
    {{ return([
        {'source': 'erp', 'table': 'customers', 'staging': 'stg_erp__customers', 'amount': none},
        {'source': 'erp', 'table': 'products', 'staging': 'stg_erp__products', 'amount': none},
        {'source': 'erp', 'table': 'order_lines', 'staging': 'stg_erp__order_lines',
         'amount': 'quantity * unit_price - discount_amount',
         'raw_amount': 'quantity * unit_price - coalesce(discount_amount, 0)'},
        {'source': 'erp', 'table': 'invoices', 'staging': 'stg_erp__invoices', 'amount': 'invoice_amount',
         'raw_amount': 'amount'},
        {'source': 'erp', 'table': 'payments', 'staging': 'stg_erp__payments', 'amount': 'payment_amount',
         'raw_amount': 'amount'},
        {'source': 'erp', 'table': 'contracts', 'staging': 'stg_erp__contracts',
         'amount': 'contracted_monthly_value', 'raw_amount': 'contracted_monthly_value'},
        {'source': 'erp', 'table': 'customer_balances', 'staging': 'stg_erp__customer_balances',
         'amount': 'average_balance', 'raw_amount': 'average_balance'},
        {'source': 'crm', 'table': 'activities', 'staging': 'stg_crm__activities', 'amount': none},
        {'source': 'crm', 'table': 'surveys', 'staging': 'stg_crm__surveys', 'amount': none},
        {'source': 'hr', 'table': 'employees', 'staging': 'stg_hr__employees', 'amount': 'monthly_salary',
         'raw_amount': 'monthly_salary'},
        {'source': 'marketing', 'table': 'marketing_spend', 'staging': 'stg_marketing__marketing_spend',
         'amount': 'spend_amount', 'raw_amount': 'amount'},
        {'source': 'marketing', 'table': 'customer_incentives',
         'staging': 'stg_marketing__customer_incentives', 'amount': 'incentive_amount', 'raw_amount': 'amount'},
    ]) }}
{%- endmacro %}

{% macro raise_error(message) -%}
    {#- An expression that stops the query with `message` (a SQL text expression) when evaluated. -#}
    {{ return(adapter.dispatch('raise_error', 'customer_value')(message)) }}
{%- endmacro %}

{% macro default__raise_error(message) -%}
    error({{ message }})
{%- endmacro %}

{% macro spark__raise_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}

{% macro reject_rate_threshold_overrides() -%}
    {#- var reject_rate_thresholds, validated: a mapping of reason (or table.reason) to the highest share
        of a raw table's rows that may be rejected for that reason. Keys must be names, values shares
        between 0 and 1, so nothing from the command line reaches SQL unchecked. -#}
    {%- set overrides = var('reject_rate_thresholds', {}) or {} -%}
    {%- if overrides is not mapping -%}
        {{ exceptions.raise_compiler_error("var reject_rate_thresholds must be a mapping of reason (or table.reason) to a share, not '" ~ overrides ~ "'") }}
    {%- endif -%}
    {%- set checked = {} -%}
    {%- for key, value in overrides.items() -%}
        {%- if not modules.re.match('^[a-z][a-z0-9_]*([.][a-z][a-z0-9_]*)?$', key | string) -%}
            {{ exceptions.raise_compiler_error("var reject_rate_thresholds: '" ~ key ~ "' is not a reason or table.reason") }}
        {%- endif -%}
        {%- if not modules.re.match('^[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?$', value | string | trim) or (value | float) > 1 -%}
            {{ exceptions.raise_compiler_error("var reject_rate_thresholds['" ~ key ~ "'] must be a share between 0 and 1, not '" ~ value ~ "'") }}
        {%- endif -%}
        {%- do checked.update({key | string: value | string | trim}) -%}
    {%- endfor -%}
    {{ return(checked) }}
{%- endmacro %}
