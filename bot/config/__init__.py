"""Configuration: the config.yaml schema, its loader and its checks."""

from bot.config.load import ConfigError, ConfigProblem, config_path, load_settings, parse_settings
from bot.config.schema import FeedSettings, HubSettings, Settings

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "FeedSettings",
    "HubSettings",
    "Settings",
    "config_path",
    "load_settings",
    "parse_settings",
]
