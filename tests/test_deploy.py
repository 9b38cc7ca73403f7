"""deploy/trendbot.service: the unit runs a real trendbot command, restartably and hardened."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import PurePosixPath

import pytest
from sqlalchemy.engine import make_url

from bot.cli import main
from bot.cli.app import EXIT_PROBLEM
from bot.cli.crawl import EXIT_SOME_FAILED
from bot.cli.db import EXIT_USAGE
from bot.cli.run import EXIT_TOKEN_REFUSED
from bot.config.durations import parse_duration
from bot.config.schema import Settings
from bot.service import STOP_GRACE
from tests.conftest import ROOT

UNIT = ROOT / "deploy" / "trendbot.service"
ENV_EXAMPLE = ROOT / "deploy" / "trendbot.env.example"


def unit() -> configparser.ConfigParser:
    # systemd allows repeated keys; strict=False keeps the last, which is what is checked here
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read(UNIT, encoding="utf-8")
    return parser


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_the_unit_restarts_on_failure_as_a_dedicated_user():
    service = unit()["Service"]
    assert service["Restart"] == "on-failure"
    assert parse_duration(service["RestartSec"]).total_seconds() >= 5  # no tight loop
    assert service["User"] == service["Group"] == "trendbot"
    assert service["User"] != "root"
    assert service["WorkingDirectory"].startswith("/")
    assert service["EnvironmentFile"] == "/etc/trendbot/trendbot.env"
    assert "StartLimitBurst" in unit()["Unit"]


def test_what_a_restart_cannot_fix_is_not_restarted():
    """A usage error (2) and a token Discord refused (4) fail the same way every time."""
    prevented = {int(code) for code in unit()["Service"]["RestartPreventExitStatus"].split()}
    assert prevented == {EXIT_USAGE, EXIT_TOKEN_REFUSED}
    # a distinct code: not success, a problem (1, retried), nor crawl --once's 3
    assert EXIT_TOKEN_REFUSED not in (0, EXIT_PROBLEM, EXIT_SOME_FAILED, EXIT_USAGE)


def test_the_readme_lists_every_exit_status():
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    start = text.index("Exit status: 0 success")
    paragraph = text[start : text.index("TRENDBOT_DEBUG", start)]
    assert f"{EXIT_SOME_FAILED} `crawl --once`: some polled feeds failed" in paragraph
    assert "shares its number with a configuration or database problem" in paragraph
    assert f"{EXIT_TOKEN_REFUSED} `run`: Discord refused the token" in paragraph


def test_it_stops_with_sigterm_and_waits_longer_than_trendbots_grace():
    service = unit()["Service"]
    assert service["KillSignal"] == "SIGTERM"
    # the service lets a crawl in flight finish for STOP_GRACE, then closes Discord
    assert parse_duration(service["TimeoutStopSec"]) >= 3 * STOP_GRACE


def test_it_is_hardened_and_may_write_only_its_folders():
    service = unit()["Service"]
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ProtectHome"] == "yes" and service["PrivateTmp"] == "yes"
    assert service["CapabilityBoundingSet"] == ""
    writable = service["ReadWritePaths"].split()
    # the SQLite database of the example environment lies in a writable folder
    database = make_url(env_example()["DATABASE_URL"]).database
    assert any(PurePosixPath(database).is_relative_to(folder) for folder in writable)
    assert f"/var/lib/{service['StateDirectory']}" in writable
    # the admin slash commands rewrite config.yaml in its folder
    config = PurePosixPath(shlex.split(service["ExecStart"])[2])
    assert str(config.parent) in writable


def test_exec_start_is_a_real_trendbot_command(capsys):
    words = shlex.split(unit()["Service"]["ExecStart"])
    assert words[0] == "/opt/trendbot/.venv/bin/trendbot"
    assert words[1:] == ["--config", "/etc/trendbot/config.yaml", "run"]
    # trendbot itself accepts this command line (--help: without reading the config)
    with pytest.raises(SystemExit) as exited:
        main([*words[1:], "--help"])
    assert exited.value.code in (0, None)
    assert "Usage: trendbot run" in capsys.readouterr().out


def test_the_environment_file_holds_the_variables_trendbot_reads():
    values = env_example()
    settings = Settings()
    assert set(values) == {settings.discord.token_env, settings.hub.token_env, "DATABASE_URL"}
    assert Settings.model_validate({"database": values["DATABASE_URL"]})  # a valid URL
    assert all(value == "" for name, value in values.items() if name != "DATABASE_URL")


def test_systemd_accepts_the_unit(tmp_path):
    """Where systemd-analyze is installed, the unit has no error but the absent binary."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    copy = tmp_path / "trendbot.service"
    copy.write_text(UNIT.read_text(encoding="utf-8"), encoding="utf-8")
    ran = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60)
    problems = [
        line
        for line in (ran.stdout + ran.stderr).splitlines()
        if line.strip() and "/opt/trendbot/.venv/bin/trendbot" not in line
    ]
    assert problems == []
