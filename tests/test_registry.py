"""Adding a framework is a template folder, one registry entry and the advisor's rows.

So no other file may name a framework: every tracked file is searched for each registry
name (a whole word, any letter case), and a name may appear only in the registry, the
advisor's data, that framework's own files, the documentation, or a file of the short
allowlist below, each with the reason it must name frameworks itself.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from generator import catalog

ROOT = Path(__file__).resolve().parent.parent

# The registry, and what is written from it.
REGISTRY = {"generator/catalog.py", "templates/_shared/facts.jinja"}
# The advisor's data: needs -> weighted reasons and option defaults per framework.
ADVISOR_DATA = {"generator/advisor.py", "generator/advice_reasons.py", "generator/advice_rules.py"}

ALLOWLIST: dict[str, str] = {
    # Copier reads only its YAML: the `framework` choices, the titles in the `description`
    # default and the framework packages a package name may not shadow are listed there,
    # and tests/test_catalog.py checks each against the registry.
    "copier.yml": "Copier's own question data, checked against the registry",
    # PyPI's search keywords and trove classifiers are static metadata.
    "pyproject.toml": "package keywords and classifiers",
    # A project whose production server is its own `serve` script: the bench starts the
    # same server on the guide's minimal app, the way that server's own command line does.
    "bench/served.py": "the server each template's serve script runs, for the minimal app",
    # Another generator's template is a baseline of the render benchmark, by its name.
    "bench/rendering.py": "the name of another generator's template, a render baseline",
    # Expected results: the scenario table states, from the guide, which framework each
    # set of needs should get; deriving it from the advisor would test nothing.
    "tests/test_advisor.py": "advisor scenarios: expected picks, reasoned from the guide",
    "tests/test_cli.py": "the recommend command's expected picks for the acceptance needs",
    # Cases that pick one framework as their subject (the quickest to render, or the one
    # with the option under test) and quote the exact messages a user sees. None of them
    # lists all frameworks: those lists come from the registry.
    "tests/test_bad_input.py": "cases about one framework's option or message",
    "tests/test_update.py": "update cases rendered with one framework",
    "tests/test_store.py": "a store case rendered with one framework",
    "tests/test_deploy_checks.py": "deployment-file cases rendered with one framework each",
    "tests/test_contract.py": "the template whose migration a case breaks on purpose",
    "bench/run.py": "a usage example in the module's docstring",
    "bench/servers.py": "measures the servers one template could use, for that template",
    "bench/wsgi_servers.py": "measures the WSGI servers one template could use",
    "tests/test_registry.py": "this allowlist names a template's file by its path",
    "templates/quart/README.md.jinja": "Quart reimplements another's API; the README says so",
}


def _is_documentation(path: str) -> bool:
    # Recorded benchmark runs are documents too: what was measured, per framework.
    return path.startswith(("docs/", "bench/results/")) or path.endswith(".md")


def _halves(name: str) -> list[str]:
    """The frameworks a pairing joins (a name `a-b` of two registry names); none for others."""
    parts = name.split("-")
    return parts if len(parts) > 1 and all(part in catalog.TEMPLATES for part in parts) else []


def _belongs_to(path: str, name: str) -> bool:
    """The framework's own files: its template folder and the guide's minimal app that
    the benchmarks compare it with. A pairing's files include its halves' files, and those
    guard the pairing's few differences, so within a pairing each may name the others."""
    if path.startswith(f"templates/{name}/") or path == f"bench/apps/guide_{name}.py":
        return True
    for pairing in catalog.NAMES:
        family = {pairing, *_halves(pairing)}
        if (
            len(family) > 1
            and name in family
            and any(path.startswith(f"templates/{member}/") for member in family)
        ):
            return True
    return False


def _tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [path for path in listed.split("\0") if path]


def _mentions(name: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE) is not None


def _names_in(path: str) -> set[str]:
    try:
        text = (ROOT / path).read_text(encoding="utf-8")
    except (UnicodeDecodeError, FileNotFoundError):
        return set()
    text = f"{path}\n{text}"
    named = {name for name in catalog.NAMES if _halves(name) and _mentions(name, text)}
    # A pairing's name is not a mention of its halves.
    for pairing in named:
        text = re.sub(rf"\b{re.escape(pairing)}\b", " ", text, flags=re.IGNORECASE)
    return named | {name for name in catalog.NAMES if _mentions(name, text)}


def test_only_the_registry_and_each_frameworks_own_files_name_a_framework() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    offenders = []
    for path in _tracked_files():
        if path in REGISTRY | ADVISOR_DATA or path in ALLOWLIST or _is_documentation(path):
            continue
        named = sorted(n for n in _names_in(path) if not _belongs_to(path, n))
        if named:
            offenders.append(f"{path}: {', '.join(named)}")
    assert offenders == [], (
        "these files name a framework; take the names from generator/catalog.py instead "
        "(or, if the file must hold them, add it to ALLOWLIST with the reason):\n"
        + "\n".join(offenders)
    )


@pytest.mark.parametrize("path", sorted(ALLOWLIST))
def test_every_allowlisted_file_still_needs_its_entry(path: str) -> None:
    assert (ROOT / path).is_file(), f"{path} is gone: drop it from ALLOWLIST"
    assert _names_in(path), f"{path} names no framework any more: drop it from ALLOWLIST"


@pytest.mark.parametrize("name", catalog.NAMES)
def test_the_search_finds_a_title_or_a_path_and_skips_longer_words(name: str) -> None:
    title = catalog.TEMPLATES[name].title
    # A pairing's title names its halves ("A + B"), which the search finds as those.
    names_in_title = _halves(name) or [name]
    assert all(_mentions(part, f"uses {title}.") for part in names_in_title)
    assert _mentions(name, f"templates/{name}/README.md")
    assert not _mentions(name, f"x{name}y {name}_server")
