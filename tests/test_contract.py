"""The template contract, for every template and every valid combination of its options.

The matrix comes from copier.yml (see contract.option_matrix). The quick run takes one
combination per template, so that every template runs once, and between them every
database and Python version (contract.quick_matrix); the rest is marked `slow` and runs
with CI_FULL=1. Each check of
a case is a subtest named after it, so a failure reads e.g.
`SUBFAILED[mypy] tests/test_contract.py::test_contract[flask-python_version=3.11-...]`.

Set CONTRACT_REPORT to a file name to append one JSON line per case with its step times.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

import contract
import postgres as _postgres
import pytest

from generator.catalog import TEMPLATES
from generator.render import template_root

MATRIX = contract.option_matrix()
QUICK = {case.id for cases in contract.quick_matrix(MATRIX).values() for case in cases}


def _params() -> list[object]:
    return [
        pytest.param(case, id=case.id, marks=() if case.id in QUICK else (pytest.mark.slow,))
        for cases in MATRIX.values()
        for case in cases
    ]


@pytest.fixture(scope="session")
def tools(tmp_path_factory: pytest.TempPathFactory) -> contract.Tools:
    return contract.Tools.discover(tmp_path_factory.mktemp("tools"))


class Databases:
    """Fresh PostgreSQL databases for one case, dropped at its end."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request
        self._server: _postgres.PostgresServer | None = None
        self._made: list[str] = []

    @property
    def server(self) -> _postgres.PostgresServer:
        if self._server is None:
            # Started lazily: a worker that draws only SQLite cases never starts one.
            self._server = self._request.getfixturevalue("postgres_server")
        return self._server

    def create(self) -> str:
        url = self.server.create_database()
        self._made.append(url)
        return url

    def table_count(self, url: str) -> int:
        sql = "select count(*) from information_schema.tables where table_schema = 'public'"
        return int(self.server.psql(_postgres.database_name(url), sql).strip())

    def drop_all(self) -> None:
        for url in self._made:
            self.server.drop_database(_postgres.database_name(url))


@pytest.fixture
def databases(request: pytest.FixtureRequest) -> Iterator[Databases]:
    made = Databases(request)
    try:
        yield made
    finally:
        made.drop_all()


def run_contract(
    case: contract.Case,
    workdir: Path,
    tools: contract.Tools,
    databases: Databases,
    src_path: Path,
    only: Collection[str] | None = None,
) -> list[contract.StepResult]:
    """The steps of one case, all or `only` those (a PostgreSQL case skips if PostgreSQL
    is not installed)."""
    if case.answer("database") == "postgresql":
        _ = databases.server  # skips the case here, with the fixture's reason, if missing
    create: Callable[[], str] = databases.create
    return list(
        contract.run_case(
            case,
            workdir,
            tools,
            src_path=src_path,
            create_database=create,
            table_count=databases.table_count,
            only=only,
        )
    )


def _record(case_id: str, results: list[contract.StepResult], seconds: float) -> None:
    report = os.environ.get("CONTRACT_REPORT")
    if not report:
        return
    line = {
        "case": case_id,
        "template": case_id.split("-", 1)[0],
        "seconds": round(seconds, 1),
        "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
        "steps": {r.name: [r.ok, round(r.seconds, 1)] for r in results},
        "pytest": next((r.detail for r in results if r.name == "pytest" and r.ok), ""),
        "detail": {r.name: r.detail[-300:] for r in results if r.ok is not True},
    }
    with Path(report).open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def step_outcome(result: contract.StepResult) -> str | None:
    """Fail (under CI, a step a missing tool kept from running too) or skip the subtest of
    one step; None when it passed."""
    if result.ok is False:
        pytest.fail(f"{result.name}:\n{result.detail}", pytrace=False)
    if result.ok is None:
        if result.missing and contract.under_ci():
            pytest.fail(f"{result.name} was not run under CI: {result.detail}", pytrace=False)
        pytest.skip(result.detail)
    return None


def case_summary(
    case: contract.Case, results: list[contract.StepResult], seconds: float
) -> dict[str, object]:
    """What the progress line and the terminal summary report for one case (plain data:
    it travels from an xdist worker to the controller in the test report)."""
    strict = contract.under_ci()
    return {
        "case": case.id,
        "template": case.framework,
        "steps": len(results),
        "passed": sum(r.ok is True for r in results),
        "failed": [r.name for r in results if r.ok is False or (strict and r.missing)],
        "skipped": [
            [r.name, r.detail.splitlines()[0] if r.detail else ""]
            for r in results
            if r.ok is None and not (strict and r.missing)
        ],
        "seconds": round(seconds, 1),
    }


