"""Properties of project and package names, checked with copier.yml's own validators.

The validators are Jinja in copier.yml; `render.validate_answers` renders them the way
Copier does (its sandboxed environment and default extensions), so what is checked here
is exactly what a user meets. Every accepted project name must give a package name that
is an importable identifier (really imported, in a fresh interpreter that sees only the
standard library before it) and a valid distribution name; every rejected name must get
a message.
"""

from __future__ import annotations

import keyword
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from generator import render

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = render.load_questions(ROOT)

# The name rule of the core metadata specification (and PEP 508), case-insensitive.
DISTRIBUTION_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def errors_for(**answers: Any) -> dict[str, str]:
    return render.validate_answers(QUESTIONS, answers, folder_name="folder")


def derived_package(project_name: str) -> str:
    """The package name Copier offers for a project name: copier.yml's default, rendered."""
    template = str(QUESTIONS["package_name"]["default"])
    env = render._copier_jinja_env()
    return str(env.from_string(template).render(project_name=project_name))


def assert_importable_identifier(package: str) -> None:
    assert package.isidentifier()
    assert package.isascii()
    assert not keyword.iskeyword(package)
    assert package not in sys.builtin_module_names
    assert package not in sys.stdlib_module_names


def assert_distribution_name(name: str) -> None:
    assert DISTRIBUTION_NAME.match(name)
    normalized = canonicalize_name(name, validate=True)
    assert canonicalize_name(normalized) == normalized
    assert Requirement(name).name == name
    assert Requirement(f"{name}>=1.0").name == name


# Strategies: anything at all, and names shaped like real ones.
any_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=80)
ascii_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=0, max_size=70)
name_like = st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,70}[A-Za-z0-9]?", fullmatch=True)
package_like = st.from_regex(r"[a-z_][a-z0-9_]{0,66}", fullmatch=True)


# --- project names -------------------------------------------------------------------


@SETTINGS
@given(st.one_of(any_text, ascii_text, name_like))
@example("my-app")
@example("My.App")
@example("a")
@example("A1")
@example("x" * 64)
@example("x" * 65)
@example("1app")
@example("..")
@example("a/b")
@example("")
@example("class")
@example("test")
@example("é")
def test_a_project_name_is_accepted_with_a_good_package_or_rejected_with_a_message(
    project_name: str,
) -> None:
    errors = errors_for(project_name=project_name)
    if "project_name" in errors:
        assert errors["project_name"].strip()
        return
    # A valid project name is a valid distribution name.
    assert_distribution_name(project_name)
    assert len(project_name) <= 64
    package = derived_package(project_name)
    if "package_name" in errors:
        # The derived package name may be refused (a keyword, a stdlib module...): with a
        # message, and the user picks another one.
        assert errors["package_name"].strip()
        return
    assert_importable_identifier(package)
    # The package is the distribution name, normalized, with '_' for '-': what build
    # backends (uv_build, hatchling) look for by default.
    assert package == canonicalize_name(project_name).replace("-", "_")


@SETTINGS
@given(name_like)
def test_separators_in_a_project_name_become_single_underscores(project_name: str) -> None:
    assume("project_name" not in errors_for(project_name=project_name))
    package = derived_package(project_name)
    assert "__" not in package
    assert not package.startswith("_")
    assert not package.endswith("_")
    assert package.lower() == package
    assert re.sub(r"[-_.]+", "", project_name).lower() == package.replace("_", "")


@pytest.mark.parametrize(
    ("project_name", "package_name"),
    [
        ("my-app", "my_app"),
        ("my_app", "my_app"),
        ("My.App", "my_app"),
        ("shop--v2", "shop_v2"),
        ("a-_.-b", "a_b"),
        ("Service", "service"),
    ],
)
def test_known_derivations(project_name: str, package_name: str) -> None:
    assert errors_for(project_name=project_name) == {}
    assert derived_package(project_name) == package_name


@pytest.mark.parametrize("word", [word for word in keyword.kwlist if word.islower()])
def test_every_keyword_is_refused_as_a_package(word: str) -> None:
    assert "is a Python keyword" in errors_for(package_name=word)["package_name"]
    # ... also when it comes from the project name.
    assert "is a Python keyword" in errors_for(project_name=word)["package_name"]


# --- package names ------------------------------------------------------------------


@SETTINGS
@given(st.one_of(any_text, ascii_text, package_like))
@example("my_app")
@example("os")
@example("import")
@example("_private")
@example("a" * 65)
def test_a_package_name_is_accepted_as_an_identifier_or_rejected_with_a_message(
    package_name: str,
) -> None:
    errors = errors_for(project_name="demo", package_name=package_name)
    if "package_name" in errors:
        assert errors["package_name"].strip()
        return
    assert_importable_identifier(package_name)
    assert len(package_name) <= 64


def test_standard_library_modules_are_refused() -> None:
    accepted = sorted(
        name
        for name in sys.stdlib_module_names
        if re.fullmatch(r"[a-z][a-z0-9_]*", name)
        and "package_name" not in errors_for(project_name="demo", package_name=name)
    )
    assert accepted == []


# --- really importable ----------------------------------------------------------------

IMPORT_CHECK = """
import importlib, sys
root, names = sys.argv[1], sys.argv[2:]
sys.path.append(root)  # after the standard library, as an installed package would be
for name in names:
    module = importlib.import_module(name)
    assert module.__file__.startswith(root), (name, module.__file__)
    assert module.NAME == name, name
print(len(names))
"""


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(name_like, min_size=10, max_size=40, unique=True))
def test_accepted_names_give_packages_a_fresh_interpreter_imports(
    tmp_path_factory: pytest.TempPathFactory, project_names: list[str]
) -> None:
    packages = set()
    for project_name in project_names:
        if not errors_for(project_name=project_name):
            packages.add(derived_package(project_name))
    assume(packages)
    root = tmp_path_factory.mktemp("packages")
    for package in packages:
        (root / package).mkdir()
        (root / package / "__init__.py").write_text(f"NAME = {package!r}\n")
    # -I: no user site, no current directory; -S: no site-packages, so only the standard
    # library stands before these packages, as it does before an installed project.
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", IMPORT_CHECK, str(root), *sorted(packages)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(len(packages))
