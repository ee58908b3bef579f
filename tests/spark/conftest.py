"""Tests that need the Spark toolchain (.venv-spark): run by `make test-spark`, not by `make test`."""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
# The hand-made scenarios (DOMAIN.md's bank) are shared with the default suite.
sys.path.insert(0, str(PROJECT_DIR / "tests" / "python"))
