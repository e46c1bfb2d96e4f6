"""``python -m portfolio_check``.

For ``-m``, Python puts the current folder first on ``sys.path``: started inside a scanned repository, ``import
click`` would load that repository's ``click.py``. The current folder is taken off ``sys.path`` here, before
anything else is imported. (This file itself can only be reached once ``portfolio_check`` was found, so a folder
holding its own ``portfolio_check`` package still wins: use the ``portfolio-check`` command, or ``python -I -m``.)
"""

import os
import sys


def _drop_current_folder() -> None:
    try:
        here = os.path.realpath(os.getcwd())  # noqa: PTH109  (pathlib would be imported from the current folder)
    except OSError:  # the current folder was deleted: only '' and '.' can name it
        here = None
    sys.path[:] = [p for p in sys.path if p not in ("", ".") and os.path.realpath(p) != here]


_drop_current_folder()

from portfolio_check.cli import run  # noqa: E402  (imported only once the current folder is off sys.path)

if __name__ == "__main__":
    run()
