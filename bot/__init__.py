"""trendbot: watches AI news and Hugging Face Hub statistics and reports to Discord."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trendbot")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