@pytest.mark.projects
@pytest.mark.parametrize("case", _params())
def test_contract(
    case: contract.Case,
    tools: contract.Tools,
    template_source: Path,
    databases: Databases,
    tmp_path: Path,
    subtests: pytest.Subtests,
    request: pytest.FixtureRequest,
) -> None:
    started = time.monotonic()
    results: list[contract.StepResult] = []
    if case.answer("database") == "postgresql":
        _ = databases.server
    try:
        for result in contract.run_case(
            case,
            tmp_path,
            tools,
            src_path=template_source,
            create_database=databases.create,
            table_count=databases.table_count,
        ):
            results.append(result)
            with subtests.test(msg=result.name):
                step_outcome(result)
    finally:
        seconds = time.monotonic() - started
        summary = case_summary(case, results, seconds)
        request.node.user_properties.append((contract.CASE_PROPERTY, summary))
    _record(case.id, results, seconds)
    if not summary["failed"]:
        # A passing project is not needed any more; its .venv would fill the disk.
        shutil.rmtree(tmp_path / contract.PROJECT_DIR_NAME, ignore_errors=True)


# --- a deliberately broken template is caught, each breakage by its own check -------------


def _template_to_break() -> str:
    """The template with the smallest matrix among those with plain Alembic migrations
    (`migrations/versions/`) to break; any template would do for the other breakages."""
    root = template_root() / "templates"
    alembic = [name for name in MATRIX if (root / name / "migrations" / "versions").is_dir()]
    assert alembic, "no template with Alembic migrations to break"
    return min(alembic, key=lambda name: len(MATRIX[name]))


BROKEN_TEMPLATE = _template_to_break()


def _template_copy(source: Path, dest: Path) -> Path:
    """A plain copy of the template snapshot (no .git: Copier renders the files as they are)."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    return dest


def _package_modules(template: Path) -> list[Path]:
    return sorted(
        path
        for path in template.glob("src/*package_name*/*")
        if path.name.endswith((".py", ".py.jinja")) and path.is_file()
    )


def break_lint(template: Path) -> None:
    """A local variable nobody reads: ruff's F841, nothing else."""
    module = _package_modules(template)[0]
    text = module.read_text().rstrip("\n")
    module.write_text(
        text + '\n\n\ndef _contract_unused() -> None:\n    """Unused."""\n    answer = 42\n'
    )


def break_test(template: Path) -> None:
    """A test that fails, clean for ruff and mypy."""
    (template / "tests" / "test_contract_broken.py").write_text(
        '"""A test that cannot pass."""\n\n\n'
        "def test_arithmetic() -> None:\n"
        "    assert sum([1, 1]) == 3\n"
    )


