import os
from pathlib import Path

import pytest
from hypothesis import settings

from lmkit import data
from lmkit.data import store as data_store

# CI is deterministic: hypothesis derives its examples from each test's name.  For a wider,
# random search run `HYPOTHESIS_PROFILE=explore pytest tests`.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def ptb():
    """Penn Treebank from LMKIT_DATA or the cache; skipped (with the reason) where neither has it."""
    try:
        return data.load_ptb()
    except data.CorpusNotFoundError as err:  # pragma: no cover - CI always has LMKIT_DATA
        pytest.skip(f"PTB not available: {err}")


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """An empty LMKIT_DATA and an empty cache, both under tmp_path."""
    store, cache = tmp_path / "store", tmp_path / "cache"
    store.mkdir()
    monkeypatch.setenv("LMKIT_DATA", str(store))
    monkeypatch.setenv("LMKIT_CACHE", str(cache))
    data_store._verified.clear()
    return store, cache


def shared_data() -> Path | None:
    p = os.environ.get("LMKIT_DATA")
    return Path(p) if p and Path(p).is_dir() else None
