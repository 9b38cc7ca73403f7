"""The `trendbot` command line (also `python -m bot`).

Every command that reads config.yaml or opens the database turns a bad file or an
unreachable database into one line per problem on stderr and exit status 1,
never a traceback; usage errors exit with status 2.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

from bot import __version__

if TYPE_CHECKING:
    from bot.config import Settings

# Command modules import their heavy dependencies (SQLAlchemy, httpx, spaCy...) inside
# the commands, so that `trendbot --help` and the worker processes start fast.

EXIT_PROBLEM = 1

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

app = typer.Typer(
    name="trendbot",
    help="Watches AI news and Hugging Face Hub statistics, checks the claims, reports to Discord.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"trendbot {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="config file to use (default: $TRENDBOT_CONFIG, else ./config.yaml); "
            "may also follow the command",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="print the version"),
    ] = False,
) -> None:
    ctx.obj = {"config": config}


def settings_of(ctx: typer.Context, path: Path | None = None) -> Settings:
    """The validated settings for this invocation (``--config``, else the environment)."""
    from bot.config import load_settings

    return load_settings(path or ctx.obj.get("config"))


def fail(message: str, code: int = EXIT_PROBLEM) -> NoReturn:
    """Print one line to stderr and exit with ``code``."""
    err.print(message, markup=False)
    raise typer.Exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning expected failures into one-line errors.

    Usage errors, --help and exit codes are handled by typer itself (standalone
    mode); what reaches here are trendbot's own errors.
    """
    args = sys.argv[1:] if argv is None else argv
    try:
        app(args=config_first(args), prog_name="trendbot")
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        _report(exc)
        sys.exit(EXIT_PROBLEM)


CONFIG_OPTIONS = ("--config", "-c")


def config_first(argv: list[str], command: Any = None) -> list[str]:
    """``argv`` with every ``--config PATH`` (``-c PATH``, ``--config=PATH``, ``-cPATH``)
    moved in front of the command, where the root command reads it.

    People type ``trendbot crawl --once --config x.yaml``; click only lets an option
    follow the command that defines it, so without this the subcommand refuses it
    with "No such option". Only an option is moved, never the value of the option
    before it (``claims --entity -cfoo`` looks for the entity ``-cfoo``): which
    options take a value is read from ``command`` (default: trendbot's own, built
    only when an argument looks like ``-c``). Nothing after ``--`` is touched; a
    last ``--config`` without its value gives click's usual "requires an argument"
    usage error.
    """
    if not any(arg.startswith(("-c", "--config")) for arg in argv):
        return list(argv)  # the usual case, without building the click command
    if command is None:
        import typer.main

        command = typer.main.get_command(app)
    root = command
    moved: list[str] = []
    rest: list[str] = []
    values = 0  # how many of the next arguments are the values of the option before them
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if values:
            rest.append(arg)
            values -= 1
            continue
        if arg == "--":
            rest += argv[index - 1 :]
            break
        # a subcommand's own -c/--config (none has one today) is left to it
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
        ours = command is root or _option_of(command, name) is None
        if arg in CONFIG_OPTIONS and ours:
            if index == len(argv):
                return [arg]  # "Option '--config' requires an argument."
            moved += argv[index - 1 : index + 1]
            index += 1
            continue
        if ours and (arg.startswith("--config=") or (arg.startswith("-c") and len(arg) > 2)):
            moved.append(arg)
            continue
        rest.append(arg)
        if arg.startswith("-") and arg != "-":
            values = _values_after(command, arg)
        elif isinstance(getattr(command, "commands", None), dict):  # a group
            command = command.commands.get(arg, command)  # a subcommand: its options now
    return moved + rest


# Duck-typed: typer ships its own copy of click, whose classes are not click's.


def _option_of(command: Any, name: str) -> Any:
    """The option of a click command called ``name`` (``--limit``, ``-n``), or None."""
    for param in command.params:
        if param.param_type_name == "option" and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def _takes_value(option: Any) -> bool:
    return option is not None and not option.is_flag and not option.count


def _values_after(command: Any, arg: str) -> int:
    """How many of the arguments after the option ``arg`` are its values (0: none, or
    given in ``arg`` itself as in ``--limit=5``, ``-n5``)."""
    if arg.startswith("--"):
        option = _option_of(command, arg)
        return option.nargs if "=" not in arg and _takes_value(option) else 0
    for position, letter in enumerate(arg[1:], start=2):  # -abn 5: flags, then one with a value
        option = _option_of(command, f"-{letter}")
        if option is None:
            return 0
        if _takes_value(option):
            return option.nargs if position == len(arg) else 0
    return 0


def _report(exc: Exception) -> None:
    """One line per problem for expected errors; one line for a bug, unless debugging."""
    from bot.config import ConfigError
    from bot.store.db import DatabaseError

    if isinstance(exc, ConfigError):
        for problem in exc.problems:
            err.print(str(problem), markup=False)
        count = len(exc.problems)
        err.print(f"{count} problem{'s' if count != 1 else ''} in the configuration", markup=False)
    elif isinstance(exc, DatabaseError):
        err.print(f"trendbot: {exc}", markup=False)
    elif type(exc).__module__.startswith("sqlalchemy") and not os.environ.get("TRENDBOT_DEBUG"):
        from bot.store.db import error_line

        err.print(f"trendbot: {error_line(exc)}", markup=False)  # the SQL is not for users
    elif os.environ.get("TRENDBOT_DEBUG"):
        traceback.print_exc()
    else:
        err.print(
            f"trendbot: internal error: {type(exc).__name__}: {exc} "
            "(set TRENDBOT_DEBUG=1 for the traceback)",
            markup=False,
        )
