"""The command line: exit codes, one-line errors, and no stub pretending to work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from bot.cli import main
from bot.cli.app import config_first
from tests.conftest import MINIMAL_CONFIG, ROOT

ALL_COMMANDS = (
    "check-config",
    "db",
    "crawl",
    "feeds",
    "why",
    "extract",
    "hub",
    "claims",
    "rankings",
    "digest",
    "run",
    "demo",
    "status",
)


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (
        (code if isinstance(code, int) else (0 if code is None else 1)),
        captured.out,
        captured.err,
    )


def test_help_lists_every_command(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    for command in ALL_COMMANDS:
        assert f"  {command} " in out


def test_check_config_ok(write_config, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = write_config(MINIMAL_CONFIG)
    code, out, err = run(["check-config", str(path)], capsys)
    assert code == 0, err
    assert f"{path}: OK" in out
    assert "feeds: 1" in out
    assert "2 authors in 2 families" in out


def test_check_config_prints_every_problem_and_exits_1(write_config, capsys):
    path = write_config(
        """\
        http: {allow_privat: true}
        feeds:
          - {name: A, url: nope}
          - {name: A, url: https://a.example/feed}
        discord: {token: MTA4NzQ1NjQ4OTk1MTEyNTUyOA.GxYzAb.abcdefghijklmnopqrstuvwxyz0123456789AB}
        """
    )
    code, _, err = run(["check-config", str(path)], capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"{path}:1:")
    assert any(line.startswith(f"{path}:3:") and "feeds[0].url" in line for line in lines)
    assert any(line.startswith(f"{path}:4:") and "duplicate feed name" in line for line in lines)
    assert any(line.startswith(f"{path}:5:") and "DISCORD_TOKEN" in line for line in lines)
    assert lines[-1] == "4 problems in the configuration"
    assert "GxYzAb" not in err
    assert "Traceback" not in err


def test_global_config_option_and_environment_variable(write_config, capsys, monkeypatch):
    path = write_config(MINIMAL_CONFIG, name="custom.yaml")
    assert run(["--config", str(path), "check-config"], capsys)[0] == 0
    monkeypatch.setenv("TRENDBOT_CONFIG", str(path))
    code, out, _ = run(["check-config"], capsys)
    assert code == 0
    assert str(path) in out


def test_check_config_warnings_keep_exit_status_0(write_config, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DISCORD_TOKEN", "in-the-environment")
    body = MINIMAL_CONFIG.replace("digest: 111, alerts: 222, ", "") + "  admin_role: Mods\n"
    path = write_config(body)
    code, out, err = run(["check-config", str(path)], capsys)
    assert code == 0, err
    assert out.startswith(f"{path}: OK (3 warnings)\n")
    lines = err.strip().splitlines()
    assert [line.split(": warning: ")[0] for line in lines] == [
        f"{path}:15:3: discord.channels.digest",
        f"{path}:15:3: discord.channels.alerts",
        f"{path}:16:3: discord.admin_role",
    ]
    assert all(line.endswith(")") and "(hint: " in line for line in lines)
    monkeypatch.delenv("DISCORD_TOKEN")
    code, out, err = run(["check-config", str(path)], capsys)
    assert code == 0 and out.startswith(f"{path}: OK (1 warning)\n")
    clean = write_config(MINIMAL_CONFIG, name="clean.yaml")
    code, out, err = run(["check-config", str(clean)], capsys)
    assert (code, err) == (0, "") and out.startswith(f"{clean}: OK\n")


def test_config_option_after_the_command(write_config, capsys, tmp_path, monkeypatch):
    """People type the option where they think of it: after the command, in any spelling."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TRENDBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./config.yaml to fall back on
    path = str(write_config(MINIMAL_CONFIG, name="custom.yaml"))
    for argv in (
        ["check-config", "--config", path],
        ["check-config", f"--config={path}"],
        ["check-config", "-c", path],
        ["check-config", f"-c{path}"],
    ):
        code, out, err = run(argv, capsys)
        assert code == 0, (argv, err)
        assert out.startswith(f"{path}: OK"), argv
    assert run(["db", "upgrade", "--config", path], capsys)[0] == 0
    code, out, err = run(["db", "status", "-c", path], capsys)
    assert (code, "(latest)" in out) == (0, True), err
    code, out, err = run(["status", "--json", f"--config={path}"], capsys)
    assert code == 0, err
    code, out, err = run(["feeds", "list", "--json", "-c", path], capsys)
    assert code == 0, err
    assert '"name": "Example AI news"' in out
    absent = str(tmp_path / "absent.yaml")
    code, _, err = run(["crawl", "--once", "--config", absent], capsys)
    assert code == 1 and f"{absent}: config file not found" in err
    # check-config PATH still names the file to check
    code, out, _ = run(["check-config", path], capsys)
    assert code == 0 and out.startswith(f"{path}: OK")


def test_config_first_moves_only_the_config_option():
    assert config_first(["crawl", "--once", "--config", "x.yaml", "--feed", "A"]) == [
        "--config",
        "x.yaml",
        "crawl",
        "--once",
        "--feed",
        "A",
    ]
    assert config_first(["-c", "a.yaml", "status", "-cb.yaml"]) == [
        "-c",
        "a.yaml",
        "-cb.yaml",
        "status",
    ]
    assert config_first(["extract", "--", "-c", "x"]) == ["extract", "--", "-c", "x"]
    assert config_first(["status", "--config"]) == ["--config"]


def test_config_option_without_a_value_is_a_usage_error(capsys):
    code, _, err = run(["status", "--config"], capsys)
    assert code == 2
    assert "requires an argument" in err


def test_db_upgrade_then_status(write_config, capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = write_config(MINIMAL_CONFIG)
    code, out, _ = run(["-c", str(path), "db", "status"], capsys)
    assert code == 1  # empty database: behind the latest revision
    code, out, err = run(["-c", str(path), "db", "upgrade"], capsys)
    assert code == 0, err
    assert "upgraded from an empty database to" in out
    assert (tmp_path / "data" / "trendbot.db").exists()
    code, out, _ = run(["-c", str(path), "db", "upgrade"], capsys)
    assert "already at revision" in out
    code, out, _ = run(["-c", str(path), "db", "status"], capsys)
    assert code == 0
    assert "(latest)" in out


def test_db_upgrade_on_postgresql_via_database_url(write_config, capsys, monkeypatch, postgres_url):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    code, out, err = run(["-c", str(write_config(MINIMAL_CONFIG)), "db", "upgrade"], capsys)
    assert code == 0, err
    assert out.startswith("postgresql+psycopg://")


def test_unreachable_database_is_one_line_and_exit_1(write_config, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:hunter2@127.0.0.1:9/none")
    code, _, err = run(["-c", str(write_config(MINIMAL_CONFIG)), "db", "upgrade"], capsys)
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("trendbot: cannot open database")
    assert "hunter2" not in err


def test_missing_config_file_is_exit_1(capsys, tmp_path):
    code, _, err = run(["-c", str(tmp_path / "absent.yaml"), "db", "upgrade"], capsys)
    assert code == 1
    assert "config file not found" in err


def test_usage_errors_exit_2_without_traceback(capsys):
    code, _, err = run(["--no-such-flag"], capsys)
    assert code == 2
    assert "No such option" in err
    assert "Traceback" not in err


def _env_without_database_url() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    return env


def test_python_dash_m_bot_is_the_same_program(write_config):
    path = write_config(MINIMAL_CONFIG)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check-config", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env_without_database_url(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"{path}: OK" in result.stdout


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("trendbot")
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable} (project not pip-installed)")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("trendbot ")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        # the value of an option that takes one stays with it, even when it looks like -c
        (["claims", "--entity", "-cfoo"], ["claims", "--entity", "-cfoo"]),
        (
            ["claims", "--entity", "-c", "-c", "x.yaml"],
            ["-c", "x.yaml", "claims", "--entity", "-c"],
        ),
        (["claims", "--limit", "5", "-cx.yaml"], ["-cx.yaml", "claims", "--limit", "5"]),
        (["rankings", "--chart", "--config"], ["rankings", "--chart", "--config"]),
        (["crawl", "--feed", "-c", "--once"], ["crawl", "--feed", "-c", "--once"]),
        # a flag takes no value: what follows it is an option again
        (["claims", "--json", "-cx.yaml"], ["-cx.yaml", "claims", "--json"]),
        (["crawl", "--once", "-c", "x.yaml"], ["-c", "x.yaml", "crawl", "--once"]),
        # the value given in the option itself: the next argument is free
        (["claims", "--entity=Qwen", "-cx.yaml"], ["-cx.yaml", "claims", "--entity=Qwen"]),
        # a group's subcommand: its own options count
        (
            ["db", "backup", "--force", "-cx.yaml", "b.db"],
            ["-cx.yaml", "db", "backup", "--force", "b.db"],
        ),
        (["feeds", "test", "-cfoo.xml"], ["-cfoo.xml", "feeds", "test"]),
    ],
)
def test_config_first_leaves_the_value_of_the_option_before_it(argv, expected):
    assert config_first(argv) == expected


