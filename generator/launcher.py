r"""The `new-project` console script.

`--help` and `--version` are answered before the command-line framework is imported:
Typer (with click and pydantic) takes ten times longer to import than Python takes to
start. `help.txt` is Typer's own `--help` output; a test keeps the two equal. After
changing the commands, regenerate it:

    COLUMNS=80 python -c "from generator.cli import app; \
        app(['--help'], prog_name='new-project')" > generator/help.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

HELP_FILE = Path(__file__).with_name("help.txt")


def main() -> None:
    arguments = sys.argv[1:]
    if arguments == ["--version"]:
        from generator import __version__

        sys.stdout.write(f"new-project {__version__}\n")
        return
    if arguments in (["--help"], ["-h"]):
        sys.stdout.write(HELP_FILE.read_text(encoding="utf-8"))
        return
    from generator.cli import main as run_cli

    run_cli()
