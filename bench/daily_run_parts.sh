#!/usr/bin/env bash
# What each part of the nightly run costs (issue 9): `customer-value scheduled --inbox` run once per
# part below, each time on a fresh copy of the same built warehouse and with the same delivery, so the
# parts are measured as a nightly run on a schedule would run them: copy, load, freshness, build and
# publication included. The build of a part with --select leaves the models it does not select as they
# were before the delivery, so some cross-model data tests fail there: those runs are timed, not judged.
#
# Usage: bench/daily_run_parts.sh WAREHOUSE INBOX [PART ...]
#   WAREHOUSE  a DuckDB warehouse built by `customer-value build` that has not loaded the delivery
#              (it is only read: every part works on a copy next to it, removed afterwards)
#   INBOX      a folder holding one delivery, as written by
#              `customer-value generate --customers N --seed S --out INBOX/DATE --increment DATE`
#   PART       any of: all one_thread incremental_models profitability_path customer_level clv
#              (default: every one)
# Environment: CUSTOMER_VALUE_MEMORY_LIMIT (default 6GB) and CUSTOMER_VALUE_THREADS (default 2), as
# `make bench` sets them. Prints each part's "seconds per step" and the run's wall time; the logs stay in
# WAREHOUSE's folder as daily_parts_<PART>.log.
set -euo pipefail

if [ $# -lt 2 ]; then
    sed -n '2,17p' "$0" >&2
    exit 2
fi
warehouse=$(realpath "$1")
inbox=$(realpath "$2")
shift 2
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(all one_thread incremental_models profitability_path customer_level clv)
for part in "${parts[@]}"; do
    case "$part" in
        all | one_thread | incremental_models | profitability_path | customer_level | clv) ;;
        *) echo "unknown part '$part'" >&2; exit 2 ;;
    esac
done
[ -f "$warehouse" ] || { echo "no warehouse at $warehouse" >&2; exit 2; }
[ -d "$inbox" ] || { echo "no inbox folder at $inbox" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
python="$root/.venv/bin/python"
folder=$(dirname "$warehouse")
scratch="$folder/daily_parts"
profitability_path="+fct_customer_product_profitability +rpt_late_rows_outside_lookback"

export CUSTOMER_VALUE_TARGET=dev
export CUSTOMER_VALUE_MEMORY_LIMIT="${CUSTOMER_VALUE_MEMORY_LIMIT:-6GB}"
export CUSTOMER_VALUE_THREADS="${CUSTOMER_VALUE_THREADS:-2}"
export CUSTOMER_VALUE_TEMP_DIR="$scratch/tmp"
export DBT_TARGET_PATH="$scratch/target"
export DBT_LOG_PATH="$scratch/logs"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
export COLUMNS=200

trap 'rm -rf "$scratch"' EXIT
for part in "${parts[@]}"; do
    threads=2
    selection=()
    case "$part" in
        all) ;;
        one_thread) threads=1 ;;
        incremental_models) selection=(--select "config.materialized:incremental") ;;
        profitability_path) selection=(--select "$profitability_path") ;;
        customer_level) selection=(--exclude "$profitability_path") ;;
        clv) selection=(--select "path:models/intermediate/clv fct_customer_clv_predictions clv_model_parameters") ;;
    esac
    rm -rf "$scratch"
    mkdir -p "$scratch/tmp"
    database="$scratch/customer_value.duckdb"
    cp "$warehouse" "$database"
    export CUSTOMER_VALUE_DB="$database" CUSTOMER_VALUE_DBT_THREADS="$threads"
    # the night before left dbt's partial parse for the working copy's path, as in `make bench`
    CUSTOMER_VALUE_DB="$scratch/.customer_value.duckdb.building/customer_value.duckdb" \
        "$python" -m customer_value.bench dbt parse > /dev/null
    log="$folder/daily_parts_$part.log"
    start=$(date +%s.%N)
    status=0
    "$python" -m customer_value.cli scheduled --inbox "$inbox" "${selection[@]}" > "$log" 2>&1 || status=$?
    end=$(date +%s.%N)
    steps=$(grep -o "seconds per step *│ [^│]*" "$log" | sed 's/.*│ //; s/ *$//')
    seconds=$("$python" -c "print(round($end - $start, 1))")
    printf '%-20s %7s s (exit %s)  %s\n' "$part" "$seconds" "$status" "$steps"
done
