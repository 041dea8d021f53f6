"""The interactive part: what are you building, the recommendation, then the framework.

The template's own questions (name, database, ...) are asked afterwards by Copier from
`copier.yml`, so questions, defaults and validators have one source.
"""

from __future__ import annotations

from collections.abc import Sequence

import questionary
from questionary import Choice

from generator import advisor


def ask_needs() -> list[str]:
    """A checklist of the advisor's needs in plain words; Ctrl-C raises KeyboardInterrupt."""
    choices = [Choice(title=label, value=need) for need, label in advisor.NEEDS.items()]
    answer = questionary.checkbox(
        "What are you building? (space selects, enter confirms; none is fine)",
        choices=choices,
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


def choose_framework(needs: Sequence[str]) -> str:
    """Ask for needs unless given, show the ranked advice with reasons, and ask to confirm."""
    chosen = list(needs) or ask_needs()
    recommendation = advisor.recommend(chosen)
    print(advisor.format_recommendation(recommendation))
    print()
    return ask_framework(recommendation)
