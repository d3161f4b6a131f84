"""The live training plot: perplexity against steps, redrawn in place in a notebook."""

from __future__ import annotations

import numpy as np

__all__ = ["LivePlot"]


class LivePlot:
    """Training and validation perplexity against steps, redrawn in place in a notebook
    (in JupyterLab it updates as training goes; in the rendered book it is the final figure)."""

    def __init__(self, title: str = "") -> None:
        import matplotlib.pyplot as plt

        if not isinstance(title, str):
            raise TypeError(f"title must be a string, got {type(title).__name__}")
        self.plt, self.title = plt, title
        self.handle = None

    def update(self, history: dict, final: bool = False) -> None:
        """Redraw from ``history`` (``train``'s dict: ``train_loss`` and ``valid_loss`` lists of
        (step, loss in nats))."""
        fig, ax = self.plt.subplots(figsize=(6, 3.2))
        if history["train_loss"]:
            s, l = zip(*history["train_loss"])
            ax.semilogy(s, np.exp(np.array(l)), alpha=0.6, label="exp(training loss), running")
        if history["valid_loss"]:
            s, l = zip(*history["valid_loss"])
            ax.semilogy(s, np.exp(np.array(l)), "o-", label="validation")
        ax.set_xlabel("step"); ax.set_ylabel("perplexity"); ax.set_title(self.title)
        ax.legend(); fig.tight_layout()
        try:
            from IPython.display import display
        except ImportError:  # pragma: no cover - outside IPython there is nothing to redraw
            self.plt.close(fig)
            return
        if self.handle is None:
            self.handle = display(fig, display_id=True)
        else:
            self.handle.update(fig)
        self.plt.close(fig)
