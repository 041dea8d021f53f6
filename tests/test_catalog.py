"""The registry is the one source of framework facts: what Copier and the templates hold
themselves agrees with it, `list --json` and each generated README give its commands."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import catalog, render

ROOT = render.template_root()
QUESTIONS = render.load_questions(ROOT)
# The design document sits in `shared/` beside the checkout (or beside its parent, for a
# git worktree); the tests that read it are skipped where it is not.
DESIGN = next(
    (p / "shared" / "DESIGN.md" for p in ROOT.parents if (p / "shared" / "DESIGN.md").is_file()),
    None,
)


def _facts_module(framework: str) -> Any:
    """templates/_shared/facts.jinja as the partials see it, for one framework."""
    env = render._copier_jinja_env()
    text = Path(catalog.FACTS_JINJA).read_text(encoding="utf-8")
    context = {"framework": framework, "package_name": "demo", "auth": False}
    return env.from_string(text).make_module(context)


def test_facts_jinja_is_written_from_the_registry() -> None:
    assert Path(catalog.FACTS_JINJA).read_text(encoding="utf-8") == catalog.facts_jinja(), (
        "templates/_shared/facts.jinja is out of date: run "
        "python -c 'from generator import catalog; catalog.write_facts_jinja()'"
    )


@pytest.mark.parametrize("name", catalog.NAMES)
def test_facts_jinja_gives_each_framework_its_registry_facts(name: str) -> None:
    template = catalog.TEMPLATES[name]
    facts = _facts_module(name)
    assert facts.framework_title == template.title
    assert facts.serve_cmd == template.serve
    assert facts.migrate_cmd == template.migrate
    assert facts.dev_cmd == template.dev.format(package_name="demo")
    assert facts.hello_path == template.hello_path
    assert facts.docs_path == template.docs_path
    assert facts.schema_path == template.schema_path
    assert facts.api_base == template.api_base
    assert list(facts.docker_cmd) == list(template.docker_cmd)
    assert facts.signs_with_secret_key is template.signs_with_secret_key


def test_copier_framework_choices_are_the_registry_in_order() -> None:
    choices: dict[str, str] = QUESTIONS["framework"]["choices"]
    assert list(choices.values()) == list(catalog.NAMES)
    for label, name in choices.items():
        assert label.startswith(f"{catalog.TEMPLATES[name].title} ("), label
    assert QUESTIONS["framework"]["default"] in catalog.TEMPLATES


@pytest.mark.parametrize("name", catalog.NAMES)
def test_every_registry_entry_has_its_template_folder(name: str) -> None:
    folder = ROOT / "templates" / name
    assert folder.is_dir()
    assert (folder / "README.md.jinja").is_file()


def test_every_template_folder_has_a_registry_entry() -> None:
    folders = {p.name for p in (ROOT / "templates").iterdir() if p.is_dir()}
    assert folders - {"_shared"} == set(catalog.NAMES)


@pytest.mark.parametrize("name", catalog.NAMES)
def test_the_description_default_names_the_framework_by_its_title(name: str) -> None:
    env = render._copier_jinja_env()
    default = env.from_string(str(QUESTIONS["description"]["default"])).render(framework=name)
    assert default == f"A {catalog.TEMPLATES[name].title} web service."


@pytest.mark.parametrize(
    "module",
    sorted(
        {
            m
            for t in catalog.TEMPLATES.values()
            # A pairing's name (`a-b`) is no identifier, so never a package name anyway.
            for m in ((t.name,) if t.name.isidentifier() else ()) + t.modules
        }
    ),
)
def test_a_package_may_not_shadow_a_module_a_template_imports(module: str) -> None:
    answers = {"project_name": "demo", "package_name": module}
    errors = render.validate_answers(QUESTIONS, answers, folder_name="demo")
    assert "would shadow" in errors.get("package_name", ""), module


def test_names_are_lower_case_identifiers_and_titles_unique() -> None:
    for name, template in catalog.TEMPLATES.items():
        assert name == template.name
        assert name == name.lower()
        assert name.replace("-", "_").isidentifier()
    titles = [t.title for t in catalog.TEMPLATES.values()]
    assert len(titles) == len(set(titles))


@pytest.mark.parametrize("name", catalog.NAMES)
def test_paths_are_absolute_and_the_api_base_has_no_trailing_slash(name: str) -> None:
    template = catalog.TEMPLATES[name]
    for path in (template.hello_path, template.docs_path, template.schema_path):
        assert path.startswith("/"), path
    assert template.api_base == "" or (
        template.api_base.startswith("/") and not template.api_base.endswith("/")
    )
    assert "{port}" in template.serve
    assert "8000" in " ".join(template.docker_cmd)


def test_resolve_takes_any_letter_case_and_suggests_a_close_name() -> None:
    for name, template in catalog.TEMPLATES.items():
        assert catalog.resolve(template.title) == name
        assert catalog.resolve(name.upper()) == name
        with pytest.raises(catalog.UnknownFrameworkError) as info:
            catalog.resolve(name[:-1])
        assert f"did you mean {name!r}?" in str(info.value)
    with pytest.raises(catalog.UnknownFrameworkError) as info:
        catalog.resolve("rails")
    assert "did you mean" not in str(info.value)
    assert ", ".join(catalog.NAMES) in str(info.value)


def test_list_json_has_the_contract_keys_in_order() -> None:
    entries = catalog.list_json()
    assert [e["name"] for e in entries] == list(catalog.NAMES)
    for entry in entries:
        assert tuple(entry) == catalog.LIST_KEYS
        assert isinstance(entry["stack"], list)


def test_list_keys_are_the_ones_design_md_names() -> None:
    if DESIGN is None:
        pytest.skip("DESIGN.md is not beside this checkout")
    text = " ".join(DESIGN.read_text(encoding="utf-8").split())
    start = text.index("`list --json` prints")
    stated = re.findall(r'"(\w+)"', text[start : text.index("}", start)])
    # Scripts rely on these: they come first, in order. A key added since is documented
    # in the README.
    assert list(catalog.LIST_KEYS[: len(stated)]) == stated
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key in catalog.LIST_KEYS[len(stated) :]:
        assert f"`{key}`" in readme, key


Render = Callable[[str, "bool | None"], Path]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, template_source: Path) -> Render:
    """A project of `framework` with its defaults, or with accounts set on or off (`auth`),
    rendered once per worker for all the README tests."""
    made: dict[tuple[str, bool | None], Path] = {}

    def project(framework: str, auth: bool | None) -> Path:
        if (framework, auth) not in made:
            data: dict[str, Any] = {"framework": framework}
            if auth is not None:
                data["auth"] = auth
            made[framework, auth] = render.render_project(
                tmp_path_factory.mktemp(f"{framework}-auth-{auth}") / "demo",
                src_path=str(template_source),
                data=data,
                defaults=True,
                git=False,
            )
        return made[framework, auth]

    return project


# The resource contract's operations (docs/resource-contract.md), as (method, path) under
# the API base, and the item's fields: each generated README shows them all.
OPERATIONS = {
    ("GET", "/items"),
    ("POST", "/items"),
    ("GET", "/items/1"),
    ("PATCH", "/items/1"),
    ("DELETE", "/items/1"),
}
ITEM_FIELDS = ("name", "description", "quantity")
_URL = re.compile(r"(?:https?://)?(?:127\.0\.0\.1|localhost):8000(/[^\s'\"?]*)")


def curl_operations(readme: str) -> set[tuple[str, str]]:
    """(method, path) of every curl command in a README (continued lines joined)."""
    found = set()
    for line in readme.replace("\\\n", " ").splitlines():
        for command in line.split("curl ")[1:]:
            url = _URL.search(command)
            if url is None:
                continue
            method = re.search(r"-X\s+([A-Z]+)", command)
            data = re.search(r"(^|\s)(-d|--data\S*)\s", command)
            verb = method.group(1) if method else ("POST" if data else "GET")
            found.add((verb, url.group(1)))
    return found


def test_curl_operations_are_read_as_a_shell_would() -> None:
    readme = (
        "curl -s 'localhost:8000/api/items?offset=0'\n"
        "curl -H 'Content-Type: application/json' \\\n  -d '{}' http://127.0.0.1:8000/api/items\n"
        "TOKEN=$(curl -s -X POST localhost:8000/auth/token -d u=a)\n"
        "curl -X DELETE localhost:8000/items/1 -o /dev/null\n"
    )
    assert curl_operations(readme) == {
        ("GET", "/api/items"),
        ("POST", "/api/items"),
        ("POST", "/auth/token"),
        ("DELETE", "/items/1"),
    }


@pytest.mark.parametrize("auth", [None, False], ids=["defaults-auth-on", "auth-off"])
@pytest.mark.parametrize("name", catalog.NAMES)
def test_readme_shows_the_item_and_a_curl_per_operation(
    rendered: Render, name: str, auth: bool | None
) -> None:
    project = rendered(name, auth)
    env = render._copier_jinja_env()
    asked = env.from_string(str(QUESTIONS["auth"].get("when", True))).render(framework=name)
    # The defaults, shared with the test below, have accounts on; a template that always
    # has them (the question is not asked) records no answer.
    if auth is None and asked.strip().lower() != "false":
        answers = (project / ".copier-answers.yml").read_text(encoding="utf-8")
        assert "\nauth: true\n" in answers, answers
    readme = (project / "README.md").read_text(encoding="utf-8")
    api_base = catalog.TEMPLATES[name].api_base
    expected = {(method, api_base + path) for method, path in OPERATIONS}
    assert expected <= curl_operations(readme), expected - curl_operations(readme)
    for field in ITEM_FIELDS:
        assert f"`{field}`" in readme, field


@pytest.mark.parametrize("name", catalog.NAMES)
def test_readme_gives_the_catalog_commands(rendered: Render, name: str) -> None:
    template = catalog.TEMPLATES[name]
    project = rendered(name, None)
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert template.serve.format(port=8000) in readme
    assert template.migrate in readme
    assert template.dev.format(package_name="demo") in readme
    assert template.hello_path in readme
    assert template.docs_path in readme
    security = (project / "SECURITY.md").read_text(encoding="utf-8")
    # The defaults have accounts, whose tokens are signed with SECRET_KEY in every template.
    assert "A real `SECRET_KEY`" in security
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    assert "CMD " + json.dumps(list(template.docker_cmd)) in dockerfile
