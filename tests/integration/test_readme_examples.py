"""The README files' examples run as written (issue 9, defect 12; R6 for the webhook).

A doctest-like runner over the fenced blocks of every README.md in the repository:

- `sh` / `bash` blocks of one README run in order as ONE shell session (a later block
  may use the server an earlier one started), with `set -euo pipefail`;
- each `python` block runs on its own;
- a block right after `<!-- example not run: <reason> -->` is skipped (the reason is
  required); blocks with another info string (`text`, none) are not examples.

What the runner changes, and only this: each session runs in a fresh temporary
folder with the repository's `data/` linked into it and `.venv/bin` first on PATH;
the port 8000 becomes a free port; `curl` fails on an HTTP error status (a shell
function adding `--fail-with-body`), so an example answering 400 fails the test;
background jobs are stopped at the end.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHELL = ("sh", "bash")
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
NOT_RUN = re.compile(r"<!--\s*example not run:\s*(?P<reason>[^>]*?)\s*-->\s*$")
TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class Block:
    readme: Path
    line: int
    language: str
    code: str
    not_run: str | None  # the reason, when skipped


def readmes() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "*README.md", "README.md"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted({REPO / name for name in listed if "/vendor/" not in name})


def blocks(readme: Path) -> list[Block]:
    text = readme.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        language = (match["info"].split() or [""])[0]
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        skipped = NOT_RUN.search(before)
        found.append(
            Block(
                readme=readme,
                line=text.count("\n", 0, match.start()) + 1,
                language=language,
                code=match["code"],
                not_run=skipped["reason"] if skipped else None,
            )
        )
    return found


def examples(language: tuple[str, ...]) -> list[Block]:
    return [b for r in readmes() for b in blocks(r) if b.language in language and b.not_run is None]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def workdir(tmp_path: Path) -> Path:
    (tmp_path / "data").symlink_to(REPO / "data", target_is_directory=True)
    return tmp_path


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(command: list[str], cwd: Path, label: str) -> None:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    tail = (done.stdout[-3000:] + "\n--- stderr ---\n" + done.stderr[-3000:]).strip()
    assert done.returncode == 0, f"{label} failed (exit {done.returncode}):\n{tail}"


SESSION_PROLOGUE = """set -euo pipefail
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
curl() { command curl --fail-with-body "$@"; }
"""


def shell_sessions() -> list[list[Block]]:
    by_readme: dict[Path, list[Block]] = {}
    for block in examples(SHELL):
        by_readme.setdefault(block.readme, []).append(block)
    return list(by_readme.values())


def _id(session: list[Block]) -> str:
    return str(session[0].readme.relative_to(REPO))


def test_every_readme_example_is_run_or_says_why_not() -> None:
    every = [b for r in readmes() for b in blocks(r)]
    assert any(b.language in SHELL and b.not_run is None for b in every)
    assert any(b.language == "python" and b.not_run is None for b in every)
    for block in every:
        where = f"{block.readme.relative_to(REPO)}:{block.line}"
        assert block.not_run is None or block.not_run.strip(), f"{where}: give the reason"


@pytest.mark.parametrize("session", shell_sessions(), ids=_id)
def test_readme_shell_examples_run(session: list[Block], tmp_path: Path) -> None:
    port = str(free_port())
    script = SESSION_PROLOGUE + "\n".join(
        f"# {b.readme.relative_to(REPO)}:{b.line}\n" + b.code.replace("8000", port) for b in session
    )
    (tmp_path / "session.sh").write_text(script, encoding="utf-8")
    run(["bash", str(tmp_path / "session.sh")], workdir(tmp_path), _id(session))


@pytest.mark.parametrize(
    "block",
    examples(("python",)),
    ids=lambda b: f"{b.readme.relative_to(REPO)}:{b.line}",
)
def test_readme_python_examples_run(block: Block, tmp_path: Path) -> None:
    (tmp_path / "example.py").write_text(block.code, encoding="utf-8")
    label = f"{block.readme.relative_to(REPO)}:{block.line}"
    run([sys.executable, str(tmp_path / "example.py")], workdir(tmp_path), label)
