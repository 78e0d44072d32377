"""Mutation score of staycertified.domain with mutmut 3.

mutmut 3 derives a mutant's module name from its file path, stripping only a
"src/" prefix, and it expects the code under test to import from ./mutants.
Our layer lives in shared/staycertified (installed editable), so this script
stages a src/ layout in build/mutation (gitignored): the domain and policy
packages, the domain/policy unit tests and a pyproject.toml carrying
[tool.mutmut] from the real one with shared/ rewritten to src/. Then it runs
`mutmut run` there and prints the score (killed / (all - skipped)).

    .venv/bin/python tools/mutation.py [--max-children N] [--keep]

`--keep` reuses a previous staging (mutmut resumes where it stopped).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"
BIN = Path(sys.executable).parent


def _rewrite(value: object) -> object:
    if isinstance(value, str):
        return value.replace("shared/", "src/", 1) if value.startswith("shared/") else value
    if isinstance(value, list):
        return [_rewrite(v) for v in value]
    return value


def _toml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def stage() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "src").mkdir(parents=True)
    shutil.copytree(
        ROOT / "shared" / "staycertified",
        WORK / "src" / "staycertified",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for tests in config["pytest_add_cli_args_test_selection"]:
        shutil.copytree(ROOT / tests, WORK / tests, ignore=shutil.ignore_patterns("__pycache__"))
    lines = ["[tool.pytest.ini_options]", 'addopts = "-ra"', "", "[tool.mutmut]"]
    lines += [f"{key} = {_toml_value(_rewrite(value))}" for key, value in config.items()]
    (WORK / "pyproject.toml").write_text("\n".join(lines) + "\n")


def score() -> str:
    out = subprocess.run(
        [str(BIN / "mutmut"), "results", "--all", "true"],
        cwd=WORK,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    counts: dict[str, int] = {}
    for line in out.splitlines():
        status = line.rsplit(":", 1)[-1].strip()
        if status:
            counts[status] = counts.get(status, 0) + 1
    total = sum(v for k, v in counts.items() if k not in {"skipped", "not checked"})
    killed = (
        counts.get("killed", 0) + counts.get("timeout", 0) + counts.get("caught by type check", 0)
    )
    pct = 100 * killed / total if total else 0.0
    return f"mutation score {killed}/{total} = {pct:.1f}% ({counts})"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true", help="reuse build/mutation (resume)")
    args = parser.parse_args()
    if not (args.keep and WORK.exists()):
        stage()
    # No PYTHONPATH to mutants/src: before mutmut creates it, the import system would cache
    # "no such directory" for it and the tests would silently import the editable install.
    run = subprocess.run(
        [str(BIN / "mutmut"), "run", "--max-children", str(args.max_children)],
        cwd=WORK,
        check=False,
    )
    print(score())
    return run.returncode


if __name__ == "__main__":
    raise SystemExit(main())
