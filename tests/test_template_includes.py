"""Every `{% include %}` in the templates names a file that is there.

Templates share files by including them by path (templates/_shared/, or one template's
file in a pairing); renaming an included file (say, `errors.py` to `errors.py.jinja` once
it includes a shared part) must rename its includes too, and this says where at once,
without rendering every template.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The path is quoted with ' or "; a path may hold the other quote (Copier's conditional
# folder names do).
INCLUDE = re.compile(r"""\{%-?\s*include\s+(["'])(.+?)\1""")


def includes() -> list[tuple[Path, str]]:
    found = []
    for path in sorted((ROOT / "templates").rglob("*.jinja")):
        found += [(path, match[2]) for match in INCLUDE.finditer(path.read_text("utf-8"))]
    return found


def test_templates_include_files() -> None:
    assert includes(), "no include found: the pattern no longer matches the templates"


def test_every_included_file_exists() -> None:
    missing = [
        f"{path.relative_to(ROOT)}: {target}"
        for path, target in includes()
        if not (ROOT / target).is_file()
    ]
    assert missing == []


def test_the_pattern_reads_includes_trimmed_or_not() -> None:
    text = """{% include "templates/x.jinja" %}{%- include 'a/{% if b == "c" %}d{% endif %}' -%}"""
    assert [match[2] for match in INCLUDE.finditer(text)] == [
        "templates/x.jinja",
        'a/{% if b == "c" %}d{% endif %}',
    ]
