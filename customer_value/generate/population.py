"""Customers: signup, segment, region, channel, the true BG/NBD and Gamma-Gamma draws, service and
payment behaviour, referrals and key accounts.

Customer i (0-based; id C{i+1:08d}) is drawn from the random stream of its chunk i // CHUNK_SIZE only.
Signup times are stratified quantiles of the acquisition curve, so ids follow signup order.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from customer_value.generate import params as P
from customer_value.generate.timeline import Timeline


def rng_for(seed: int, kind: int, chunk: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed % 2**63, kind, chunk, stream])


def choose(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category per row from a row-wise probability table (n x k), vectorised."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative[:, -1] = 1.0
    u = rng.random(probabilities.shape[0])
    return (u[:, None] > cumulative).sum(axis=1).astype(np.int8)


def acquisition_curve(timeline: Timeline) -> np.ndarray:
    """Cumulative share of signups by the end of each day: growing, seasonal, quieter at weekends."""
    days = np.arange(timeline.days)
    growth = 1.0 + 1.5 * days / timeline.days
    weekday = (np.arange(timeline.days) + timeline.start.weekday()) % 7
    weekend = np.where(weekday >= 5, 0.45, 1.0)
    month = (timeline.start.month - 1 + np.floor(days / 30.44)) % 12
    season = 1.0 + 0.12 * np.cos(2 * np.pi * (month - 2) / 12)
    weights = growth * weekend * season
    return np.cumsum(weights) / weights.sum()


def signup_times(cdf: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Continuous signup time (days) at the given quantiles of the acquisition curve."""
    day = np.searchsorted(cdf, quantiles, side="right")
    day = np.minimum(day, cdf.size - 1)
    low = np.where(day > 0, cdf[np.maximum(day - 1, 0)], 0.0)
    frac = np.clip((quantiles - low) / (cdf[day] - low), 0.0, 1.0 - 1e-9)
    return day + frac


