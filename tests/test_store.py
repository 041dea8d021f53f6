"""The versioned template store: tags, content changes, damage, concurrency, paths."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
from pathlib import Path

import pytest
from filelock import FileLock
from packaging.version import Version
from template_versions import REPO, export_template, git, isolated_env, run_tool

from generator import store

N = "1.0.0"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "data"
    monkeypatch.setenv(store.ENV_DATA_DIR, str(directory))
    return directory


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A small template root standing in for the one inside the wheel."""
    root = tmp_path / "shipped"
    (root / "templates" / "demo").mkdir(parents=True)
    (root / "copier.yml").write_text('_subdirectory: "templates/{{ kind }}"\nkind: demo\n')
    (root / "templates" / "demo" / "hello.txt.jinja").write_text("hello\n")
    return root


def tags(repo: Path) -> list[str]:
    return git(repo, "tag", "--list").split()


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "--all").strip())


def test_first_sync_commits_the_shipped_templates_and_tags_the_version(
    data: Path, shipped: Path
) -> None:
    current = store.sync(shipped, N)

    assert current.path == data / "templates"
    assert current.tag == N
    assert not current.rebuilt
    assert tags(current.path) == [N]
    assert git(current.path, "ls-files").split() == ["copier.yml", "templates/demo/hello.txt.jinja"]
    assert git(current.path, "status", "--porcelain", "--ignored") == ""
    assert git(current.path, "describe", "--tags").strip() == N


def test_a_second_sync_with_nothing_changed_adds_nothing(data: Path, shipped: Path) -> None:
    first = store.sync(shipped, N)
    second = store.sync(shipped, N)

    assert second.tag == first.tag == N
    assert commits(first.path) == 1


def test_changed_content_under_one_version_gets_post_releases_that_sort_later(
    data: Path, shipped: Path
) -> None:
    hello = shipped / "templates" / "demo" / "hello.txt.jinja"
    seen = [store.sync(shipped, N).tag]
    hello.write_text("hello again\n")
    seen.append(store.sync(shipped, N).tag)
    (shipped / "templates" / "demo" / "new.txt").write_text("new\n")
    seen.append(store.sync(shipped, N).tag)
    hello.write_text("hello\n")
    (shipped / "templates" / "demo" / "new.txt").unlink()
    seen.append(store.sync(shipped, N).tag)  # back to the first content: still a later tag

    assert seen == [N, f"{N}.post1", f"{N}.post2", f"{N}.post3"]
    assert sorted(seen, key=Version) == seen
    repo = data / "templates"
    assert git(repo, "show", f"{N}.post1:templates/demo/hello.txt.jinja") == "hello again\n"
    assert git(repo, "show", f"{N}:templates/demo/hello.txt.jinja") == "hello\n"


def test_every_version_keeps_its_own_commit_and_tag(data: Path, shipped: Path) -> None:
    store.sync(shipped, N)
    store.sync(shipped, "1.1.0")  # same content, new version: a commit of its own
    store.sync(shipped, "0.9.0")  # an older tool run later still gets its tag

    repo = data / "templates"
    assert sorted(tags(repo), key=Version) == ["0.9.0", N, "1.1.0"]
    # HEAD is the running tool's tag, never an untagged commit.
    assert git(repo, "describe", "--tags", "--exact-match", "HEAD").strip() == "0.9.0"
    for tag in tags(repo):
        described = git(repo, "describe", "--tags", "--exact-match", tag).strip()
        assert described == tag
    assert commits(repo) == 3


@pytest.mark.parametrize(
    ("version", "taken", "expected"),
    [
        ("1.2.0", [], "1.2.0"),
        ("1.2.0", ["1.2.0"], "1.2.0.post1"),
        ("1.2.0", ["1.2.0", "1.2.0.post1", "1.2.0.post7", "1.2.1"], "1.2.0.post8"),
        ("1.2.0", ["1.2.0", "1.2.0.post1x"], "1.2.0.post1"),
        ("2.0.0rc1", ["2.0.0rc1"], "2.0.0rc1+1"),
        ("2.0.0.dev3", ["2.0.0.dev3", "2.0.0.dev3+1"], "2.0.0.dev3+2"),
        ("1.0.0.post2", ["1.0.0.post2"], "1.0.0.post2+1"),
        ("1.0.0+local", ["1.0.0+local"], "1.0.0+local.1"),
    ],
)
def test_next_tag(version: str, taken: list[str], expected: str) -> None:
    tag = store.next_tag(version, taken)

    assert tag == expected
    assert Version(tag) >= Version(version)


def test_a_version_that_is_not_pep_440_is_refused(data: Path, shipped: Path) -> None:
    with pytest.raises(store.StoreError, match="PEP 440"):
        store.sync(shipped, "not a version")


