"""Marketing spend: acquisition spend per channel and month (new customers x cost per acquisition, none
for `direct`) and retention spend per segment and month (active customers x a few dollars), plus a
newsletter for every segment."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.generate import columns as col
from customer_value.generate import params as P
from customer_value.generate.population import Population, rng_for
from customer_value.generate.timeline import Timeline
from customer_value.generate.writer import to_table

CHANNEL_CODES = ("PS", "SO", "EV", "PA", "RF", "DI")
SEGMENT_CODES = ("CON", "SMB", "MID", "ENT")


def active_by_segment(block: Population, death_t: np.ndarray, timeline: Timeline) -> np.ndarray:
    """(segments, months) customers signed up before the month started and not yet dropped out."""
    starts = timeline.month_starts.astype(np.float64)
    first = np.searchsorted(starts, block.signup_t, side="left")  # first month starting after signup
    last = np.searchsorted(starts, death_t, side="left")  # first month starting at/after drop-out
    months = timeline.n_months
    segments = len(P.SEGMENTS)
    delta = np.zeros(segments * (months + 1))
    np.add.at(delta, block.segment.astype(np.int64) * (months + 1) + first, 1.0)
    np.add.at(delta, block.segment.astype(np.int64) * (months + 1) + np.maximum(last, first), -1.0)
    return np.cumsum(delta.reshape(segments, months + 1), axis=1)[:, :months]


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def marketing_spend(seed: int, population: Population, active: np.ndarray, timeline: Timeline) -> pa.Table:
    """One row per channel and month with new customers (acquisition), per segment and month with active
    customers (retention), and a monthly newsletter for every segment (retention, no target segment)."""
    rng = rng_for(seed, P.KIND_GLOBAL, 0, P.STREAM_MARKETING)
    months = timeline.n_months
    segments = len(P.SEGMENTS)
    signup_month = timeline.month_of_day(np.floor(population.signup_t).astype(np.int64))
    channels = len(P.CHANNELS)
    new = np.bincount(
        population.channel.astype(np.int64) * months + signup_month, minlength=channels * months
    ).reshape(channels, months)
    cpa = np.array(P.COST_PER_ACQUISITION)
    acquisition_noise = rng.lognormal(0.0, 0.15, (channels, months))
    retention_noise = rng.lognormal(0.0, 0.1, (segments + 1, months))
    channel_names = [*P.CHANNELS, "email"]
    email = channel_names.index("email")

    acq_channel, acq_month = np.nonzero((new > 0) & (cpa[:, None] > 0))
    acq_amount = new[acq_channel, acq_month] * cpa[acq_channel] * acquisition_noise[acq_channel, acq_month]
    ret_segment, ret_month = np.nonzero(active > 0)
    ret_amount = (
        active[ret_segment, ret_month]
        * np.array(P.RETENTION_PER_ACTIVE)[ret_segment]
        * retention_noise[ret_segment, ret_month]
    )
    retention_channel = np.array([channel_names.index(c) for c in P.RETENTION_CHANNEL])[ret_segment]
    total = active.sum(axis=0)
    news_month = np.flatnonzero(total > 0)
    news_amount = total[news_month] * P.NEWSLETTER_PER_ACTIVE * retention_noise[-1, news_month]

    n_acq, n_ret, n_news = acq_month.size, ret_month.size, news_month.size
    month = np.concatenate([acq_month, ret_month, news_month]).astype(np.int64)
    purpose = np.concatenate([np.zeros(n_acq, np.int64), np.ones(n_ret + n_news, np.int64)])
    channel = np.concatenate([acq_channel, retention_channel, np.full(n_news, email)]).astype(np.int64)
    segment = np.concatenate([np.full(n_acq, -1), ret_segment, np.full(n_news, -1)]).astype(np.int64)
    amount = np.concatenate([acq_amount, ret_amount, news_amount])
    kind = np.concatenate([np.zeros(n_acq, np.int64), np.ones(n_ret, np.int64), np.full(n_news, 2)])
    # Campaigns: acquisition per channel and quarter, retention per segment and year, newsletter per year.
    years = pa.array([str(d.year) for d in timeline.month_dates])
    quarters = pa.array([f"{d.year}Q{(d.month - 1) // 3 + 1}" for d in timeline.month_dates])
    order = np.lexsort((segment, channel, kind, month))
    month, purpose, channel, segment, amount, kind = (
        a[order] for a in (month, purpose, channel, segment, amount, kind)
    )
    acq = pa.array(kind == 0)
    ret = pa.array(kind == 1)
    code = pa.array(list(CHANNEL_CODES)).take(pa.array(np.where(kind == 0, channel, 0)))
    seg_code = pa.array(list(SEGMENT_CODES)).take(pa.array(np.maximum(segment, 0)))
    month_index = pa.array(month)
    campaign = pc.if_else(
        acq,
        _join("ACQ-", code, "-", quarters.take(month_index)),
        pc.if_else(
            ret,
            _join("RET-", seg_code, "-", years.take(month_index)),
            _join("NEWS-", years.take(month_index)),
        ),
    )
    month_day = np.array([(d - timeline.start).days for d in timeline.month_dates], dtype=np.int64)
    return to_table(
        "marketing_spend",
        {
            "spend_id": col.ids("S", np.arange(1, month.size + 1), 7),
            "campaign_id": campaign,
            "channel": col.categories(channel, channel_names),
            "spend_month": col.dates(timeline.epoch_days(month_day[month])),
            "purpose": col.categories(purpose, ("acquisition", "retention")),
            "target_segment": col.categories(segment, P.SEGMENTS),
            "amount": col.money(np.rint(amount * 100).astype(np.int64)),
        },
    )
