"""The command-line contract: recommend, list, version, help, and refusing to guess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import __version__, catalog, launcher


def run_cli(
    *args: str, cwd: Path | None = None, stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("needs", "expected"),
    [
        (["admin", "relational"], "django"),
        (["ai-ml", "async"], "fastapi"),
        (["small", "full-control"], "flask"),
        (["api", "dependency-injection", "structure"], "litestar"),
    ],
)
def test_recommend_json_ranks_the_expected_framework_first(needs: list[str], expected: str) -> None:
    args = [arg for need in needs for arg in ("--need", need)]
    result = run_cli("recommend", *args, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["recommended"] == expected
    ranking = data["ranking"]
    assert next(entry["framework"] for entry in ranking) == expected
    assert sorted(entry["framework"] for entry in ranking) == sorted(catalog.TEMPLATES)
    assert ranking[0]["reasons"], "the pick must come with reasons"
    assert all(isinstance(reason, str) and reason for reason in ranking[0]["reasons"])
    assert isinstance(data["also_consider"], list)


def test_recommend_text_names_the_pick_and_its_reasons() -> None:
    result = run_cli("recommend", "--need", "ai-ml", "--need", "async")
    assert result.returncode == 0
    assert "FastAPI" in result.stdout.splitlines()[0]


def test_recommend_rejects_an_unknown_need_with_the_valid_list() -> None:
    result = run_cli("recommend", "--need", "blockchain")
    assert result.returncode == 2
    assert "blockchain" in result.stderr
    assert "full-stack" in result.stderr
    assert "dependency-injection" in result.stderr


def test_list_json_gives_every_template_with_its_commands() -> None:
    result = run_cli("list", "--json")
    assert result.returncode == 0
    templates = json.loads(result.stdout)
    assert [t["name"] for t in templates] == ["django", "fastapi", "flask", "litestar"]
    for entry in templates:
        assert set(entry) >= {
            "name",
            "summary",
            "stack",
            "hello_path",
            "docs_path",
            "serve",
            "migrate",
        }
        assert "{port}" in entry["serve"]
        assert entry["hello_path"].startswith("/hello")


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"new-project {__version__}"


def test_help_does_not_import_copier_or_questionary() -> None:
    code = (
        "import sys\n"
        "from generator.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('copier', 'questionary', 'prompt_toolkit', 'jinja2') "
        "if m in sys.modules]\n"
        "print('heavy modules:', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "Usage" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "heavy modules: []"


def test_without_a_terminal_it_stops_names_defaults_and_writes_nothing(tmp_path: Path) -> None:
    result = run_cli("demo", cwd=tmp_path)
    assert result.returncode == 2
    assert "--defaults" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_update_outside_a_project_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("update", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("new-project: error:")
    assert list(tmp_path.iterdir()) == []


def test_the_quick_help_is_typers_help() -> None:
    # The console script answers --help from help.txt without importing Typer; when the
    # commands change, regenerate it as generator/launcher.py says.
    code = "from generator.cli import app\napp(['--help'], prog_name='new-project')\n"
    typer_help = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "COLUMNS": "80"},
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert typer_help
    assert launcher.HELP_FILE.read_text(encoding="utf-8") == typer_help


def test_quick_help_and_version_import_no_command_line_framework() -> None:
    code = (
        "import sys\n"
        "from generator import launcher\n"
        "for argv in (['--help'], ['--version']):\n"
        "    sys.argv = ['new-project', *argv]\n"
        "    launcher.main()\n"
        "heavy = [m for m in ('typer', 'click', 'pydantic', 'copier') if m in sys.modules]\n"
        "print('heavy modules:', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("Usage: new-project")
    assert f"new-project {__version__}" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "heavy modules: []"
