r"""The `new-project` console script.

`--help` and `--version` are answered before the command-line framework is imported:
Typer (with click and pydantic) takes ten times longer to import than Python takes to
start. So are plain `list` and `recommend` invocations (generator/quick_answers.py).

`help.txt` is Typer's own `--help` output; a test keeps the two equal. After changing the
commands, regenerate it:

    COLUMNS=80 python -c "from generator.cli import app; \
        app(['--help'], prog_name='new-project')" > generator/help.txt
"""

from __future__ import annotations

import os
import sys

# A plain path: pathlib alone would add a third to the start-up of these answers.
HELP_FILE = os.path.join(os.path.dirname(__file__), "help.txt")


def main() -> None:
    arguments = sys.argv[1:]
    if arguments == ["--version"]:
        from generator import __version__

        sys.stdout.write(f"new-project {__version__}\n")
        return
    if arguments in (["--help"], ["-h"]):
        with open(HELP_FILE, encoding="utf-8") as help_text:
            sys.stdout.write(help_text.read())
        return
    from generator.quick_answers import answer

    quick = answer(arguments)
    if quick is not None:
        sys.stdout.write(quick + "\n")
        return
    from generator.cli import main as run_cli

    run_cli()
