"""``python -m portfolio_check``."""

from portfolio_check.cli import run

if __name__ == "__main__":
    run()
