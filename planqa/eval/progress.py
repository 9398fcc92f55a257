"""Progress bars on stderr (tqdm) shaped like the ``progress`` callbacks of ``evaluate`` and ``run_compare``.

Only display: nothing here measures or changes what is evaluated.
"""
from __future__ import annotations

import sys


class Bar:
    """A tqdm bar that is also an ``evaluate`` progress callback: ``bar(done, total)``.

    Use it as a context manager so the bar is closed (and the line finished) on errors too.
    """

    def __init__(self, total: int, desc: str = "", disable: bool = False):
        from tqdm import tqdm

        self._tqdm = tqdm(total=total, desc=desc, unit="题", file=sys.stderr, disable=disable,
                          dynamic_ncols=True, leave=True)

    def __call__(self, done: int, total: int) -> None:
        if self._tqdm.total != total:
            self._tqdm.total = total
        self._tqdm.update(done - self._tqdm.n)

    def close(self) -> None:
        self._tqdm.close()

    def __enter__(self) -> "Bar":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def bar(total: int, desc: str = "", disable: bool = False) -> Bar:
    """A progress bar to stderr for ``total`` questions, callable as ``evaluate``'s ``progress``.

    Example:
        with bar(len(questions), "eval") as progress:
            metrics, predictions = evaluate(assistant, questions, progress=progress)
    """
    return Bar(total, desc, disable)


class ConfigBars:
    """One bar per configuration, callable as ``run_compare``'s ``progress(label, done, total)``."""

    def __init__(self, disable: bool = False):
        self.disable = disable
        self._label: str | None = None
        self._bar: Bar | None = None

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self._label:
            self.close()
            self._label, self._bar = label, Bar(total, label, self.disable)
        self._bar(done, total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._label, self._bar = None, None

    def __enter__(self) -> "ConfigBars":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def config_bars(disable: bool = False) -> ConfigBars:
    """Progress for ``run_compare``: a fresh bar, described by the config label, per config."""
    return ConfigBars(disable)
