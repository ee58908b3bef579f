"""The peer of `make bench` (issue 9): the lifetimes package's BG/NBD and Gamma-Gamma fits on the customer
summary the pipeline built (intermediate.int_customer_purchases_summarised), timed.

Run by customer_value.bench with the interpreter of the benchmark environment (.venv-bench, made from
requirements-bench.lock), the only one with lifetimes installed:

    .venv-bench/bin/python -m customer_value.bench_peer --database build/bench/c100000/cv.duckdb

Prints one JSON object: the fitted parameters, log-likelihoods and seconds of each fit, or
{"available": false, "reason": ...} when lifetimes cannot be imported.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

SUMMARY = "intermediate.int_customer_purchases_summarised"


def fit(database: str) -> dict:
    """Fit both models with lifetimes' defaults on every customer of the summary (one row each, the way
    the package is used), the spend model on the repeat buyers with a positive spend."""
    try:
        import lifetimes
    except ImportError as error:
        return {"available": False, "reason": f"lifetimes is not installed ({error})"}
    import duckdb

    with duckdb.connect(database, read_only=True) as connection:
        summary = connection.sql(
            f"select repeat_purchases, time_of_last_purchase, customer_age, spend_repeat_purchases, "
            f"cast(repeat_spend as double) as repeat_spend from {SUMMARY}"
        ).df()
    started = time.perf_counter()
    bgnbd = lifetimes.BetaGeoFitter().fit(
        summary["repeat_purchases"], summary["time_of_last_purchase"], summary["customer_age"]
    )
    bgnbd_seconds = time.perf_counter() - started
    spenders = summary[summary["spend_repeat_purchases"] > 0]
    started = time.perf_counter()
    gamma_gamma = lifetimes.GammaGammaFitter().fit(
        spenders["spend_repeat_purchases"],
        spenders["repeat_spend"] / spenders["spend_repeat_purchases"],
    )
    gamma_gamma_seconds = time.perf_counter() - started
    return {
        "available": True,
        "package": f"lifetimes {lifetimes.__version__}",
        "customers": len(summary),
        "repeat_buyers": len(spenders),
        "bgnbd": {
            "seconds": bgnbd_seconds,
            "parameters": {key: float(value) for key, value in bgnbd.params_.items()},
            # lifetimes reports the mean negative log-likelihood per customer
            "log_likelihood": -float(bgnbd._negative_log_likelihood_) * len(summary),
        },
        "gamma_gamma": {
            "seconds": gamma_gamma_seconds,
            # lifetimes calls the scale of the spend model v; the pipeline calls it gamma
            "parameters": {
                "p": float(gamma_gamma.params_["p"]),
                "q": float(gamma_gamma.params_["q"]),
                "gamma": float(gamma_gamma.params_["v"]),
            },
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="DuckDB warehouse the pipeline built.")
    args = parser.parse_args(argv)
    print(json.dumps(fit(args.database)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
