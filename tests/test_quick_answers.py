"""The launcher answers plain `list` and `recommend` itself (generator/quick_answers.py):
the same output and exit code as Typer gives, without importing it; anything else goes to
Typer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator import quick_answers

QUICK = [
    ["list"],
    ["list", "--json"],
    ["list", "--json", "--json"],
    ["recommend"],
    ["recommend", "--json"],
    ["recommend", "--need", "api"],
    ["recommend", "--need=admin", "--need", "llm-streaming"],
    ["recommend", "--json", "--need", "websockets", "--need", "high-concurrency"],
    ["recommend", "--need", "small", "--need", "small", "--json"],
]
# Help, errors and spellings the quick path leaves to Typer.
TO_TYPER = [
    ["list", "--help"],
    ["list", "-h"],
    ["list", "--jsn"],
    ["list", "extra"],
    ["recommend", "--need"],
    ["recommend", "--need", "--json"],
    ["recommend", "--need", "nosuchneed"],
    ["recommend", "--need=ap"],
    ["recommend", "-h"],
    ["recommend", "--", "--json"],
    ["update", "--help"],
    [],
]


def run(code: str, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


LAUNCHER = (
    "import sys\n"
    "sys.argv = ['new-project', *sys.argv[1:]]\n"
    "from generator import launcher\n"
    "try:\n"
    "    launcher.main()\n"
    "finally:\n"
    "    heavy = [m for m in ('typer', 'click', 'pydantic', 'copier') if m in sys.modules]\n"
    "    print('heavy modules:', heavy, file=sys.stderr)\n"
)
TYPER = (
    "import sys\n"
    "sys.argv = ['new-project', *sys.argv[1:]]\n"
    "from generator.cli import main\n"
    "main()\n"
)


@pytest.mark.parametrize("arguments", QUICK, ids=" ".join)
def test_quick_answer_is_typers_answer_without_typer(arguments: list[str]) -> None:
    quick = run(LAUNCHER, arguments)
    typer = run(TYPER, arguments)
    assert typer.returncode == 0, typer.stderr
    assert (quick.returncode, quick.stdout) == (typer.returncode, typer.stdout)
    assert quick.stderr == "heavy modules: []\n"


@pytest.mark.parametrize("arguments", TO_TYPER, ids=lambda a: " ".join(a) or "nothing")
def test_anything_else_goes_to_typer(arguments: list[str]) -> None:
    assert quick_answers.answer(arguments) is None
    launched = run(LAUNCHER, arguments)
    typer = run(TYPER, arguments)
    assert (launched.returncode, launched.stdout) == (typer.returncode, typer.stdout)
    *errors, heavy = launched.stderr.splitlines()
    assert errors == typer.stderr.splitlines()
    assert "'typer'" in heavy
