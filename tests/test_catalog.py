"""The registry is the one source of framework facts: what Copier and the templates hold
themselves agrees with it, `list --json` and each generated README give its commands."""

from __future__ import annotations

import json
from pathlib import Path

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


@pytest.mark.parametrize("name", catalog.NAMES)
def test_readme_gives_the_catalog_commands(
    tmp_path: Path, name: str, template_source: Path
) -> None:
    template = catalog.TEMPLATES[name]
    project = render.render_project(
        tmp_path / "demo",
        src_path=str(template_source),
        data={"framework": name},
        defaults=True,
        git=False,
    )
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert template.serve.format(port=8000) in readme
    assert template.migrate in readme
    assert template.dev in readme
    assert template.hello_path in readme
    assert template.docs_path in readme
    security = (project / "SECURITY.md").read_text(encoding="utf-8")
    assert ("A real `SECRET_KEY`" in security) is template.signs_with_secret_key
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    assert "CMD " + json.dumps(list(template.docker_cmd)) in dockerfile
