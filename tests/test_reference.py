"""lmkit.reference: published numbers, the ledger of ours, and the reproduction page's rows."""

import json
import os

import pytest

from lmkit import reference
from lmkit.reference import PUBLISHED, Published


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    monkeypatch.setenv("LMKIT_RESULTS", str(tmp_path / "results"))
    return tmp_path / "results"


def test_every_published_entry_is_complete():
    for key, p in PUBLISHED.items():
        assert p.source and p.where and p.setting, key
        assert p.chapter[:2].isdigit(), (key, p.chapter)
        assert p.profile in ("default", "full", "benchmark"), key
        assert p.value is None or isinstance(p.value, (float, str)), key


def test_a_checked_pair_is_recorded_and_listed(ledger):
    r = reference.reproduce("ptb/kn5", 141.0, setting="our KN5", rel_tol=0.01)
    assert r.asserted and r.check == "within 1.0%"
    assert json.loads((ledger / "ptb__kn5.json").read_text())["ours"] == 141.0
    rows = {(row["chapter"], row["published"]): row for row in reference.reproduction_rows()}
    row = rows["02c", "141.2"]
    assert row["ours"] == "141" and row["asserted"] == "yes: within 1.0%"
    assert not list(ledger.glob("*.part"))  # written atomically


def test_a_failed_check_raises_and_records_nothing(ledger):
    with pytest.raises(AssertionError, match="141.2"):
        reference.reproduce("ptb/kn5", 150.0, setting="s", rel_tol=0.01)
    with pytest.raises(AssertionError, match="ordering"):
        reference.reproduce("ptb/kn5", 140.0, setting="s", holds=False, check="ordering")
    with pytest.raises(AssertionError, match="finite"):
        reference.reproduce("ptb/kn5", float("nan"), setting="s", rel_tol=0.01)
    assert reference.read_results() == {}


def test_an_unchecked_pair_says_no_and_missing_rows_say_not_run(ledger):
    reference.reproduce("ptb/gt3", 167.0, setting="our Katz trigram")
    rows = {r["published"]: r for r in reference.reproduction_rows()}
    assert rows["165.2"]["asserted"] == "no"
    assert rows["148.3"]["ours"].startswith("not run")
    assert rows["82.7"]["ours"] == "full profile, not run in CI"


def test_bad_calls_name_the_problem(ledger, monkeypatch):
    with pytest.raises(KeyError, match="PUBLISHED"):
        reference.reproduce("ptb/kn9", 1.0, setting="s")
    with pytest.raises(ValueError, match="not both"):
        reference.reproduce("ptb/kn5", 1.0, setting="s", rel_tol=0.1, holds=True, check="c")
    with pytest.raises(ValueError, match="check="):
        reference.reproduce("ptb/kn5", 1.0, setting="s", holds=True)
    with pytest.raises(TypeError, match="holds="):
        reference.reproduce("ptb/kn5", "KN wins", setting="s", rel_tol=0.1)
    monkeypatch.setitem(PUBLISHED, "tool/x", Published(None, "heafield2011kenlm", "-", "s", "02c"))
    with pytest.raises(ValueError, match="reference="):
        reference.reproduce("tool/x", 1.0, setting="s")
    r = reference.reproduce("tool/x", 1.0, setting="s", reference=1.0, rel_tol=1e-6)
    assert r.reference == 1.0


def test_an_unwritable_ledger_names_the_fix(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("LMKIT_RESULTS", str(blocker / "results"))
    with pytest.raises(OSError, match="LMKIT_RESULTS"):
        reference.reproduce("ptb/kn5", 141.0, setting="s")


@pytest.mark.skipif(os.environ.get("LMKIT_RESULTS_COMPLETE") != "1",
                    reason="runs after every chapter (make test's second step)")
def test_every_chapter_recorded_its_rows():
    """After all chapters ran: every default-profile row of the reproduction page is filled."""
    results = reference.read_results()
    missing = [k for k, p in PUBLISHED.items() if p.profile == "default" and k not in results]
    assert not missing, f"no chapter recorded {missing}: call lmkit.reference.reproduce"
