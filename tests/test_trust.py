"""A template that can run code is refused unless trusted, exactly where Copier refuses it.

The user's Copier settings file (`trust:`, found through COPIER_SETTINGS_PATH) counts as
it does for Copier: each case runs Copier's public `run_copy` on the same template with
the same settings and compares.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from copier import run_copy
from copier.errors import UnsafeTemplateError
from template_versions import git, isolated_env, run_tool

from generator import trust
from generator.errors import UsageError


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def template(home: Path) -> Path:
    """A template with a Jinja extension (an unsafe feature that runs nothing here).

    A tagged git repository, as templates are: Copier expands `~` only in those.
    """
    root = home / "templates" / "loops"
    root.mkdir(parents=True)
    (root / "copier.yml").write_text("_jinja_extensions:\n  - jinja2.ext.loopcontrols\n")
    (root / "a.txt.jinja").write_text("{% for i in [1, 2] %}{{ i }}{% break %}{% endfor %}\n")
    git(root, "init", "-q", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "-q", "--no-gpg-sign", "-m", "loops")
    git(root, "tag", "1.0.0")
    return root


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entries: list[str]) -> None:
    path = tmp_path / "copier-settings.yml"
    path.write_text(yaml.safe_dump({"trust": entries}), encoding="utf-8")
    monkeypatch.setenv("COPIER_SETTINGS_PATH", str(path))


def _copier_trusts(source: str, dest: Path) -> bool:
    try:
        run_copy(source, dest, defaults=True, quiet=True)
    except UnsafeTemplateError:
        return False
    assert (dest / "a.txt").read_text() == "1\n"
    return True


def _we_trust(source: str) -> bool:
    try:
        trust.check_trusted(source, trust=False)
    except UsageError as error:
        if "uses jinja_extensions, which can run code" not in str(error):
            raise  # any other refusal is a failure of the test
        return False
    return True


ENTRIES = {
    "exact": "{root}",
    "exact-with-dots": "{home}/templates/other/../loops",
    "parent-prefix": "{home}/templates/",
    "parent-without-slash": "{home}/templates",
    "home-prefix": "~/templates/",
    "home-exact": "~/templates/loops",
    "sibling": "{home}/templates/loop",
    "another-place": "/srv/templates/",
    "a-url": "https://example.com/templates/",
}


@pytest.mark.parametrize("source_form", ["absolute", "home"])
@pytest.mark.parametrize("entry", ENTRIES.values(), ids=ENTRIES.keys())
def test_the_settings_trust_list_counts_as_for_copier(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    home: Path,
    template: Path,
    entry: str,
    source_form: str,
) -> None:
    _settings(tmp_path, monkeypatch, [entry.format(root=template, home=home)])
    source = str(template) if source_form == "absolute" else "~/templates/loops"

    assert _we_trust(source) == _copier_trusts(source, tmp_path / "project")


@pytest.mark.filterwarnings("ignore::copier.errors.MissingSettingsWarning")
def test_no_settings_file_trusts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: Path
) -> None:
    monkeypatch.setenv("COPIER_SETTINGS_PATH", str(tmp_path / "absent.yml"))
    assert not _we_trust(str(template))
    assert not _copier_trusts(str(template), tmp_path / "project")


def test_a_broken_settings_file_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: Path
) -> None:
    path = tmp_path / "copier-settings.yml"
    path.write_text("trust: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("COPIER_SETTINGS_PATH", str(path))
    with pytest.raises(UsageError, match="Copier settings file"):
        trust.check_trusted(str(template), trust=False)


def test_new_project_renders_a_template_the_settings_trust_without_the_flag(
    tmp_path: Path, home: Path, template: Path
) -> None:
    settings = tmp_path / "copier-settings.yml"
    settings.write_text(yaml.safe_dump({"trust": ["~/templates/"]}), encoding="utf-8")
    env = isolated_env(home, COPIER_SETTINGS_PATH=str(settings))

    trusted = run_tool(
        str(tmp_path / "trusted"),
        "--defaults",
        "--no-git",
        "--template-source",
        str(template),
        env=env,
    )
    settings.write_text(yaml.safe_dump({"trust": ["~/elsewhere/"]}), encoding="utf-8")
    refused = run_tool(
        str(tmp_path / "refused"),
        "--defaults",
        "--no-git",
        "--template-source",
        str(template),
        env=env,
    )

    assert trusted.returncode == 0, trusted.stderr
    assert (tmp_path / "trusted" / "a.txt").read_text() == "1\n"
    assert refused.returncode == 2
    assert "uses jinja_extensions, which can run code on this machine" in refused.stderr
    assert not (tmp_path / "refused").exists()
