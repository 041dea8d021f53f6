"""The one git runner: the repository it is pointed at, never prompting, never hanging."""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from template_versions import git as plain_git

from generator import git, sources
from generator.errors import RenderError


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository that variables of the environment point at, as in a git hook."""
    other = tmp_path / "elsewhere"
    other.mkdir()
    plain_git(other, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "1")
    return other


def test_the_runner_works_where_it_is_told_whatever_the_environment_says(
    tmp_path: Path, elsewhere: Path
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    git.run(here, "init", "-q")

    toplevel = git.run(here, "rev-parse", "--show-toplevel").stdout.strip()
    # A shell alias shows the environment git itself was given.
    seen = git.run(here, "-c", "alias.show-env=!env", "show-env").stdout.splitlines()

    assert Path(toplevel) == here.resolve()
    assert not (elsewhere / ".git" / "index").exists()
    assert "GIT_TERMINAL_PROMPT=0" in seen
    assert not [line for line in seen if line.startswith(("GIT_WORK_TREE=", "GIT_INDEX_FILE="))]


def test_copier_runs_in_a_scrubbed_environment_and_it_is_restored(elsewhere: Path) -> None:
    import copier  # noqa: F401 - loads plumbum, whose copy of the environment is scrubbed too
    from plumbum import local

    before = dict(os.environ)
    with git.scrubbed_environment():
        assert "GIT_DIR" not in os.environ
        assert "GIT_DIR" not in local.env
        assert os.environ["GIT_TERMINAL_PROMPT"] == "0"
        assert local.env["GIT_TERMINAL_PROMPT"] == "0"
    assert dict(os.environ) == before


def test_a_failure_is_one_git_error_naming_the_command(tmp_path: Path) -> None:
    with pytest.raises(git.GitError, match=r"git rev-parse failed in .*: fatal"):
        git.run(tmp_path, "rev-parse", "--verify", "no-such-thing")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says anything."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


@pytest.mark.skipif(sys.platform == "win32", reason="git:// on a local port")
def test_listing_the_tags_of_a_url_that_never_answers_times_out(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(git, "REMOTE_TIMEOUT", 1.0)
    url = f"git://127.0.0.1:{silent_server}/template.git"

    with pytest.raises(RenderError, match=r"Cannot list the versions of .*within 1 seconds"):
        sources.version_tags(url)
