"""The early answer checks follow Copier's rules, compared with Copier itself.

Each comparison renders a small template with Copier's public `run_copy` and asks the
same question of `generator.answers`: which `when:` values hold, and which templates
(their Jinja options included) accept an answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from copier import run_copy
from template_versions import isolated_env, run_copier, run_tool

from generator import answers
from generator.errors import UsageError

# Strings, and the YAML scalars a template may write unquoted.
WHEN_VALUES: list[Any] = [
    *["", " ", "0", "1", "0.0", "-1", "1e3", "nan", "inf", " 0 ", "2", "0x1"],
    *["y", "Y", "yes", "YES ", "t", "true", "True", "on", "ON"],
    *["n", "no", "f", "false", "FALSE", "off", "~", "null", "None", "none"],
    *["maybe", "[]", "{}", "x"],
    *[True, False, 0, 1],  # Copier takes only strings and booleans (0, 1 read as such)
]


def _write_template(root: Path, config: dict[str, Any], start: str, end: str) -> Path:
    """A template whose only file is its answers file, written with these delimiters."""
    root.mkdir(parents=True)
    (root / "copier.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    answers_file = f"{start} _copier_conf.answers_file {end}.jinja"
    (root / answers_file).write_text(f"{start} _copier_answers|to_nice_yaml {end}")
    return root


def _copier_answers(template: Path, dest: Path, data: dict[str, Any]) -> dict[str, Any]:
    run_copy(str(template), dest, data=data, defaults=True, quiet=True)
    loaded = yaml.safe_load((dest / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_when_conditions_hold_exactly_where_copier_asks(tmp_path: Path) -> None:
    config = {
        f"q{index}": {"type": "str", "default": "x", "when": value}
        for index, value in enumerate(WHEN_VALUES)
    }
    template = _write_template(tmp_path / "template", config, "{{", "}}")

    recorded = _copier_answers(template, tmp_path / "project", {})

    asked_by_copier = {key for key in config if key in recorded}
    questions = answers.load_questions(template)
    # An answer to a question whose `when:` is false is reported as not applying.
    errors = answers.validate_answers(questions, dict.fromkeys(config, "x"))
    asked_here = {key for key in config if key not in errors}
    assert asked_here == asked_by_copier
    assert 0 < len(asked_by_copier) < len(config)  # both kinds are covered


BRACKETS = {
    "_envops": {
        "block_start_string": "[%",
        "block_end_string": "%]",
        "variable_start_string": "[[",
        "variable_end_string": "]]",
    },
    "name": {"type": "str", "default": "demo"},
    "slug": {
        "type": "str",
        "default": "[[ name|lower ]]-app",
        "validator": "[% if slug != slug|lower %]slug must be lower case[% endif %]",
    },
    "flavour": {
        "type": "str",
        "default": "[[ 'plain' ]]",
        "choices": ["plain", "[[ name ]]-special"],
    },
    "extra": {"type": "str", "default": "x", "when": "[[ flavour != 'plain' ]]"},
}


@pytest.fixture
def brackets(tmp_path: Path) -> Path:
    root = _write_template(tmp_path / "brackets", BRACKETS, "[[", "]]")
    (root / "{{ literal }}.txt.jinja").write_text("[[ slug ]] {{ untouched }}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "Shop"},
        {"flavour": "demo-special"},
        {"name": "Shop", "flavour": "Shop-special", "extra": "y"},
    ],
    ids=["defaults", "derived-default", "rendered-choice", "when-true"],
)
def test_a_template_with_its_own_delimiters_is_accepted_as_copier_accepts_it(
    tmp_path: Path, brackets: Path, data: dict[str, Any]
) -> None:
    recorded = _copier_answers(brackets, tmp_path / "project", data)

    questions = answers.load_questions(brackets)
    assert answers.validate_answers(questions, data) == {}
    assert recorded["slug"] == f"{data.get('name', 'demo').lower()}-app"
    assert (tmp_path / "project" / "{{ literal }}.txt").read_text(encoding="utf-8") == (
        f"{recorded['slug']} {{{{ untouched }}}}\n"
    )


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"slug": "Upper"}, "slug"),
        ({"flavour": "other"}, "flavour"),
        ({"extra": "y"}, "extra"),  # flavour stays plain: extra is never asked
    ],
)
def test_what_copier_refuses_in_such_a_template_is_refused_here(
    tmp_path: Path, brackets: Path, data: dict[str, Any], key: str
) -> None:
    errors = answers.validate_answers(answers.load_questions(brackets), data)

    assert set(errors) == {key}
    if key == "extra":
        # Copier ignores an answer to a question it does not ask; it is not recorded.
        assert "extra" not in _copier_answers(brackets, tmp_path / "project", data)
        assert "asked only when flavour != 'plain'" in errors[key]
    else:
        with pytest.raises(ValueError, match=key):
            run_copy(str(brackets), tmp_path / "project", data=data, defaults=True, quiet=True)


def test_an_unsupported_undefined_class_is_one_clear_error() -> None:
    with pytest.raises(UsageError, match="_envops undefined"):
        answers.jinja_environment({"undefined": "os.system"})


def test_strict_undefined_from_envops_is_honoured() -> None:
    environment = answers.jinja_environment({"undefined": "jinja2.StrictUndefined"})
    questions = answers.Questions(
        {"name": {"default": "x", "validator": "{{ missing }}"}},
        {"undefined": "jinja2.StrictUndefined"},
    )
    assert environment.undefined.__name__ == "StrictUndefined"
    assert answers.validate_answers(questions, {}) == {"name": "'missing' is undefined"}


def test_new_project_renders_such_a_template_as_copier_copy_does(
    tmp_path: Path, brackets: Path
) -> None:
    env = isolated_env(tmp_path / "home")
    made = run_tool(
        str(tmp_path / "ours"),
        "--defaults",
        "--no-git",
        "--template-source",
        str(brackets),
        "--data",
        "name=Shop",
        env=env,
    )
    copied = run_copier(
        "copy", "--defaults", "--data", "name=Shop", str(brackets), "theirs", cwd=tmp_path, env=env
    )

    assert made.returncode == 0, made.stderr
    assert copied.returncode == 0, copied.stderr
    for name in ("{{ literal }}.txt", ".copier-answers.yml"):
        ours = (tmp_path / "ours" / name).read_text(encoding="utf-8")
        theirs = (tmp_path / "theirs" / name).read_text(encoding="utf-8")
        assert ours.replace(str(brackets), "SRC") == theirs.replace(str(brackets), "SRC")
