"""Vectorised builders of Arrow columns: zero-padded ids, money from cents, categories, dates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def _validity(valid: np.ndarray | None) -> tuple[pa.Buffer | None, int]:
    if valid is None:
        return None, 0
    valid = np.asarray(valid, dtype=bool)
    nulls = int(valid.size - np.count_nonzero(valid))
    if nulls == 0:
        return None, 0
    return pa.py_buffer(np.packbits(valid, bitorder="little")), nulls


def ids(prefix: str, numbers: np.ndarray, width: int, suffix: str = "") -> pa.Array:
    """`prefix` + zero-padded number (+ `suffix`), e.g. ids("C", [123], 8) -> "C00000123", no Python loop."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if numbers.size and (numbers.min() < 0 or numbers.max() >= 10**width):
        raise ValueError(f"ids with prefix {prefix!r} do not fit in {width} digits")
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    tail = np.frombuffer(suffix.encode("ascii"), dtype=np.uint8)
    size = head.size + width + tail.size
    buffer = np.empty((numbers.size, size), dtype=np.uint8)
    buffer[:, : head.size] = head
    buffer[:, head.size + width :] = tail
    rest = numbers.astype(np.int32) if numbers.size and numbers.max() < 2**31 else numbers.copy()
    for position in range(head.size + width - 1, head.size - 1, -1):
        rest, digit = np.divmod(rest, 10)
        buffer[:, position] = digit
        buffer[:, position] += ord("0")
    offsets = np.arange(numbers.size + 1, dtype=np.int32) * size
    return pa.Array.from_buffers(
        pa.string(), numbers.size, [None, pa.py_buffer(offsets), pa.py_buffer(buffer)]
    )


def nullable_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Like ids(); negative numbers give nulls."""
    numbers = np.asarray(numbers, dtype=np.int64)
    valid = numbers >= 0
    array = ids(prefix, np.where(valid, numbers, 0), width)
    if valid.all():
        return array
    return pc.if_else(pa.array(valid), array, pa.scalar(None, array.type))


def decimal(unscaled: np.ndarray, precision: int, scale: int, valid: np.ndarray | None = None) -> pa.Array:
    """Decimal128 array from integers already multiplied by 10**scale (cents for money)."""
    low = np.asarray(unscaled, dtype=np.int64)
    words = np.empty((low.size, 2), dtype=np.int64)
    words[:, 0] = low
    words[:, 1] = low >> 63  # sign extension to 128 bits
    validity, nulls = _validity(valid)
    return pa.Array.from_buffers(
        pa.decimal128(precision, scale), low.size, [validity, pa.py_buffer(words)], null_count=nulls
    )


def money(cents: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return decimal(cents, 18, 2, valid)


def categories(codes: np.ndarray, labels: Sequence[str]) -> pa.Array:
    """Plain string column from integer codes into `labels`; negative codes give nulls."""
    codes = np.asarray(codes)
    valid = codes >= 0
    indices = pa.array(np.where(valid, codes, 0).astype(np.int32), mask=~valid if not valid.all() else None)
    dictionary = pa.DictionaryArray.from_arrays(indices, pa.array(list(labels), pa.string()))
    return dictionary.dictionary_decode()


def dates(epoch_days: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    values = np.asarray(epoch_days, dtype=np.int32)
    if valid is None:
        return pa.array(values, type=pa.date32())
    return pa.array(values, type=pa.date32(), mask=~np.asarray(valid, dtype=bool))


def timestamps(epoch_us: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(epoch_us, dtype=np.int64), type=pa.timestamp("us"))


def int32(values: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    values = np.asarray(values, dtype=np.int32)
    if valid is None:
        return pa.array(values, type=pa.int32())
    return pa.array(values, type=pa.int32(), mask=~np.asarray(valid, dtype=bool))


def strings(values: Sequence[str | None]) -> pa.Array:
    """Small string columns (products, employees): a list is fine there."""
    return pa.array(list(values), type=pa.string())


def width_for(count: int, minimum: int) -> int:
    return max(minimum, len(str(max(count, 1))))
