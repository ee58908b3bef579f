"""The true model parameters and the fixed set-up of the generated business.

Everything a later fit should recover (BG/NBD and Gamma-Gamma), and every rate the generator uses, lives
here so that truth.json can be written from one place. Time unit of the purchase model: week; money: the
reporting currency (USD).
"""

from __future__ import annotations

import csv
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from customer_value.config import PROJECT_DIR

# Customers are processed (and seeded) in chunks of this fixed size, so that the data of customer i
# depends only on the seed and the arguments, never on memory or on how many chunks there are.
CHUNK_SIZE = 50_000

# Random streams: np.random.default_rng([seed, kind, chunk, stream]).
KIND_CHUNK = 0
KIND_KEY_ACCOUNTS = 1
KIND_GLOBAL = 2

STREAM_POPULATION = 0
STREAM_ORDERS = 1
STREAM_LINES = 2
STREAM_RETURNS = 3
STREAM_FINANCE = 4
STREAM_ACTIVITIES = 5
STREAM_EXTRAS = 6
STREAM_DUPLICATES = 7
STREAM_STAFF = 8
STREAM_MARKETING = 9
STREAM_CATALOGUE = 10
STREAM_MANAGERS = 11

REPORTING_CURRENCY = "USD"


@dataclass(frozen=True)
class TrueParameters:
    """BG/NBD (purchase rate and drop-out) and Gamma-Gamma (spend) population parameters.

    lambda ~ Gamma(shape r, rate alpha) purchases per week; p ~ Beta(a, b) drop-out after each repeat
    purchase; nu ~ Gamma(shape q, rate gamma); order value z ~ Gamma(shape p, rate nu) in USD.
    """

    r: float = 0.75
    alpha: float = 6.0
    a: float = 0.9
    b: float = 5.0
    p: float = 4.0
    q: float = 3.5
    gamma: float = 400.0

    @property
    def mean_order_value(self) -> float:
        return self.p * self.gamma / (self.q - 1.0)

    @property
    def mean_purchase_rate(self) -> float:
        return self.r / self.alpha

    def as_dict(self) -> dict[str, object]:
        return {
            "time_unit": "week",
            "currency": REPORTING_CURRENCY,
            "bgnbd": {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b},
            "gamma_gamma": {"p": self.p, "q": self.q, "gamma": self.gamma},
            "implied": {
                "mean_purchase_rate_per_week": self.mean_purchase_rate,
                "mean_dropout_probability": self.a / (self.a + self.b),
                "mean_order_value": self.mean_order_value,
            },
        }


# --- customers -------------------------------------------------------------------------------------

SEGMENTS = ("consumer", "small_business", "mid_market", "enterprise")
CONSUMER, SMALL_BUSINESS, MID_MARKET, ENTERPRISE = range(4)
# Segment from a noisy score s = -log(gamma nu) + 0.35 log(lambda alpha / r) + N(0, 0.5): big, frequent
# spenders are more often enterprise. gamma nu ~ Gamma(q, 1) and lambda alpha / r ~ Gamma(r, r) do not
# depend on the scales, and the cut points are the 50/85/97% quantiles of s for q = 3.5, r = 0.75, so
# the shares are about 50/35/12/3%. Segments are derived from the draws, never the other way round, so
# they leave the population distributions untouched.
SEGMENT_SCORE_NOISE = 0.5
SEGMENT_LAMBDA_WEIGHT = 0.35
SEGMENT_CUTS = (-1.3686, -0.4305, 0.3609)
MANAGED_SEGMENTS = (MID_MARKET, ENTERPRISE)

REGIONS = ("north_america", "europe", "asia_pacific", "latin_america")
REGION_WEIGHTS = (0.45, 0.27, 0.17, 0.11)
EUROPE = 1
# Customers of this region trade in EUR: unit prices and discounts in EUR (list price / rate).
EUR_REGION = EUROPE
EUR = "EUR"

CHANNELS = ("paid_search", "social", "events", "partner", "referral", "direct")
REFERRAL = 4
DIRECT = 5
# Acquisition channel mix by segment (rows: SEGMENTS, columns: CHANNELS).
CHANNEL_MIX = (
    (0.30, 0.28, 0.03, 0.04, 0.13, 0.22),
    (0.30, 0.12, 0.10, 0.14, 0.12, 0.22),
    (0.15, 0.05, 0.25, 0.27, 0.08, 0.20),
    (0.05, 0.02, 0.40, 0.30, 0.05, 0.18),
)
# Cost per acquired customer by channel (USD); `direct` has no spend.
COST_PER_ACQUISITION = (90.0, 60.0, 400.0, 250.0, 40.0, 0.0)

