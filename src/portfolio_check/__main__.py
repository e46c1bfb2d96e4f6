"""``python -m portfolio_check``."""

from portfolio_check.cli import main

if __name__ == "__main__":
    main()
