"""`python -m bot` is the same program as the `trendbot` console script."""

from bot.cli import main

if __name__ == "__main__":
    main()