# Days of credit by segment, with the probability of each option.
PAYMENT_TERMS = (
    ((0,), (1.0,)),
    ((14, 30), (0.5, 0.5)),
    ((30, 45), (0.6, 0.4)),
    ((45, 60), (0.5, 0.5)),
)
# Credit limit ~ months of expected spend x factor, within bounds; consumers have none (null).
CREDIT_LIMIT_BOUNDS = ((0, 0), (5_000, 50_000), (25_000, 400_000), (150_000, 3_000_000))

# Share of late payers by segment (about 20% overall); their mean delay is U(15, 90) days.
LATE_PAYER_SHARE = (0.12, 0.28, 0.22, 0.18)
LATE_DELAY_DAYS = (15.0, 90.0)

# Service intensity: log-normal (sigma 0.5, mean 1) times SERVICE_HUNGRY_FACTOR for service-hungry
# customers: 8% on average, twice as likely among small spenders (logistic in the standardised log mean
# spend).
SERVICE_SIGMA = 0.5
SERVICE_HUNGRY_SHARE = 0.08
SERVICE_HUNGRY_FACTOR = 4.0

# Monthly contact rates per alive customer at service intensity 1 and an average purchase rate:
# (call, support_ticket, complaint, branch_visit) by segment.
CONTACT_TYPES = ("call", "support_ticket", "complaint", "branch_visit")
CONTACT_RATES = (
    (1.65, 0.15, 0.05, 0.35),
    (1.85, 0.30, 0.06, 0.25),
    (2.40, 0.60, 0.08, 0.05),
    (3.00, 1.20, 0.12, 0.00),
)
KEY_ACCOUNT_CONTACT_RATES = (10.0, 6.0, 0.4, 0.0)
# Contacts scale with (lambda / mean lambda) ^ ACTIVITY_POWER (clipped to 0.1-5): buyers call more.
ACTIVITY_POWER = 0.6
# Sales visits per month for managed accounts.
SALES_VISIT_RATE = (0.0, 0.0, 0.15, 0.5)
KEY_ACCOUNT_SALES_VISIT_RATE = 3.0
# Months (uniform) customers keep calling after their (unobserved) drop-out.
AFTERLIFE_DAYS = (30.0, 60.0)

# --- orders ----------------------------------------------------------------------------------------

# Lines per order: 1 + Poisson(LINES_K * clip((z / mean z) ^ 0.4, 0.3, 3)); bigger orders have more lines.
LINES_K = 4.0
LINES_VALUE_ELASTICITY = 0.4
MIN_LINE_CENTS = 300  # an order has at most z/3 USD lines
LINE_FLOOR_CENTS = 200  # every line is worth at least 2 USD
# Units per line: round(lognormal(mu, sigma)) by segment, at least 1.
QUANTITY_LOGNORMAL = ((0.0, 0.5), (math.log(3.0), 0.6), (math.log(6.0), 0.7), (math.log(15.0), 0.7))
KEY_ACCOUNT_QUANTITY_LOGNORMAL = (math.log(40.0), 0.8)
# Line discount rates: share of lines without a discount and the U(lo, hi) rate otherwise.
DISCOUNT = ((0.70, 0.02, 0.10), (0.55, 0.02, 0.12), (0.45, 0.03, 0.12), (0.30, 0.03, 0.14))
KEY_ACCOUNT_DISCOUNT = (0.0, 0.10, 0.22)
MAIN_CATEGORY_SHARE = 0.45  # share of a customer's lines in its favourite category

# Returns: per sale line probability = category return rate x segment factor, within 30 days.
RETURN_SEGMENT_FACTOR = (1.3, 1.0, 0.8, 0.7)
RETURN_DAYS = (1.0, 30.0)
# Credit notes: per sale order probability 0.5% x intensity^0.7, 5-25% of the order, within 45 days.
CREDIT_NOTE_RATE = 0.005
CREDIT_NOTE_SHARE = (0.05, 0.25)
CREDIT_NOTE_DAYS = (3.0, 45.0)