def test_config_first_reads_which_options_take_a_value_from_the_command():
    @click.group()
    @click.option("--config", "-c")
    def root(config):
        pass

    @root.command()
    @click.option("-n", "--name")
    @click.option("-v", "verbose", is_flag=True)
    @click.option("-c", "--colour")  # its own -c: not moved
    def show(name, verbose, colour):
        pass

    assert config_first(["show", "-n", "-cx"], root) == ["show", "-n", "-cx"]
    assert config_first(["show", "-vn", "-cx"], root) == ["show", "-vn", "-cx"]
    assert config_first(["show", "-nfoo", "-cred"], root) == ["show", "-nfoo", "-cred"]
    assert config_first(["-cx.yaml", "show", "-v", "-c", "red"], root) == [
        "-cx.yaml", "show", "-v", "-c", "red",
    ]  # fmt: skip


def test_an_option_value_that_looks_like_c_reaches_the_command(write_config, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    path = str(write_config(MINIMAL_CONFIG))
    code, _out, err = run(["-c", path, "db", "upgrade"], capsys)
    assert code == 0, err
    code, out, err = run(["claims", "--limit", "5", "--entity", "-cfoo", "-c", path], capsys)
    assert code == 0, err  # not "Option '--entity' requires an argument"
    assert out == "no claims about -cfoo\n"
