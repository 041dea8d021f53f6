"""The command-line contract: recommend, list, version, help, and refusing to guess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import __version__, advisor, catalog, launcher, render
from generator.cli import GETTING_STARTED
from generator.next_steps import next_steps


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
    assert [t["name"] for t in templates] == list(catalog.NAMES)
    for entry in templates:
        # DESIGN.md's keys, schema_path and api_base among them.
        assert list(entry) == [
            "name",
            "summary",
            "stack",
            "hello_path",
            "docs_path",
            "schema_path",
            "api_base",
            "serve",
            "migrate",
            "services",
        ]
        template = catalog.TEMPLATES[entry["name"]]
        assert entry["schema_path"] == template.schema_path
        assert entry["api_base"] == template.api_base
        assert "{port}" in entry["serve"]
        assert entry["hello_path"].startswith("/hello")
        # Every server of the project; the first is the one the top-level fields describe.
        services = entry["services"]
        assert len(services) == 1 + len(template.more_services)
        for service in services:
            assert list(service) == ["name", "serve", "hello_path", "docs_path", "api_base"]
            assert "{port}" in service["serve"]
            assert service["hello_path"].startswith("/hello")
        first = services[0]
        assert [first["serve"], first["hello_path"], first["docs_path"], first["api_base"]] == [
            entry["serve"],
            entry["hello_path"],
            entry["docs_path"],
            entry["api_base"],
        ]


def test_list_json_describes_both_servers_of_the_pairing() -> None:
    templates = {t["name"]: t for t in json.loads(run_cli("list", "--json").stdout)}
    pairing = templates["django-fastapi"]
    assert pairing["hello_path"] == "/hello/"  # the Django product's, as before
    assert [(s["name"], s["hello_path"], s["docs_path"]) for s in pairing["services"]] == [
        ("django", "/hello/", "/api/docs/"),
        ("service", "/hello", "/docs"),
    ]
    assert "granian" in pairing["services"][1]["serve"]


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
    assert Path(launcher.HELP_FILE).read_text(encoding="utf-8") == typer_help


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


# --- --framework ----------------------------------------------------------------------


def _answers(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_framework_is_taken_in_any_letter_case(tmp_path: Path) -> None:
    template = next(t for t in catalog.TEMPLATES.values() if t.title != t.name)
    result = run_cli("demo", "--defaults", "--no-git", "--framework", template.title, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _answers(tmp_path / "demo")["framework"] == template.name


@pytest.mark.parametrize("name", catalog.NAMES)
def test_a_misspelt_framework_gets_a_suggestion_and_nothing_is_written(
    tmp_path: Path, name: str
) -> None:
    result = run_cli("demo", "--defaults", "--framework", name[:-1], cwd=tmp_path)
    assert result.returncode == 2
    assert f"did you mean {name!r}?" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- a bare new-project -----------------------------------------------------------------


def test_no_arguments_says_what_to_do_with_exit_code_2() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert "Missing command" not in result.stderr
    assert result.stderr == GETTING_STARTED
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Usage: new-project DEST")
    for command in ("new-project recommend", "new-project list", "new-project --help"):
        assert any(line.strip().startswith(command) for line in lines), command
    assert all(len(line) <= 80 for line in lines)


# --- recommend --------------------------------------------------------------------------


def test_recommend_help_lists_every_need_whole_with_its_meaning() -> None:
    code = "from generator.cli import app\napp(['recommend', '--help'], prog_name='new-project')\n"
    help_text = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "COLUMNS": "80"},
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    lines = help_text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    for need, label in advisor.NEEDS.items():
        # The name starts its own line, whole, followed by the first words of its label.
        row = next((line for line in lines if line.split()[:1] == [need]), None)
        assert row is not None, need
        assert label.split()[0] in row
    flat = " ".join(help_text.split())
    for label in advisor.NEEDS.values():
        assert " ".join(label.split()) in flat


def test_recommend_without_needs_recommends_nothing() -> None:
    result = run_cli("recommend", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["recommended"] is None
    assert sorted(entry["framework"] for entry in data["ranking"]) == sorted(catalog.NAMES)
    assert all(entry["score"] == 0 for entry in data["ranking"])
    text = run_cli("recommend")
    assert text.returncode == 0
    assert text.stdout.startswith("No recommendation")
    assert "Recommended:" not in text.stdout
    assert "--need" in text.stdout


# --- needs set option defaults -----------------------------------------------------------

NEED_DEFAULTS = [
    (need, framework, key, value)
    for need, by_framework in advisor.OPTION_DEFAULTS.items()
    for framework, options in by_framework.items()
    for key, value in options.items()
]


@pytest.mark.parametrize(("need", "framework", "key", "value"), NEED_DEFAULTS[:1])
def test_a_need_sets_an_option_default_that_data_still_overrides(
    tmp_path: Path, need: str, framework: str, key: str, value: object
) -> None:
    chosen = run_cli(
        "chosen", "--defaults", "--no-git", "--framework", framework, "--need", need, cwd=tmp_path
    )
    assert chosen.returncode == 0, chosen.stderr
    assert _answers(tmp_path / "chosen")[key] == value

    plain = run_cli("plain", "--defaults", "--no-git", "--framework", framework, cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    copier_default = _answers(tmp_path / "plain")[key]
    assert copier_default != value

    override = str(copier_default).lower() if isinstance(copier_default, bool) else copier_default
    given = run_cli(
        "given",
        "--defaults",
        "--no-git",
        "--framework",
        framework,
        "--need",
        need,
        "--data",
        f"{key}={override}",
        cwd=tmp_path,
    )
    assert given.returncode == 0, given.stderr
    assert _answers(tmp_path / "given")[key] == copier_default


# --- what to do next ------------------------------------------------------------------------


@pytest.mark.parametrize("name", catalog.NAMES)
def test_next_steps_are_the_registry_commands_with_production_settings(name: str) -> None:
    template = catalog.TEMPLATES[name]
    lines = next_steps(Path("/srv/my project"), template)
    commands = [line.strip() for line in lines if line.startswith("  ")]
    assert commands[0] == "cd '/srv/my project'"
    assert template.migrate in commands
    env = [f"{key}={value}" for key, value in template.serve_env.items()]
    assert commands[-1].split() == [*env, *template.serve.format(port=8000).split()]


def test_create_prints_the_next_steps(tmp_path: Path) -> None:
    template = next(t for t in catalog.TEMPLATES.values() if t.serve_env)
    result = run_cli("demo", "--defaults", "--no-git", "--framework", template.name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    assert printed[1:] == next_steps(tmp_path / "demo", template)
    assert render.read_answers(tmp_path / "demo")["framework"] == template.name


def test_recommend_help_lists_every_template() -> None:
    result = run_cli("recommend", "--help")
    assert result.returncode == 0
    templates = result.stdout[result.stdout.index("Templates:") :]
    for name, template in catalog.TEMPLATES.items():
        assert name in templates
        assert template.title in " ".join(templates.split())
