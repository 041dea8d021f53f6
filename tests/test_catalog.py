"""`list --json` and each generated README give the same commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import catalog, render


@pytest.mark.parametrize("name", sorted(catalog.TEMPLATES))
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
    assert template.hello_path in readme
    assert template.docs_path in readme


def test_every_framework_choice_in_copier_yml_has_a_catalog_entry() -> None:
    questions = render.load_questions(render.template_root())
    choices = questions["framework"]["choices"]
    assert sorted(choices.values()) == sorted(catalog.TEMPLATES)
    for name in catalog.TEMPLATES:
        assert (render.template_root() / "templates" / name).is_dir()