DUPLICATE_SHARE = 0.001  # exact duplicate rows in order_lines and activities


@dataclass(frozen=True)
class Category:
    name: str
    weight: float
    cost_ratio: float  # mean unit_cost / list_price
    return_rate: float
    price_range: tuple[float, float]  # list prices, USD, log-uniform
    products: int
    nouns: tuple[str, ...]


CATEGORIES = (
    Category(
        "office_supplies",
        0.18,
        0.55,
        0.02,
        (0.80, 250.0),
        55,
        ("Copy paper", "Ballpoint pens", "Binder", "Stapler", "Desk organiser", "Label printer"),
    ),
    Category(
        "cleaning_hygiene",
        0.14,
        0.60,
        0.015,
        (1.50, 400.0),
        45,
        ("Hand soap", "Floor cleaner", "Paper towels", "Disinfectant", "Mop system", "Scrubber"),
    ),
    Category(
        "packaging",
        0.13,
        0.72,
        0.01,
        (0.50, 600.0),
        50,
        ("Carton box", "Stretch film", "Packing tape", "Bubble wrap", "Pallet wrap", "Strapping tool"),
    ),
    Category(
        "safety_equipment",
        0.10,
        0.55,
        0.03,
        (3.00, 900.0),
        45,
        ("Safety gloves", "Hard hat", "Hi-vis vest", "First aid kit", "Safety boots", "Harness"),
    ),
    Category(
        "tools",
        0.12,
        0.60,
        0.04,
        (4.00, 2500.0),
        55,
        ("Screwdriver set", "Drill", "Angle grinder", "Tool case", "Torque wrench", "Workbench"),
    ),
    Category(
        "electrical",
        0.12,
        0.65,
        0.05,
        (1.00, 1800.0),
        50,
        ("Cable", "Extension lead", "LED panel", "Circuit breaker", "Work light", "Generator"),
    ),
    Category(
        "it_hardware",
        0.13,
        0.79,
        0.07,
        (8.00, 4000.0),
        55,
        ("USB cable", "Keyboard", "Monitor", "Docking station", "Laptop", "Network switch"),
    ),
    Category(
        "furniture",
        0.08,
        0.55,
        0.08,
        (25.0, 3500.0),
        40,
        ("Desk lamp", "Office chair", "Filing cabinet", "Desk", "Meeting table", "Shelving unit"),
    ),
)
COST_RATIO_SPREAD = 0.07
COST_RATIO_BOUNDS = (0.50, 0.85)


@dataclass(frozen=True)
class KeyAccountSetup:
    """Key accounts come from their own process, not from the BG/NBD/Gamma-Gamma population."""

    shares: tuple[float, ...] = (0.075, 0.062, 0.053)
    orders_per_week: float = 1.0
    order_value_shape: float = 6.0
    lines_k: float = 8.0
    signup_within_days: float = 60.0

    def count(self, customers: int) -> int:
        if customers >= 1000:
            return 3
        if customers >= 300:
            return 2
        if customers >= 50:
            return 1
        return 0


# --- finance ---------------------------------------------------------------------------------------

ON_TIME_LATE_SHARE = 0.08  # invoices of punctual customers paid 1-20 days late anyway
NEVER_PAID = (0.006, 0.05)  # share of invoices never paid: punctual, late payers
TWO_PART_SHARE = 0.06
CONTRACT_SHARE = (0.05, 0.20, 0.60, 0.80)
CONTRACT_TERMS_MONTHS = ((12, 24, 36), (0.5, 0.3, 0.2))
CONTRACT_OPEN_ENDED = 0.08
CONTRACT_RENEWAL = 0.65
DEPOSIT_SHARE = (0.07, 0.05, 0.02, 0.01)  # about 5% overall
MINIMUM_BALANCE_SHARE = (0.0, 0.05, 0.08, 0.10)  # about 3% overall
DEFERRED_SHARE = (0.0, 0.035, 0.05, 0.06)  # about 2% overall
OPENING_DISCOUNT_SHARE = 0.30
RETRO_BONUS_RATE = (0.015, 0.03)
REBATE = (0.15, 0.01)  # share of small and mid-market customers with a half-yearly rebate, rate
MARKETING_PAYMENTS_PER_YEAR = (0.0, 0.03, 0.12, 0.25)  # U(250, 2500) USD x MARKETING_PAYMENT_SCALE
MARKETING_PAYMENT_SCALE = (0.1, 0.3, 0.8, 1.5)
SURVEY_SHARE = 0.25

