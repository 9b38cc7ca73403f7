"""Every package the code imports is declared in pyproject.toml, not merely installed
because something else pulls it in (a transitive dependency can vanish in any upgrade)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported(*folders: str) -> set[str]:
    found = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in ("bot", "extractors")}


def _declared(*groups: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for group in groups:
        specs += project["optional-dependencies"][group]
    return {_normal(re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0]) for spec in specs}


def _undeclared(modules: set[str], declared: set[str]) -> list[str]:
    distributions = packages_distributions()
    return sorted(
        module
        for module in modules
        if not any(_normal(d) in declared for d in distributions.get(module, [module]))
    )


def test_the_code_imports_only_declared_packages():
    assert _undeclared(_imported("bot", "extractors"), _declared()) == []


def test_the_tests_and_benchmarks_import_only_declared_packages():
    modules = _imported("tests", "benchmarks") - {"tests"}
    assert _undeclared(modules, _declared("test")) == []
