"""A template's questions, and the answers given to them: read, parsed and checked early.

Copier checks answers only while it asks, once files may already be on their way; these
checks run first, so a bad answer stops the run before any prompt or file. They follow
Copier's rules: questions in order, `when:` conditions, choices, validators, rendered with
the template's own Jinja options (`_envops`) and Copier's default filters.
"""

from __future__ import annotations

import functools
import importlib
from collections import defaultdict
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from jinja2.sandbox import SandboxedEnvironment

from generator.errors import RenderError, UsageError
from generator.sources import ANSWERS_FILE

# Filters every Copier template can use (Copier loads them into each environment).
_COPIER_EXTENSIONS = ("jinja2_ansible_filters.AnsibleCoreFiltersExtension",)
_UNDEFINED_CLASSES = {"jinja2.Undefined", "jinja2.StrictUndefined"}


# Copier reads `_external_data` files from the destination; a new project has none yet,
# so each is empty (a template's default can tell a new project from an update this way).
NEW_PROJECT_DATA: Mapping[str, Any] = defaultdict(dict)


def load_config(root: Path) -> dict[str, Any]:
    """A template's `copier.yml` as a mapping (empty if it holds something else)."""
    try:
        text = (root / "copier.yml").read_text(encoding="utf-8")
        # libyaml's safe loader where PyYAML has it: the pure-Python one takes a tenth of
        # a second over copier.yml, before the first question can be asked.
        config = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except (OSError, yaml.YAMLError) as error:
        raise RenderError(f"Cannot read {root / 'copier.yml'}: {error}") from error
    return config if isinstance(config, dict) else {}


def jinja_environment(
    envops: Mapping[str, Any] | None = None, extensions: tuple[str, ...] = ()
) -> SandboxedEnvironment:
    """A sandboxed Jinja environment set up the way Copier sets up a template's."""
    options = {"keep_trailing_newline": True, **(envops or {})}
    undefined = options.get("undefined")
    if undefined is not None:
        if undefined not in _UNDEFINED_CLASSES:
            raise UsageError(
                f"_envops undefined must be one of {', '.join(sorted(_UNDEFINED_CLASSES))}; "
                f"got {undefined!r}."
            )
        module, _, name = str(undefined).rpartition(".")
        options["undefined"] = getattr(importlib.import_module(module), name)
    try:
        return SandboxedEnvironment(extensions=[*_COPIER_EXTENSIONS, *extensions], **options)
    except ModuleNotFoundError as error:
        raise UsageError(
            f"The template needs a Jinja extension that is not installed: {error}"
        ) from error
    except TypeError as error:
        raise UsageError(f"The template's _envops are not valid Jinja options: {error}") from error


