"""The interactive part: what are you building, the recommendation, then the framework.

The template's own questions (name, database, ...) are asked afterwards by Copier from
`copier.yml`, so questions, defaults and validators have one source.
"""

from __future__ import annotations

from collections.abc import Sequence

import questionary
from questionary import Choice

from generator import advisor

NEEDS_QUESTION = "What are you building?"
# Replaces questionary's own key help, so the keys are explained once, on one short line.
NEEDS_INSTRUCTION = "(arrows move, space selects, enter confirms; none is fine)"


def ask_needs() -> list[str]:
    """A checklist of the advisor's needs in plain words; Ctrl-C raises KeyboardInterrupt."""
    choices = [Choice(title=label, value=need) for need, label in advisor.NEEDS.items()]
    answer = questionary.checkbox(
        NEEDS_QUESTION, choices=choices, instruction=NEEDS_INSTRUCTION
    ).unsafe_ask()
    return list(answer)


def ask_framework(recommendation: advisor.Recommendation) -> str:
    """Accept the recommended framework or pick any other one."""
    choices = []
    for ranked in recommendation.ranking:
        title = advisor.TITLES[ranked.framework]
        if ranked.framework == recommendation.recommended:
            title += " (recommended)"
        choices.append(Choice(title=title, value=ranked.framework))
    answer = questionary.select(
        "Which framework?",
        choices=choices,
        default=choices[0],
    ).unsafe_ask()
    return str(answer)


def choose_framework(needs: Sequence[str]) -> tuple[str, list[str]]:
    """Ask for needs unless given, show the ranked advice with reasons, and ask to confirm.

    Returns the framework and the needs (given or asked), which set option defaults.
    """
    chosen = list(needs) or ask_needs()
    recommendation = advisor.recommend(chosen)
    print(advisor.format_recommendation(recommendation))
    print()
    return ask_framework(recommendation), chosen


def wrap_validation_messages() -> None:
    """Show a prompt's validation message on as many lines as it needs.

    prompt_toolkit's validation toolbar is one line high, so a message longer than the
    terminal is wide (e.g. why a project name is refused) is cut at the edge. Copier asks
    its questions through prompt_toolkit in this process; this swaps in a toolbar that
    wraps. Only this process is affected.
    """
    import importlib

    from prompt_toolkit.filters import has_validation_error
    from prompt_toolkit.layout import ConditionalContainer, Window
    from prompt_toolkit.widgets import toolbars

    # The module (the package re-exports a function of the same name).
    prompt_module = importlib.import_module("prompt_toolkit.shortcuts.prompt")

    class WrappingValidationToolbar(toolbars.ValidationToolbar):
        def __init__(self, show_position: bool = False) -> None:
            super().__init__(show_position)
            self.container = ConditionalContainer(
                content=Window(self.control, wrap_lines=True, dont_extend_height=True),
                filter=has_validation_error,
            )

    setattr(prompt_module, "ValidationToolbar", WrappingValidationToolbar)  # noqa: B010
