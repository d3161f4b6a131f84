r"""The ARPA back-off format that SRILM and KenLM read.

One section per order k lists every k-gram seen with :math:`\log_{10} P_k(hw)` and (below the
top order) its back-off weight :math:`\log_{10} \beta_{k+1}(hw)` as a history.  A smoothed model
is stored in exactly this form (``lmkit.ngram.smoothing.base``), interpolated ones included,
so writing it loses nothing but the digits after the seventh decimal.

The format separates tokens by whitespace, so a token that is empty or holds whitespace
(the space of a character-level model) cannot be written: ``write_arpa`` refuses it, and the
fix is to map it to a visible symbol (e.g. ``"_"``) in the sentences before fitting.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from ..text import Vocab
from .counts import NgramCounts
from .smoothing import Smoothing

__all__ = ["write_arpa"]


def _check_tokens(vocab: Vocab) -> None:
    """Refuse a token that a whitespace-separated file cannot hold: an empty one, or one with
    whitespace (``str.isspace``: KenLM splits on ASCII whitespace, Python readers on any) or a
    NUL (which ends a C string, as SRILM reads it)."""
    for i, token in enumerate(vocab.itos):
        if token == "" or any(ch.isspace() or ch == "\0" for ch in token):
            what = "is empty" if token == "" else ("holds a NUL" if "\0" in token else "holds whitespace")
            raise ValueError(f"token {token!r} (id {i}) {what}, so an ARPA file cannot hold it (its "
                             f"fields are separated by whitespace: KenLM would misread it). Map "
                             f"it to a visible symbol in the sentences before fitting, e.g. "
                             f"[['_' if t == ' ' else t for t in s] for s in sentences] for a "
                             f"character model")


def _log10(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.where(p > 0, np.log10(np.maximum(p, 1e-300)), -99.0)


def write_arpa(path, model: Smoothing, counts: NgramCounts, vocab: Vocab) -> None:
    """Write a fitted smoothing ``model`` over ``counts`` as an ARPA file (log10
    probabilities and back-off weights).  The file is written to a temporary name, then
    renamed, so a failure never leaves half a model behind.  ``NgramLM.write_arpa`` calls it."""
    if not isinstance(model, Smoothing) or not model.recursive:
        why = ("gives unseen n-grams probability 0" if not isinstance(model, Smoothing)
               else "backs off to the uniform distribution, not to the lower order")
        raise ValueError(f"smoothing {model.name!r} {why}, so it has no ARPA form; use a back-off "
                         f"or interpolated method (katz, kneser-ney, modified-kneser-ney, ...)")
    _check_tokens(vocab)
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(f"path must be a file name (str or pathlib.Path), "
                        f"got {type(path).__name__}") from None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path!r} is a directory: give a file name, "
                                f"e.g. {os.path.join(path, 'lm.arpa')!r}")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"the folder {folder!r} does not exist: create it first "
                                f"(pathlib.Path(path).parent.mkdir(parents=True))")
    itos = np.array(vocab.itos, dtype=object)
    names = {1: itos}
    for k in range(2, counts.order + 1):
        names[k] = names[k - 1][counts.history(k)] + " " + itos[counts.word(k)]
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".arpa.part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n\\data\\\n")
            for k in range(1, counts.order + 1):
                f.write(f"ngram {k}={counts.num_nodes(k)}\n")
            for k in range(1, counts.order + 1):
                f.write(f"\n\\{k}-grams:\n")
                lp = _log10(model.P[k])
                if k == 1:
                    lp[vocab.bos_id] = -99.0
                if k < counts.order:
                    bow = _log10(model.bow[k + 1])
                    f.writelines(f"{a:.7f}\t{w}\t{b:.7f}\n" for a, w, b in zip(lp, names[k], bow))
                else:
                    f.writelines(f"{a:.7f}\t{w}\n" for a, w in zip(lp, names[k]))
            f.write("\n\\end\\\n")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
