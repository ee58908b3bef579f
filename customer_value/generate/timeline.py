"""The history window: continuous time in days since the window opened, months, dates and timestamps.

Events are simulated on a continuous clock `t` (days since `start` 00:00). A timestamp keeps the day
and maps the fraction of the day onto business hours (07:00-20:00), so order within a day is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

EPOCH = date(1970, 1, 1)
US_PER_DAY = 86_400_000_000
BUSINESS_DAY_START_US = 7 * 3_600_000_000
BUSINESS_DAY_LENGTH_US = 13 * 3_600_000_000


def add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Timeline:
    start: date  # first day of history
    end: date  # last day of history (inclusive)
    month_starts: np.ndarray  # day offsets (from start) of the first day of each calendar month touched
    month_dates: tuple[date, ...]

    @classmethod
    def build(cls, end_date: date, months: int) -> Timeline:
        start = add_months(end_date + timedelta(days=1), -months)
        first = date(start.year, start.month, 1)
        month_dates = []
        current = first
        while current <= end_date:
            month_dates.append(current)
            current = add_months(current, 1)
        offsets = np.array([(d - start).days for d in month_dates], dtype=np.int64)
        return cls(start, end_date, offsets, tuple(month_dates))

    @property
    def days(self) -> int:
        """Length of the window in days; `t` runs over [0, days)."""
        return (self.end - self.start).days + 1

    @property
    def n_months(self) -> int:
        return len(self.month_dates)

    @property
    def start_epoch_day(self) -> int:
        return (self.start - EPOCH).days

    def month_end_days(self) -> np.ndarray:
        """Day offset of the last day of each month (may lie after the window for the last month)."""
        nxt = np.append(self.month_starts[1:], (add_months(self.month_dates[-1], 1) - self.start).days)
        return nxt - 1

    def month_of_day(self, day: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.month_starts, day, side="right") - 1

    def epoch_days(self, day: np.ndarray) -> np.ndarray:
        """Integer day offsets to days since 1970-01-01 (Arrow date32)."""
        return (np.asarray(day, dtype=np.int64) + self.start_epoch_day).astype(np.int32)

    def timestamps_us(self, t: np.ndarray) -> np.ndarray:
        """Continuous times (days) to microseconds since the epoch, in business hours."""
        t = np.asarray(t, dtype=np.float64)
        day = np.floor(t)
        frac = t - day
        return (
            (day.astype(np.int64) + self.start_epoch_day) * US_PER_DAY
            + BUSINESS_DAY_START_US
            + np.rint(frac * BUSINESS_DAY_LENGTH_US).astype(np.int64)
        )

    def month_label(self, month: int) -> str:
        return self.month_dates[month].strftime("%Y-%m")
