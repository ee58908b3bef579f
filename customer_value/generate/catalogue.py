"""The product catalogue: a few hundred products in eight categories with their own margins and
return rates, and the vectorised search for the product whose price fits an order line's value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.generate import columns as col
from customer_value.generate import params as P
from customer_value.generate.population import rng_for
from customer_value.generate.writer import to_table

_KEY_SHIFT = 40  # composite search key: category << 40 | price in cents


@dataclass(frozen=True)
class Catalogue:
    """Products sorted by (category, list price); `number` is the product number (P{number:05d})."""

    number: np.ndarray
    category: np.ndarray  # int8
    price_cents: np.ndarray  # USD list price
    price_eur_cents: np.ndarray  # EUR price list (USD list price / exchange rate)
    cost_cents: np.ndarray  # USD unit cost
    names: pa.Array
    category_start: np.ndarray
    category_end: np.ndarray

    @property
    def size(self) -> int:
        return int(self.number.size)

    def pick(self, category: np.ndarray, target_cents: np.ndarray, eur: np.ndarray) -> np.ndarray:
        """Per line, the cheapest product of the category priced at or above the target unit price
        (the most expensive one when none is), in the line's price list. Returns catalogue positions."""
        position = np.empty(category.size, dtype=np.int64)
        target = np.ceil(target_cents).astype(np.int64)
        for is_eur, prices in ((False, self.price_cents), (True, self.price_eur_cents)):
            rows = eur == is_eur
            keys = (self.category.astype(np.int64) << _KEY_SHIFT) | prices
            wanted = (category[rows].astype(np.int64) << _KEY_SHIFT) | np.clip(
                target[rows], 0, 2**_KEY_SHIFT - 1
            )
            found = np.searchsorted(keys, wanted, side="left")
            position[rows] = np.minimum(found, self.category_end[category[rows]] - 1)
        return position

    def pick_nearest(self, category: np.ndarray, target_cents: np.ndarray, eur: np.ndarray) -> np.ndarray:
        """Per line, the product of the category whose price is nearest to the target (in ratio)."""
        above = self.pick(category, target_cents, eur)
        below = np.maximum(above - 1, self.category_start[category])
        price_above = self.line_prices(above, eur)
        price_below = self.line_prices(below, eur)
        closer_below = (target_cents / price_below) < (price_above / np.maximum(target_cents, 1e-9))
        return np.where(closer_below, below, above)

    def max_price(self, category: np.ndarray, eur: np.ndarray) -> np.ndarray:
        last = self.category_end[category] - 1
        return np.where(eur, self.price_eur_cents[last], self.price_cents[last])

    def min_price(self, category: np.ndarray, eur: np.ndarray) -> np.ndarray:
        first = self.category_start[category]
        return np.where(eur, self.price_eur_cents[first], self.price_cents[first])

    def line_prices(self, position: np.ndarray, eur: np.ndarray) -> np.ndarray:
        return np.where(eur, self.price_eur_cents[position], self.price_cents[position])

    def table(self) -> pa.Table:
        order = np.argsort(self.number, kind="stable")
        return to_table(
            "products",
            {
                "product_id": col.ids("P", self.number[order], 5),
                "product_name": self.names.take(pa.array(order)),
                "category": col.categories(self.category[order], [c.name for c in P.CATEGORIES]),
                "list_price": col.money(self.price_cents[order]),
                "unit_cost": col.money(self.cost_cents[order]),
            },
        )


def _nice_cents(price: np.ndarray) -> np.ndarray:
    """Shop prices: 2.49, 17.90, 149.00 - 0.01 and so on."""
    cents = np.maximum(np.rint(price * 100).astype(np.int64), 1)
    small = price < 10
    medium = (price >= 10) & (price < 100)
    cents = np.where(small, np.maximum(cents // 10 * 10 + 9, 9), cents)
    cents = np.where(medium, cents // 50 * 50 + 49, cents)
    cents = np.where(~small & ~medium, np.rint(price).astype(np.int64) * 100 - 1, cents)
    return cents


def build_catalogue(seed: int, eur_rate: float) -> Catalogue:
    rng = rng_for(seed, P.KIND_GLOBAL, 0, P.STREAM_CATALOGUE)
    categories, prices, costs, labels, codes = [], [], [], [], []
    label_names: list[str] = []
    for index, category in enumerate(P.CATEGORIES):
        low, high = np.log(category.price_range[0]), np.log(category.price_range[1])
        price = np.sort(np.exp(rng.uniform(low, high, category.products)))
        price[0], price[-1] = category.price_range  # the range is covered end to end
        cents = np.sort(_nice_cents(price))
        ratio = np.clip(
            category.cost_ratio + rng.uniform(-P.COST_RATIO_SPREAD, P.COST_RATIO_SPREAD, cents.size),
            *P.COST_RATIO_BOUNDS,
        )
        categories.append(np.full(cents.size, index, dtype=np.int8))
        prices.append(cents)
        costs.append(np.maximum(np.rint(cents * ratio).astype(np.int64), 1))
        # Name: a noun that fits the price (cheap nouns first) and a model code, e.g. "Drill TO-512".
        codes.append(rng.integers(100, 1000, cents.size))
        nouns = [f"{noun} {category.name[:2].upper()}-" for noun in category.nouns]
        labels.append(len(label_names) + np.arange(cents.size) * len(nouns) // cents.size)
        label_names.extend(nouns)
    category_codes = np.concatenate(categories)
    price_cents = np.concatenate(prices)
    number = rng.permutation(price_cents.size).astype(np.int64) + 1
    ends = np.cumsum([c.products for c in P.CATEGORIES])
    starts = ends - np.array([c.products for c in P.CATEGORIES])
    eur_cents = np.maximum(np.rint(price_cents / eur_rate).astype(np.int64), 1)
    # Rounding keeps the EUR list sorted within a category (a monotone map of a sorted list).
    return Catalogue(
        number=number,
        category=category_codes,
        price_cents=price_cents,
        price_eur_cents=eur_cents,
        cost_cents=np.concatenate(costs),
        names=pc.binary_join_element_wise(
            pa.array(label_names).take(pa.array(np.concatenate(labels))),
            pc.cast(pa.array(np.concatenate(codes)), pa.string()),
            "",
        ),
        category_start=starts.astype(np.int64),
        category_end=ends.astype(np.int64),
    )