def test_caches_are_left_out_and_executable_bits_kept(data: Path, shipped: Path) -> None:
    demo = shipped / "templates" / "demo"
    (demo / "__pycache__").mkdir()
    (demo / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (demo / "stray.pyc").write_bytes(b"\0")
    (demo / "run.sh").write_text("#!/bin/sh\n")
    (demo / "run.sh").chmod(0o755)

    repo = store.sync(shipped, N).path

    assert "templates/demo/run.sh" in git(repo, "ls-files").split()
    assert ".pyc" not in git(repo, "ls-files")
    assert git(repo, "ls-files", "-s", "templates/demo/run.sh").startswith("100755")


def test_the_real_shipped_template_goes_in_whole(data: Path, tmp_path: Path) -> None:
    root = export_template(tmp_path / "real")

    repo = store.sync(root, N).path

    shipped = sorted(
        path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()
    )
    assert git(repo, "ls-files", "-z").split("\0")[:-1] == shipped
    for name in shipped[:: max(1, len(shipped) // 10)]:
        assert (repo / name).read_bytes() == (root / name).read_bytes()


# --- damage and leftovers -------------------------------------------------------------------


def _no_git(repo: Path) -> None:
    subprocess.run(["rm", "-rf", str(repo / ".git")], check=True)


def _corrupt_object(repo: Path) -> None:
    objects = [p for p in (repo / ".git" / "objects").rglob("*") if p.is_file()]
    loose = [p for p in objects if len(p.parent.name) == 2]
    for path in loose:
        path.chmod(0o644)
        path.write_bytes(b"garbage")


def _lost_head(repo: Path) -> None:
    (repo / ".git" / "HEAD").unlink()


def _tag_to_nowhere(repo: Path) -> None:
    (repo / ".git" / "refs" / "tags" / "9.9.9").write_text("0" * 39 + "1\n")


def _not_a_directory(repo: Path) -> None:
    subprocess.run(["rm", "-rf", str(repo)], check=True)
    repo.write_text("oops\n")


@pytest.mark.parametrize(
    "damage",
    [_no_git, _corrupt_object, _lost_head, _tag_to_nowhere, _not_a_directory],
    ids=lambda f: f.__name__,
)
def test_a_damaged_store_is_rebuilt_not_trusted(data: Path, shipped: Path, damage: object) -> None:
    repo = store.sync(shipped, N).path
    damage(repo)  # type: ignore[operator]

    current = store.sync(shipped, "1.1.0")

    assert current.rebuilt
    assert tags(repo) == ["1.1.0"]
    assert git(repo, "fsck", "--no-progress") == ""
    assert git(repo, "status", "--porcelain", "--ignored") == ""
    assert (repo / "templates" / "demo" / "hello.txt.jinja").read_text() == "hello\n"
    assert sorted(p.name for p in data.iterdir()) == ["plain", "templates", "templates.lock"]
    assert (data / "plain" / "1.1.0" / "templates" / "demo" / "hello.txt.jinja").is_file()


def _corrupt_blob(repo: Path, revision: str) -> None:
    blob = git(repo, "rev-parse", revision).strip()
    path = repo / ".git" / "objects" / blob[:2] / blob[2:]
    path.chmod(0o644)
    path.write_bytes(b"garbage")


def test_a_damaged_file_of_the_version_in_use_is_found_and_rebuilt(
    data: Path, shipped: Path
) -> None:
    repo = store.sync(shipped, N).path
    _corrupt_blob(repo, f"{N}:templates/demo/hello.txt.jinja")

    current = store.sync(shipped, N)

    assert current.rebuilt
    assert current.tag == N
    assert git(repo, "fsck", "--no-progress") == ""
    assert (repo / "templates" / "demo" / "hello.txt.jinja").read_text() == "hello\n"


def test_the_check_reads_only_the_version_in_use(data: Path, shipped: Path) -> None:
    """Damage to an older version does not throw away the others (git fsck would)."""
    repo = store.sync(shipped, N).path
    (shipped / "templates" / "demo" / "old.txt").write_text("only in 1.0.0\n")
    store.sync(shipped, N)  # 1.0.0.post1 holds old.txt
    (shipped / "templates" / "demo" / "old.txt").unlink()
    store.sync(shipped, "1.1.0")
    _corrupt_blob(repo, f"{N}.post1:templates/demo/old.txt")

    current = store.sync(shipped, "1.1.0")

    assert not current.rebuilt
    assert tags(repo) == [N, f"{N}.post1", "1.1.0"]


def test_the_plain_copy_is_the_tags_content(data: Path, shipped: Path) -> None:
    first = store.sync(shipped, N)
    assert first.plain == data / "plain" / N
    assert (first.plain / "templates" / "demo" / "hello.txt.jinja").read_text() == "hello\n"
    assert (first.plain / "copier.yml").read_text() == (shipped / "copier.yml").read_text()
    assert not (first.plain / ".git").exists()  # Copier reads it in place, no clone

    (shipped / "templates" / "demo" / "hello.txt.jinja").write_text("changed\n")
    second = store.sync(shipped, N)
    assert second.plain == data / "plain" / f"{N}.post1"
    assert (second.plain / "templates" / "demo" / "hello.txt.jinja").read_text() == "changed\n"
    # The first copy stays for a day: a run of the other version may be reading it.
    assert first.plain.is_dir()

    # The copy is extracted from the tag, not from the shipped files of the moment.
    (shipped / "templates" / "demo" / "hello.txt.jinja").write_text("edited after\n")
    store.sync(shipped, N)
    assert (second.plain / "templates" / "demo" / "hello.txt.jinja").read_text() == "changed\n"


def test_edits_in_the_store_are_undone_without_a_rebuild(data: Path, shipped: Path) -> None:
    repo = store.sync(shipped, N).path
    (repo / "templates" / "demo" / "hello.txt.jinja").write_text("edited by hand\n")
    (repo / "stray.txt").write_text("stray\n")

    current = store.sync(shipped, N)

    assert not current.rebuilt
    assert current.tag == N
    assert git(repo, "status", "--porcelain", "--ignored") == ""
    assert (repo / "templates" / "demo" / "hello.txt.jinja").read_text() == "hello\n"


def test_a_run_killed_between_tag_and_branch_leaves_head_tagged(data: Path, shipped: Path) -> None:
    repo = store.sync(shipped, N).path
    (shipped / "templates" / "demo" / "hello.txt.jinja").write_text("changed\n")
    tree = store._write_tree(repo, store._shipped_files(shipped))
    assert store._tag_for(repo, tree, N) == f"{N}.post1"  # tagged; the branch not moved yet

    current = store.sync(shipped, N)

    assert current.tag == f"{N}.post1"
    assert git(repo, "describe", "--tags", "--exact-match", "HEAD").strip() == f"{N}.post1"
    assert (repo / "templates" / "demo" / "hello.txt.jinja").read_text() == "changed\n"
    assert commits(repo) == 2


def test_leftovers_of_killed_runs_are_cleared(data: Path, shipped: Path) -> None:
    store.sync(shipped, N)
    (data / ".templates.new-abc" / "templates").mkdir(parents=True)

    store.sync(shipped, N)

    assert sorted(p.name for p in data.iterdir()) == ["plain", "templates", "templates.lock"]
    assert [p.name for p in (data / "plain").iterdir()] == [N]  # no half-extracted copy


# --- concurrency ----------------------------------------------------------------------------


def _sync_in_child(args: tuple[str, str, str]) -> str:
    data_dir, shipped, version = args
    os.environ[store.ENV_DATA_DIR] = data_dir
    return store.sync(Path(shipped), version).tag


def test_runs_that_start_together_take_turns(data: Path, shipped: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(6) as pool:
        results = pool.map(_sync_in_child, [(str(data), str(shipped), N)] * 6)

    assert results == [N] * 6
    repo = data / "templates"
    assert tags(repo) == [N]
    assert commits(repo) == 1
    assert git(repo, "fsck", "--no-progress") == ""


def test_a_held_lock_ends_in_a_clear_error(
    data: Path, shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data.mkdir()
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.2)
    with FileLock(str(data / "templates.lock")), pytest.raises(store.StoreError, match="lock"):
        store.sync(shipped, N)


# --- where the store is, and how projects name it -------------------------------------------


def test_the_default_store_is_in_the_user_data_dir_and_recorded_under_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    for key in (store.ENV_DATA_DIR, "XDG_DATA_HOME"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))

    assert store.store_path() == home / ".local" / "share" / "new-project" / "templates"
    assert store.portable_path(store.store_path()) == "~/.local/share/new-project/templates"
    assert store.is_store("~/.local/share/new-project/templates")
    assert not store.is_store("/elsewhere/templates")
    assert not store.is_store("https://github.com/someone/templates.git")
    assert store.portable_path(tmp_path / "outside") == (tmp_path / "outside").as_posix()
    assert store.portable_path(home) == home.as_posix()


def test_create_records_the_store_as_a_home_path_and_the_tag(tmp_path: Path) -> None:
    env = isolated_env(tmp_path / "home")
    root = export_template(tmp_path / "template")

    result = run_tool(
        str(tmp_path / "service"),
        "--framework",
        "fastapi",
        "--defaults",
        env=env,
        template_root=root,
        version="3.1.4",
    )

    assert result.returncode == 0, result.stderr
    answers = (tmp_path / "service" / ".copier-answers.yml").read_text()
    assert "_src_path: ~/.local/share/new-project/templates\n" in answers
    assert "_commit: 3.1.4\n" in answers
    assert str(tmp_path) not in answers
    store_repo = tmp_path / "home" / ".local" / "share" / "new-project" / "templates"
    assert tags(store_repo) == ["3.1.4"]


def test_the_checkout_itself_is_what_an_editable_install_ships() -> None:
    from generator import render

    root = render.template_root()
    assert (root / "copier.yml").is_file()
    assert root in (REPO, Path(render.__file__).parent / "_template")
