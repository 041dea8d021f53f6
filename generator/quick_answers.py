"""`list` and `recommend` answered without the command-line framework.

Typer coerces every option through pydantic, so any command with an option costs the
imports of Typer, click and pydantic: about twenty times Python's own start-up. These two
commands only print data, and people (and scripts) run them often, so the launcher hands
their plain, well-formed invocations here. Anything else (help, an unknown need, an option
these do not know, an unusual spelling) returns None and goes to Typer, which stays the one
definition of the command line; tests/test_quick_answers.py checks both give the same
output for the same arguments.
"""

from __future__ import annotations

import json


def answer(arguments: list[str]) -> str | None:
    """What `new-project *arguments` prints, when it is a plain `list` or `recommend`."""
    if not arguments:
        return None
    command, rest = arguments[0], arguments[1:]
    if command == "list":
        return _list(rest)
    if command == "recommend":
        return _recommend(rest)
    return None


def _list(options: list[str]) -> str | None:
    if any(option != "--json" for option in options):
        return None
    from generator import catalog

    if options:
        return json.dumps(catalog.list_json(), indent=2)
    return catalog.list_text()


def _recommend(options: list[str]) -> str | None:
    needs: list[str] = []
    as_json = False
    rest = iter(options)
    for option in rest:
        if option == "--json":
            as_json = True
        elif option.startswith("--need="):
            needs.append(option.removeprefix("--need="))
        elif option == "--need":
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None  # Typer says what is wrong
            needs.append(value)
        else:
            return None
    from generator import advisor

    try:
        result = advisor.recommend(needs)
    except advisor.UnknownNeedError:
        return None  # Typer reports it, with its exit code
    if as_json:
        return json.dumps(advisor.recommendation_to_json(result), indent=2)
    return advisor.format_recommendation(result)