_REVISION = re.compile(r"^(down_)?revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def break_migration(template: Path) -> None:
    """A new head revision that alters a table no migration ever created."""
    versions = template / "migrations" / "versions"
    revisions: set[str] = set()
    parents: set[str] = set()
    for file in versions.iterdir():
        if not file.name.endswith((".py", ".py.jinja")):
            continue
        for down, value in _REVISION.findall(file.read_text()):
            ids = set(re.findall(r"[\"']([^\"']+)[\"']", value))
            (parents if down else revisions).update(ids)
    heads = sorted(revisions - parents)
    assert len(heads) == 1, f"expected one Alembic head in {versions}, found {heads}"
    (versions / "ffffffffffff_contract_broken.py").write_text(
        f'''"""A migration that alters a table nothing created.

Revision ID: ffffffffffff
Revises: {heads[0]}
"""

import sqlalchemy as sa
from alembic import op

revision = "ffffffffffff"
down_revision = "{heads[0]}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contract_missing_table", sa.Column("oops", sa.Integer()))


def downgrade() -> None:
    op.drop_column("contract_missing_table", "oops")
'''
    )


BREAKAGES: dict[str, tuple[Callable[[Path], None], set[str], set[str]]] = {
    # name: (breakage, steps that must fail, other steps allowed to fail with it). Only
    # those steps run (after render and uv sync): that the intact template passes them
    # all is the matrix's default case.
    "lint-error": (break_lint, {"ruff check"}, set()),
    "failing-test": (break_test, {"pytest"}, set()),
    # The project's own tests may apply the migrations too.
    "bad-migration": (break_migration, {"migrate an empty database"}, {"pytest"}),
}


@pytest.mark.projects
@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_broken_template_is_caught(
    breakage: str,
    tools: contract.Tools,
    template_source: Path,
    databases: Databases,
    tmp_path: Path,
) -> None:
    action, must_fail, may_fail = BREAKAGES[breakage]
    source = _template_copy(template_source, tmp_path / "template")
    action(source / "templates" / BROKEN_TEMPLATE)
    case = MATRIX[BROKEN_TEMPLATE][0]
    assert case.default
    workdir = tmp_path / "work"
    workdir.mkdir()
    results = run_contract(case, workdir, tools, databases, src_path=source, only=must_fail)
    ran = {r.name for r in results if r.ok is not None}
    assert must_fail <= ran, f"{breakage}: {must_fail - ran} did not run"
    failed = {r.name for r in results if r.ok is False}
    details = "\n".join(f"--- {r.name}\n{r.detail}" for r in results if r.ok is False)
    assert must_fail <= failed, f"{breakage}: expected {must_fail} to fail\n{details}"
    assert failed <= must_fail | may_fail, f"{breakage}: other checks failed too\n{details}"
    shutil.rmtree(workdir, ignore_errors=True)


def test_matrix_is_derived_from_copier_yml() -> None:
    """Every template is there, each with its defaults first; the quick run has one case
    of each template, and between them every database and every Python version."""
    assert set(MATRIX) == set(TEMPLATES)
    for framework, cases in MATRIX.items():
        assert cases[0].default, framework
        ids = [case.id for case in cases]
        assert len(ids) == len(set(ids)), framework
        assert {case.answer("database") for case in cases} == {"sqlite", "postgresql"}
        quick = [case for case in cases if case.id in QUICK]
        assert len(quick) == 1, framework
        assert all(case.answer("license") == "MIT" for case in quick), framework
    frameworks = list(MATRIX)
    assert MATRIX[frameworks[0]][0].id in QUICK  # the first template runs its defaults
    assert MATRIX[frameworks[1]][0].id not in QUICK  # the next one its covering case
    for key in ("database", "python_version", "auth"):
        every = {repr(case.answer(key)) for cases in MATRIX.values() for case in cases}
        in_quick = {
            repr(case.answer(key))
            for cases in MATRIX.values()
            for case in cases
            if case.id in QUICK
        }
        assert in_quick == every, key


def test_matrix_follows_new_questions(tmp_path: Path) -> None:
    """A question added to copier.yml joins the matrix the day it is added: `when` is
    rendered per framework, disabled choices and combinations a validator rejects are
    left out, and free-text questions are not varied."""
    (tmp_path / "copier.yml").write_text(
        """
_subdirectory: "templates/{{ framework }}"
framework:
  type: str
  choices: {A: alpha, B: beta}
  default: alpha
project_name:
  type: str
  default: "{{ _folder_name }}"
database:
  type: str
  choices: [sqlite, postgresql]
  default: sqlite
cache:
  type: bool
  when: "{{ framework == 'beta' }}"
  default: false
broker:
  type: str
  when: "{{ framework == 'beta' and database == 'postgresql' }}"
  choices:
    None: none
    Redis: redis
    Kafka:
      value: kafka
      validator: "not yet"
  default: none
  validator: "{% if broker == 'redis' and not cache %}redis needs the cache{% endif %}"
"""
    )
    matrix = contract.option_matrix(tmp_path)
    assert [case.id for case in matrix["alpha"]] == [
        "alpha-database=sqlite",
        "alpha-database=postgresql",
    ]
    assert [case.id for case in matrix["beta"]] == [
        "beta-database=sqlite-cache=False",
        "beta-database=sqlite-cache=True",
        "beta-database=postgresql-cache=False-broker=none",
        "beta-database=postgresql-cache=True-broker=none",
        "beta-database=postgresql-cache=True-broker=redis",
    ]
    assert [case.default for case in matrix["beta"]] == [True, False, False, False, False]
    # The defaults, then the case with the most values not yet taken, until none is left.
    assert [case.id for case in contract.quick_cases(matrix["beta"])] == [
        "beta-database=sqlite-cache=False",
        "beta-database=postgresql-cache=True-broker=none",
        "beta-database=postgresql-cache=True-broker=redis",
    ]


def test_quick_cases_take_python_versions_in_turns() -> None:
    """Four templates, three Pythons: the first and third run their defaults, the second
    and fourth the case that covers the rest, on Python 3.12 and then 3.13; the license
    stays at its default."""

    def cases(framework: str) -> list[contract.Case]:
        return [
            contract.Case(
                framework,
                (("license", lic), ("python_version", version), ("database", database)),
                default=(lic, version, database) == ("MIT", "3.11", "sqlite"),
            )
            for lic in ("MIT", "Apache-2.0")
            for version in ("3.11", "3.12", "3.13")
            for database in ("sqlite", "postgresql")
        ]

    quick = contract.quick_matrix({name: cases(name) for name in ("a", "b", "c", "d")})
    assert {name: [case.id for case in chosen] for name, chosen in quick.items()} == {
        "a": ["a-license=MIT-python_version=3.11-database=sqlite"],
        "b": ["b-license=MIT-python_version=3.12-database=postgresql"],
        "c": ["c-license=MIT-python_version=3.11-database=sqlite"],
        "d": ["d-license=MIT-python_version=3.13-database=postgresql"],
    }