@dataclass
class Population:
    """Per-customer arrays, index = customer number - 1."""

    signup_t: np.ndarray  # days since the window opened
    segment: np.ndarray  # int8 into SEGMENTS
    region: np.ndarray  # int8 into REGIONS
    channel: np.ndarray  # int8 into CHANNELS
    referred_by: np.ndarray  # int64 customer index or -1
    lam: np.ndarray  # purchases per week (NaN for key accounts)
    dropout: np.ndarray  # BG/NBD p
    nu: np.ndarray  # Gamma-Gamma nu
    intensity: np.ndarray  # service intensity (mean about 1.24)
    hungry: np.ndarray  # bool
    late_payer: np.ndarray  # bool
    delay_days: np.ndarray  # mean delay of late payers
    terms_days: np.ndarray  # int32
    credit_limit_cents: np.ndarray  # int64, -1 = none
    main_category: np.ndarray  # int8 into CATEGORIES
    is_key: np.ndarray  # bool
    manager: np.ndarray  # int64 index into the account managers, -1 when unmanaged

    @property
    def size(self) -> int:
        return int(self.signup_t.size)

    def take(self, index: np.ndarray) -> Population:
        return Population(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @property
    def eur(self) -> np.ndarray:
        return self.region == P.EUR_REGION

    @property
    def managed(self) -> np.ndarray:
        return np.isin(self.segment, P.MANAGED_SEGMENTS) | self.is_key

    def expected_monthly_spend(self, setup: P.Setup) -> np.ndarray:
        """USD per month a customer is expected to spend while alive (key accounts: NaN)."""
        return self.lam * (365.25 / 12 / 7) * setup.params.p / self.nu


def chunk_bounds(customers: int) -> list[tuple[int, int]]:
    return [(lo, min(customers, lo + P.CHUNK_SIZE)) for lo in range(0, customers, P.CHUNK_SIZE)]


def draw_chunk(
    seed: int, chunk: int, lo: int, hi: int, customers: int, cdf: np.ndarray, setup: P.Setup
) -> Population:
    rng = rng_for(seed, P.KIND_CHUNK, chunk, P.STREAM_POPULATION)
    n = hi - lo
    index = np.arange(lo, hi, dtype=np.int64)
    par = setup.params
    signup_t = signup_times(cdf, (index + rng.random(n)) / customers)

    lam = rng.gamma(par.r, 1.0 / par.alpha, n)
    dropout = rng.beta(par.a, par.b, n)
    nu = rng.gamma(par.q, 1.0 / par.gamma, n)

    score = (
        -np.log(par.gamma * nu)
        + P.SEGMENT_LAMBDA_WEIGHT * np.log(lam / par.mean_purchase_rate)
        + rng.normal(0.0, P.SEGMENT_SCORE_NOISE, n)
    )
    segment = np.searchsorted(np.array(P.SEGMENT_CUTS), score).astype(np.int8)
    region = choose(rng, np.broadcast_to(np.array(P.REGION_WEIGHTS), (n, len(P.REGIONS))).copy())
    channel = choose(rng, np.array(P.CHANNEL_MIX)[segment])
    referrer_u = rng.random(n)
    referred_by = np.where(channel == P.REFERRAL, np.floor(referrer_u * index).astype(np.int64), -1)
    first = index == 0
    channel[first & (channel == P.REFERRAL)] = P.DIRECT
    referred_by[first] = -1

    # Service intensity; service-hungry customers are more common among small spenders.
    # log(p / nu) has mean log(p) - (digamma(q) - log(gamma)) and sd sqrt(trigamma(q)).
    standardised = (P.digamma(par.q) - np.log(par.gamma * nu)) / np.sqrt(P.trigamma(par.q))
    hungry_probability = 2 * P.SERVICE_HUNGRY_SHARE / (1.0 + np.exp(1.2 * standardised))
    hungry = rng.random(n) < hungry_probability
    base = np.exp(rng.normal(-(P.SERVICE_SIGMA**2) / 2, P.SERVICE_SIGMA, n))
    intensity = base * np.where(hungry, P.SERVICE_HUNGRY_FACTOR, 1.0)

    late_payer = rng.random(n) < np.array(P.LATE_PAYER_SHARE)[segment]
    delay_days = rng.uniform(*P.LATE_DELAY_DAYS, n)
    terms_u = rng.random(n)
    terms_days = np.zeros(n, dtype=np.int32)
    for seg, (options, weights) in enumerate(P.PAYMENT_TERMS):
        rows = segment == seg
        picks = np.searchsorted(np.cumsum(weights)[:-1], terms_u[rows], side="right")
        terms_days[rows] = np.array(options, dtype=np.int32)[picks]

    monthly = lam * (365.25 / 12 / 7) * par.p / nu
    limit_u = rng.uniform(2.0, 4.0, n)
    bounds = np.array(P.CREDIT_LIMIT_BOUNDS, dtype=np.float64)[segment]
    limit = np.clip(np.round(monthly * limit_u / 1000.0) * 1000.0, bounds[:, 0], bounds[:, 1])
    credit_limit_cents = np.where(segment == P.CONSUMER, -1, (limit * 100).astype(np.int64))

    weights = np.array([c.weight for c in P.CATEGORIES])
    main_category = choose(rng, np.broadcast_to(weights / weights.sum(), (n, weights.size)).copy())

    return Population(
        signup_t=signup_t,
        segment=segment,
        region=region,
        channel=channel,
        referred_by=referred_by,
        lam=lam,
        dropout=dropout,
        nu=nu,
        intensity=intensity,
        hungry=hungry,
        late_payer=late_payer,
        delay_days=delay_days,
        terms_days=terms_days,
        credit_limit_cents=credit_limit_cents,
        main_category=main_category,
        is_key=np.zeros(n, dtype=bool),
        manager=np.full(n, -1, dtype=np.int64),
    )


def key_account_indices(customers: int, cdf: np.ndarray, setup: P.Setup) -> np.ndarray:
    """Early customers (signed up within the first two months) become the key accounts."""
    count = setup.key_accounts.count(customers)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    early = cdf[min(int(setup.key_accounts.signup_within_days), cdf.size - 1)] * customers
    fractions = np.array([0.15, 0.45, 0.8, 0.3, 0.6][:count])
    index = np.floor(early * fractions).astype(np.int64)
    for k in range(1, count):
        index[k] = max(index[k], index[k - 1] + 1)
    return np.sort(index)


def mark_key_accounts(population: Population, index: np.ndarray) -> None:
    """Key accounts replace their population draws: they follow their own process (see truth.json)."""
    population.is_key[index] = True
    population.segment[index] = P.ENTERPRISE
    population.lam[index] = np.nan
    population.dropout[index] = np.nan
    population.nu[index] = np.nan
    population.intensity[index] = 1.0
    population.hungry[index] = False
    population.late_payer[index] = False
    population.terms_days[index] = 60
    population.credit_limit_cents[index] = 5_000_000 * 100
    population.channel[index] = np.where(
        population.channel[index] == P.REFERRAL, P.CHANNELS.index("events"), population.channel[index]
    )
    population.referred_by[index] = -1


def concatenate(parts: list[Population]) -> Population:
    return Population(
        **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Population)}
    )
