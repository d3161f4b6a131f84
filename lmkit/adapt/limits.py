"""Size bounds shared by the adaptation models (one place, so that they agree)."""

from __future__ import annotations

__all__ = ["MAX_IDS", "MAX_TABLE"]

MAX_IDS = 10**9  # ids are paired into keys a * size + b, which must fit an int64
MAX_TABLE = 2**32  # entries of one max-ent weight table (16 GiB of float32): the bound on vocab_size**2