class Questions(dict[str, dict[str, Any]]):
    """A template's questions in order, with the Jinja options they are rendered with."""

    def __init__(
        self,
        questions: Mapping[str, dict[str, Any]],
        envops: Mapping[str, Any] | None = None,
        extensions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(questions)
        self.envops = dict(envops or {})
        self.extensions = extensions

    @cached_property
    def environment(self) -> SandboxedEnvironment:
        return jinja_environment(self.envops, self.extensions)


def load_questions(root: Path) -> Questions:
    """The questions of a template's `copier.yml` (settings starting with `_` left out)."""
    config = load_config(root)
    envops = config.get("_envops")
    extensions = config.get("_jinja_extensions") or []
    return Questions(
        {
            key: value if isinstance(value, dict) else {"default": value}
            for key, value in config.items()
            if not key.startswith("_")
        },
        envops if isinstance(envops, dict) else {},
        tuple(str(name) for name in extensions) if isinstance(extensions, list) else (),
    )


def copier_bool(value: Any) -> bool:
    """A rendered `when:` as Copier reads it: numbers, then YAML words, then truthiness."""
    try:
        return bool(float(value))
    except (TypeError, ValueError):
        pass
    if isinstance(value, str):
        word = value.strip().lower()
        if not word:
            return False
        if word in {"y", "yes", "t", "true", "on"}:
            return True
        if word in {"n", "no", "f", "false", "off", "~", "null", "none"}:
            return False
    return bool(value)


def validate_answers(
    questions: Mapping[str, Mapping[str, Any]],
    answers: Mapping[str, Any],
    *,
    folder_name: str = "",
) -> dict[str, str]:
    """Check answers the way Copier will, before any prompt or file: errors by key.

    Goes through the questions in order, like Copier: a question's value is its answer or
    its rendered default, and later defaults, `when:` conditions and validators see the
    values before them. Reports answers outside `choices`, answers to questions whose
    `when:` is false, and validator messages (defaults included: the caller decides which
    keys matter). Everything is rendered in a sandboxed environment like Copier's.
    """
    environment = (
        questions.environment if isinstance(questions, Questions) else default_environment()
    )

    def render(value: Any, context: Mapping[str, Any]) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return environment.from_string(value).render(context)
        # The expression is the template's, not ours: whatever it raises (a filter's
        # TypeError too) is its message, as Copier shows it.
        except Exception as error:
            return str(error) or type(error).__name__

    context: dict[str, Any] = {"_folder_name": folder_name, "_external_data": NEW_PROJECT_DATA}
    errors: dict[str, str] = {}
    for key, question in questions.items():
        applies = "when" not in question or copier_bool(render(question["when"], context))
        try:
            value = _cast(
                key,
                question,
                answers[key] if key in answers else render(question.get("default"), context),
            )
        except UsageError as error:
            errors[key] = str(error)
            continue
        context[key] = value
        if not applies:
            if key in answers:
                condition = _strip_delimiters(str(question["when"]), environment)
                errors[key] = f"{key} does not apply here: it is asked only when {condition}."
            continue
        choices = _choice_values(question.get("choices"), context, render)
        if choices and value not in choices:
            listed = ", ".join(str(choice) for choice in choices)
            given = answers.get(key, value)
            # YAML reads `python_version: 3.10` as the number 3.1.
            hint = "" if isinstance(given, str) else f" (the data file gives {given!r}: quote it)"
            errors[key] = f"{key} must be one of {listed}; got {value!r}{hint}."
            continue
        if question.get("validator"):
            message = str(render(question["validator"], context)).strip()
            if message:
                errors[key] = message
    return errors


@functools.lru_cache(maxsize=1)
def default_environment() -> SandboxedEnvironment:
    """The environment of a template with no `_envops` (built once: it loads filters)."""
    return jinja_environment()


def _strip_delimiters(expression: str, environment: SandboxedEnvironment) -> str:
    start, end = environment.variable_start_string, environment.variable_end_string
    return expression.strip().removeprefix(start).removesuffix(end).strip()


def _cast(key: str, question: Mapping[str, Any], value: Any) -> Any:
    kind = question.get("type", "str")
    if kind == "bool":
        return _as_bool(key, value)
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
    except (TypeError, ValueError) as error:
        raise UsageError(f"{key} takes a number ({kind}), got {value!r}.") from error
    if kind == "str":
        return "" if value is None else str(value)
    return value


def _choice_values(choices: Any, context: Mapping[str, Any], render: Any) -> list[Any]:
    """The values of Copier's choice forms: a list, `label: value` pairs or `[label, value]`."""
    if isinstance(choices, dict):
        items = list(choices.values())
    elif isinstance(choices, list):
        items = [item[1] if isinstance(item, list) and len(item) == 2 else item for item in choices]
    else:
        return []
    values = [item.get("value") if isinstance(item, dict) else item for item in items]
    return [render(value, context) for value in values]


def collect_answers(
    questions: Mapping[str, Mapping[str, Any]] | None,
    pairs: list[str],
    data_file: Path | None,
) -> dict[str, Any]:
    """Answers from `--data-file` and `--data KEY=VALUE` (the latter win).

    Keys and booleans are checked against `questions` when the template is local (None
    otherwise: a remote template's questions are known only once Copier has fetched it).
    """
    answers: dict[str, Any] = {}
    if data_file is not None:
        answers.update(_read_data_file(data_file))
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--data takes KEY=VALUE, got {pair!r}.")
        answers[key.strip()] = value
    if questions is None:
        return answers
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise UsageError(
            f"Unknown answer key(s): {', '.join(unknown)}. Valid keys: {', '.join(questions)}."
        )
    for key, value in answers.items():
        if questions[key].get("type") == "bool":
            answers[key] = _as_bool(key, value)
    return answers


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _as_bool(key: str, value: Any) -> bool:
    # Copier reads any unknown word as true; a typo should be an error instead.
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE | _FALSE:
        return word in _TRUE
    raise UsageError(f"{key} takes true or false, got {value!r}.")


def _read_data_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"The data file {path} is not UTF-8 text.") from error
    except OSError as error:
        raise UsageError(f"Cannot read the data file {path}: {error.strerror}.") from error
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UsageError(f"The data file {path} is not valid YAML or JSON: {error}") from error
    if not isinstance(loaded, dict) or not all(isinstance(key, str) for key in loaded):
        raise UsageError(f"The data file {path} must hold a mapping of answer keys to values.")
    return loaded


def read_answers(project: Path) -> dict[str, Any]:
    """The answers a generated project records (empty if it records none)."""
    path = project / ANSWERS_FILE
    if not path.is_file():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def first_answer_problem(
    questions: Mapping[str, Mapping[str, Any]],
    answers: Mapping[str, Any],
    *,
    folder_name: str,
    defaults: bool,
) -> str | None:
    """The one error to stop on before any prompt or file, or None. Without --defaults, what
    is not given will be asked, with the same validators; without a framework yet, its
    own questions are checked later. With --defaults, a default derived from the answers
    can be wrong too: the message then says how to choose."""
    errors = validate_answers(questions, answers, folder_name=folder_name)
    if not defaults:
        errors = {key: error for key, error in errors.items() if key in answers}
    if "framework" not in answers and not defaults:
        errors = {key: error for key, error in errors.items() if "when" not in questions[key]}
    errors = {
        key: error if error.startswith(key) else f"{key}: {error}" for key, error in errors.items()
    }
    given = [error for key, error in errors.items() if key in answers]
    if given:
        return " ".join(given)
    for key, error in errors.items():
        return f"{error} Choose one with --data {key}=VALUE."
    return None