# --- marketing -------------------------------------------------------------------------------------

RETENTION_PER_ACTIVE = (1.2, 2.5, 6.0, 15.0)  # USD per active customer and month, by segment
NEWSLETTER_PER_ACTIVE = 0.4
RETENTION_CHANNEL = ("email", "email", "events", "events")

# --- staff -----------------------------------------------------------------------------------------

# Utilisation the staffing plan aims at, per resource: branches are kept open with spare capacity.
TARGET_UTILISATION = {
    "back_office": 0.88,
    "contact_centre": 0.86,
    "branch": 0.50,
    "support": 0.84,
    "logistics": 0.88,
    "field_sales": 0.80,
}
ROLE_BY_RESOURCE = {
    "back_office": "back_office_clerk",
    "contact_centre": "contact_centre_agent",
    "branch": "branch_advisor",
    "support": "support_engineer",
    "logistics": "warehouse_operative",
    "field_sales": "field_sales_representative",
}
SALARY_BY_ROLE = {
    "back_office_clerk": 3300.0,
    "contact_centre_agent": 3400.0,
    "branch_advisor": 3600.0,
    "support_engineer": 4800.0,
    "warehouse_operative": 3100.0,
    "field_sales_representative": 5500.0,
    "account_manager": 6200.0,
    "administration": 4200.0,
    "management": 9500.0,
}
PAYROLL_TAX_RATES = (0.18, 0.20, 0.21, 0.23, 0.25)
FTE_OPTIONS = ((1.0, 0.8, 0.5), (0.80, 0.12, 0.08))
MONTHLY_LEAVER_RATE = 0.008
ACCOUNTS_PER_MANAGER = (140, 260)


@dataclass(frozen=True)
class Setup:
    params: TrueParameters = field(default_factory=TrueParameters)
    key_accounts: KeyAccountSetup = field(default_factory=KeyAccountSetup)

    def as_dict(self) -> dict[str, object]:
        return {"parameters": self.params.as_dict(), "key_accounts": asdict(self.key_accounts)}


# --- seeds -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityType:
    activity_type: str
    default_resource_id: str
    standard_minutes: float
    minutes_per_unit: float


@dataclass(frozen=True)
class Resource:
    resource_id: str
    theoretical_minutes_per_fte_month: float
    practical_capacity_share: float

    @property
    def practical_minutes_per_fte_month(self) -> float:
        return self.theoretical_minutes_per_fte_month * self.practical_capacity_share


def _rows(name: str, project_dir: Path) -> list[dict[str, str]]:
    with (project_dir / "seeds" / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Seeds:
    activity_types: dict[str, ActivityType]
    resources: dict[str, Resource]
    exchange_rates: dict[str, float]

    @classmethod
    def read(cls, project_dir: Path = PROJECT_DIR) -> Seeds:
        activity_types = {
            row["activity_type"]: ActivityType(
                row["activity_type"],
                row["default_resource_id"],
                float(row["standard_minutes"]),
                float(row["minutes_per_unit"]),
            )
            for row in _rows("activity_types.csv", project_dir)
        }
        resources = {
            row["resource_id"]: Resource(
                row["resource_id"],
                float(row["theoretical_minutes_per_fte_month"]),
                float(row["practical_capacity_share"]),
            )
            for row in _rows("resources.csv", project_dir)
        }
        rates = {
            row["currency_code"]: float(row["rate_to_reporting_currency"])
            for row in _rows("exchange_rates.csv", project_dir)
        }
        return cls(activity_types, resources, rates)


def digamma(x: float) -> float:
    """psi(x) for x > 0: recurrence up to x >= 6, then the asymptotic series."""
    result = 0.0
    while x < 6.0:
        result -= 1.0 / x
        x += 1.0
    inv2 = 1.0 / (x * x)
    return result + math.log(x) - 0.5 / x - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 / 252))


def trigamma(x: float) -> float:
    """psi'(x) for x > 0."""
    result = 0.0
    while x < 6.0:
        result += 1.0 / (x * x)
        x += 1.0
    inv = 1.0 / x
    inv2 = inv * inv
    return result + inv + inv2 / 2 + inv * inv2 * (1 / 6 - inv2 * (1 / 30 - inv2 / 42))
