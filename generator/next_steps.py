"""What `new-project` prints after creating a project: the commands to run next."""

from __future__ import annotations

import shlex
from pathlib import Path

from generator import answers, catalog


def report(project: Path) -> list[str]:
    """The "Created ..." line, then the next steps if the project's template is known."""
    recorded = answers.read_answers(project)
    template = catalog.TEMPLATES.get(str(recorded.get("framework")))
    created = f"Created {project}" + (f" ({template.title})." if template else ".")
    return [created, *(next_steps(project, template) if template else [])]


def next_steps(project: Path, template: catalog.Template) -> list[str]:
    """What to run in a new project, each command as the registry gives it. The server
    runs with production settings on loopback (the registry's serve_env: plain HTTP, as
    behind a TLS proxy)."""
    env = " ".join(f"{key}={shlex.quote(value)}" for key, value in template.serve_env.items())
    serve = template.serve.format(port=8000)
    return [
        "Next steps:",
        f"  cd {shlex.quote(str(project))}",
        "  uv sync",
        f"  {template.migrate}",
        "  uv run pytest",
        "Production server on http://127.0.0.1:8000 (plain HTTP, for a TLS proxy in front):",
        f"  {env} {serve}" if env else f"  {serve}",
    ]
