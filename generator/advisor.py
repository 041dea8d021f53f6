"""Which framework fits what you are building.

The advice here is data. Each need a person can state (``NEEDS``) carries weighted
reasons for one or more frameworks (``REASONS``); a few rules (``RULES``) add notes and
other tools worth a look when the answers point that way; a need can also set the default
of a template option (``OPTION_DEFAULTS``). ``recommend`` adds the weights up and orders
the frameworks of the registry; it does nothing else. With no needs there is nothing to
rank on, so there is no recommendation.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from generator.advice_reasons import NEEDS, ONLY_HERE, REASONS, Reason
from generator.advice_rules import NO_NEEDS_NOTE, OPTION_DEFAULTS, RULES, Alternative, Rule
from generator.catalog import TEMPLATES

__all__ = [
    "FRAMEWORKS",
    "NEEDS",
    "NO_NEEDS_NOTE",
    "ONLY_HERE",
    "OPTION_DEFAULTS",
    "REASONS",
    "RULES",
    "TITLES",
    "Alternative",
    "Ranked",
    "Reason",
    "Recommendation",
    "Rule",
    "UnknownNeedError",
    "format_recommendation",
    "option_defaults",
    "recommend",
    "recommendation_to_json",
    "validate_needs",
]

# The frameworks with a template, in the registry's order (the last tie-break).
FRAMEWORKS: tuple[str, ...] = tuple(TEMPLATES)
TITLES: dict[str, str] = {name: template.title for name, template in TEMPLATES.items()}


class UnknownNeedError(ValueError):
    """One or more needs are not in the vocabulary."""

    def __init__(self, unknown: list[str]) -> None:
        self.unknown = unknown
        parts = []
        for name in unknown:
            import difflib  # only for a misspelt need

            close = difflib.get_close_matches(name, NEEDS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            parts.append(f"{name!r}{hint}")
        label = "need" if len(unknown) == 1 else "needs"
        super().__init__(f"Unknown {label}: {', '.join(parts)}. Valid needs: {', '.join(NEEDS)}.")


@dataclass(frozen=True)
class Ranked:
    framework: str
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    recommended: str | None  # None when no needs were given: nothing to rank on
    ranking: tuple[Ranked, ...]
    also_consider: tuple[Alternative, ...]
    notes: tuple[str, ...]


def validate_needs(needs: Iterable[str]) -> list[str]:
    """Return the needs stripped, lower-cased and de-duplicated, in the order given.

    Raises UnknownNeedError naming every need that is not in NEEDS.
    """
    if isinstance(needs, str):
        needs = [needs]
    cleaned: list[str] = []
    for need in needs:
        name = need.strip().lower()
        if name not in cleaned:
            cleaned.append(name)
    unknown = [name for name in cleaned if name not in NEEDS]
    if unknown:
        raise UnknownNeedError(unknown)
    return cleaned


def recommend(needs: Iterable[str]) -> Recommendation:
    """Rank the frameworks for these needs: by score, then number of reasons, then FRAMEWORKS.

    Without needs nothing is ranked: no recommendation, the frameworks in registry order.
    """
    chosen = validate_needs(needs)
    ranking = tuple(
        sorted(
            (_score(framework, chosen) for framework in FRAMEWORKS),
            key=lambda r: (-r.score, -len(r.reasons), FRAMEWORKS.index(r.framework)),
        )
    )
    if not chosen:
        return Recommendation(None, ranking, (), (NO_NEEDS_NOTE,))

    as_set = frozenset(chosen)
    rules = [rule for rule in RULES if rule.applies(as_set, ranking[0].framework)]
    notes = [rule.note for rule in rules if rule.note]
    tie = _tie_note(ranking, as_set)
    if tie:
        notes.insert(0, tie)
    also: list[Alternative] = []
    for rule in rules:
        if rule.alternative is not None and rule.alternative not in also:
            also.append(rule.alternative)
    return Recommendation(ranking[0].framework, ranking, tuple(also), tuple(notes))


def option_defaults(needs: Iterable[str], framework: str) -> dict[str, object]:
    """The template option defaults these needs set for this framework (later needs win)."""
    defaults: dict[str, object] = {}
    for need in validate_needs(needs):
        defaults.update(OPTION_DEFAULTS.get(need, {}).get(framework, {}))
    return defaults


def _score(framework: str, needs: list[str]) -> Ranked:
    reasons = [r for need in needs for r in REASONS[need] if r.framework == framework]
    return Ranked(framework, sum(r.weight for r in reasons), tuple(r.text for r in reasons))


def _weight(framework: str, need: str) -> int:
    return sum(r.weight for r in REASONS[need] if r.framework == framework)


def _tie_note(ranking: tuple[Ranked, ...], chosen: frozenset[str]) -> str:
    """Explain a tie at the top, and which extra needs would break it."""
    tied = [r for r in ranking if r.score == ranking[0].score]
    if len(tied) < 2:
        return ""
    names = [TITLES[r.framework] for r in tied]
    listed = " and ".join(names) if len(names) == 2 else ", ".join(names)
    first, second = tied[0], tied[1]
    if len(first.reasons) > len(second.reasons):
        why = "it matched more of your needs"
    else:
        why = f"equal results fall back to a fixed order ({', '.join(TITLES.values())})"
    hints = []
    for r in tied:
        others = [o.framework for o in tied if o is not r]
        favoured = sorted(
            (n for n in NEEDS if n not in chosen),
            key=lambda n: -(_weight(r.framework, n) - max(_weight(o, n) for o in others)),
        )
        best = [
            n for n in favoured[:2] if _weight(r.framework, n) > max(_weight(o, n) for o in others)
        ]
        if best:
            hints.append(f"{' or '.join(best)} for {TITLES[r.framework]}")
    text = f"{listed} tie at {first.score} points; {names[0]} is listed first because {why}."
    if hints:
        text += " Adding a need would separate them: " + "; ".join(hints) + "."
    return text


def recommendation_to_json(rec: Recommendation) -> dict[str, object]:
    """The `recommend --json` document."""
    return {
        "recommended": rec.recommended,
        "ranking": [
            {"framework": r.framework, "score": r.score, "reasons": list(r.reasons)}
            for r in rec.ranking
        ],
        "also_consider": [a.name for a in rec.also_consider],
        "notes": list(rec.notes),
        "alternatives": [{"name": a.name, "why": a.why} for a in rec.also_consider],
    }


def format_recommendation(rec: Recommendation) -> str:
    """The recommendation as plain text for a terminal."""

    def wrap(text: str, indent: str, bullet: str) -> str:
        return textwrap.fill(
            text,
            width=88,
            initial_indent=indent + bullet,
            subsequent_indent=indent + " " * len(bullet),
            break_on_hyphens=False,
        )

    if rec.recommended is None:
        lines = ["No recommendation: no needs were given.", "", "Frameworks:"]
        lines += [
            wrap(
                f"{TITLES[r.framework]} ({r.framework}): {TEMPLATES[r.framework].summary}",
                "  ",
                "- ",
            )
            for r in rec.ranking
        ]
        lines += ["", "Notes:"]
        lines += [wrap(note, "  ", "- ") for note in rec.notes]
        return "\n".join(lines) + "\n"
    lines = [f"Recommended: {TITLES[rec.recommended]} ({rec.recommended})", "", "Ranking:"]
    for place, ranked in enumerate(rec.ranking, start=1):
        points = "point" if ranked.score == 1 else "points"
        lines.append(f"  {place}. {TITLES[ranked.framework]}: {ranked.score} {points}")
        for text in ranked.reasons:
            lines.append(wrap(text, "     ", "+ "))
        if not ranked.reasons:
            lines.append("     (none of your needs point here)")
    if rec.also_consider:
        lines += ["", "Also consider:"]
        lines += [wrap(f"{alt.name}: {alt.why}", "  ", "- ") for alt in rec.also_consider]
    if rec.notes:
        lines += ["", "Notes:"]
        lines += [wrap(note, "  ", "- ") for note in rec.notes]
    return "\n".join(lines) + "\n"
