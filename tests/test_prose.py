"""Every measured number in the chapters' prose is glued from the run or checked by it."""

import json
import re

import pytest
from conftest import ROOT
from prose import glue_keys, unexplained

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))

# Numbers in prose that are not measurements of the run: years, citations, published figures
# not in lmkit.reference, definitions.  Keyed by notebook stem ("*": every notebook); the
# value says why.  Keep it short: a measured number belongs in a glue or an assert.
ALLOW: dict[str, dict[str, str]] = {
    "*": {},
    "02b_smoothing_comparison": {"twice": "definition: an n-gram seen exactly two times"},
    "03c_maxent": {"10,000": "an exercise's setting (trigram features to add)",
                   "0.3": "an exercise's setting (the weight-decay range to try)"},
    "08c_bert_pretraining": {"15%": "definition: BERT's selection rate",
                             "0.15": "definition: BERT's selection rate",
                             "0.8": "definition: the [MASK] share of a selection",
                             "0.1": "definition: the random and the unchanged shares",
                             "10%": "definition: the unchanged share of a selection",
                             "1.5%": "definition: the notes' 15% x 10%",
                             "0.3": "an exercise's setting (a selection rate to try)"},
    "08g_span": {"2.0": "a name: SQuAD 2.0", "1.1": "a name: SQuAD 1.1",
                 "86%": "published (Rajpurkar et al. 2018's abstract): context, not "
                        "reproduced, as our cloze set is not SQuAD",
                 "66%": "published (Rajpurkar et al. 2018's abstract), as above",
                 "0.5": "definition: the AUC of a score that does not separate"},
}


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_number_in_the_prose_is_glued_or_checked(nb):
    found = unexplained(nb, ALLOW.get(nb.stem, {}) | ALLOW["*"])
    assert not found, ("numbers in the prose that no glue, assert or setting ties to the run "
                       "(glue them, assert them, or allow-list a definition):\n"
                       + "\n".join(map(str, found)))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_pasted_glue_key_is_glued(nb):
    used, defined = glue_keys(nb)
    assert not used - defined, f"{nb.name} pastes {sorted(used - defined)}, never glued"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_fits_the_page(nb):
    """The rendered book scrolls code wider than 80 characters sideways."""
    cells = json.loads(nb.read_text("utf-8"))["cells"]
    wide = [(i, line) for i, c in enumerate(cells) if c["cell_type"] == "code"
            for line in "".join(c["source"]).splitlines() if len(line) > 80]
    assert not wide, f"{nb.name}: code lines over 80 characters: {wide}"


def test_the_allow_list_names_only_numbers_the_prose_has():
    for stem, entries in ALLOW.items():
        if stem == "*":
            continue
        nb = ROOT / "chapters" / f"{stem}.ipynb"
        md = "\n".join("".join(c["source"]) for c in json.loads(nb.read_text("utf-8"))["cells"]
                       if c["cell_type"] == "markdown")
        stale = [k for k in entries if not re.search(re.escape(k), md, re.I)]
        assert not stale, f"{stem}: allow-listed but not in the prose: {stale}"
