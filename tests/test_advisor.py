"""The advisor: scenarios taken from the decision criteria, plus the ranking's invariants."""

from __future__ import annotations

import itertools
import json

import pytest

from generator.advisor import (
    FRAMEWORKS,
    NEEDS,
    NO_NEEDS_NOTE,
    REASONS,
    RULES,
    TITLES,
    Recommendation,
    UnknownNeedError,
    format_recommendation,
    recommend,
    recommendation_to_json,
    validate_needs,
)

# The vocabulary as the design document lists it.
DESIGN_NEEDS = {
    "full-stack",
    "relational",
    "admin",
    "auth",
    "cms",
    "conventions",
    "mature-ecosystem",
    "api",
    "microservice",
    "spa-backend",
    "async",
    "high-concurrency",
    "typed-validation",
    "openapi",
    "ai-ml",
    "llm-streaming",
    "websockets",
    "small",
    "prototype",
    "full-control",
    "beginner",
    "dependency-injection",
    "structure",
}

ALL_NEED_SETS: list[list[str]] = (
    [[]] + [[n] for n in NEEDS] + [list(pair) for pair in itertools.combinations(NEEDS, 2)]
)

# needs, expected first pick, expected also_consider (exact, in order), a fragment one note
# must contain (or None).
SCENARIOS = [
    pytest.param(["beginner"], "flask", [], None, id="beginner-flask-is-gentlest"),
    pytest.param(
        ["beginner", "typed-validation"],
        "fastapi",
        [],
        None,
        id="beginner-comfortable-with-type-hints-fastapi",
    ),
    pytest.param(
        ["beginner", "full-stack"],
        "django",
        [],
        "longer to learn",
        id="beginner-django-steeper-but-complete",
    ),
    pytest.param(["api"], "fastapi", [], None, id="rest-api-new-standalone-fastapi"),
    pytest.param(
        ["api", "admin"],
        "django",
        [],
        "Django REST Framework",
        id="rest-api-inside-a-django-product",
    ),
    pytest.param(
        ["api", "relational", "auth"],
        "django",
        [],
        "Django REST Framework",
        id="rest-api-needing-django-orm-and-auth",
    ),
    pytest.param(
        ["api", "high-concurrency"],
        "fastapi",
        [],
        "database queries",
        id="fastest-for-io-bound-apis",
    ),
    pytest.param(
        ["high-concurrency", "structure"],
        "litestar",
        [],
        "benchmark",
        id="fastest-for-io-bound-apis-with-structure-litestar",
    ),
    pytest.param(
        ["full-stack", "relational", "admin"],
        "django",
        [],
        None,
        id="django-vs-fastapi-faq-full-stack-side",
    ),
    pytest.param(
        ["api", "async", "openapi", "typed-validation"],
        "fastapi",
        [],
        None,
        id="django-vs-fastapi-faq-async-api-side",
    ),
    pytest.param(
        ["full-stack", "admin", "relational", "ai-ml"],
        "django",
        ["django+fastapi"],
        "work well together",
        id="django-vs-fastapi-faq-use-both",
    ),
    pytest.param(
        ["admin", "relational"], "django", [], None, id="choose-django-admin-and-relational-model"
    ),
    pytest.param(["ai-ml", "async"], "fastapi", [], None, id="choose-fastapi-ai-ml-async"),
    pytest.param(
        ["small", "full-control"], "flask", [], None, id="choose-flask-small-and-full-control"
    ),
    pytest.param(
        ["api", "dependency-injection", "structure"],
        "litestar",
        [],
        None,
        id="litestar-api-with-di-and-structure",
    ),
    pytest.param(["prototype"], "flask", [], None, id="prototype-flask"),
    pytest.param(["spa-backend"], "fastapi", [], None, id="spa-or-mobile-backend-fastapi"),
    pytest.param(
        ["websockets"], "fastapi", ["tornado"], None, id="websockets-long-lived-connections"
    ),
    pytest.param(
        ["websockets", "high-concurrency"],
        "fastapi",
        ["tornado"],
        None,
        id="websockets-at-scale-tornado",
    ),
    pytest.param(["cms"], "django", [], None, id="content-heavy-cms-django"),
    pytest.param(["auth"], "django", [], None, id="auth-out-of-the-box-django"),
    pytest.param(
        ["conventions", "mature-ecosystem"],
        "django",
        [],
        None,
        id="conventions-and-hiring-pool-django",
    ),
    pytest.param(
        ["mature-ecosystem", "small"],
        "flask",
        [],
        None,
        id="flask-mature-extensions-for-a-small-app",
    ),
    pytest.param(
        ["microservice"], "fastapi", [], "tie at 2 points", id="microservice-fastapi-flask-tie"
    ),
    pytest.param(["microservice", "small"], "flask", [], None, id="flask-focused-microservice"),
    pytest.param(
        ["microservice", "async"], "fastapi", ["sanic"], None, id="async-microservice-sanic"
    ),
    pytest.param(
        ["small", "full-control", "async"],
        "flask",
        ["quart", "sanic"],
        None,
        id="flask-style-with-async-quart",
    ),
    pytest.param(
        ["prototype", "async"],
        "fastapi",
        ["quart"],
        "tie at 3 points",
        id="async-prototype-tie-quart",
    ),
    pytest.param(
        ["full-control"], "flask", ["pyramid"], None, id="full-control-pyramid-alternative"
    ),
    pytest.param(
        ["full-control", "relational"],
        "django",
        ["pyramid"],
        "hand-assembled",
        id="full-control-at-larger-scale-mixed",
    ),
    pytest.param(["full-stack", "async"], "django", [], "ASGI", id="can-django-handle-async-faq"),
    pytest.param(
        ["relational", "llm-streaming"],
        "django",
        ["django+fastapi"],
        "tie at 3 points",
        id="mixed-relational-core-with-llm-streaming",
    ),
    pytest.param(
        ["admin", "auth", "high-concurrency"],
        "django",
        ["django+fastapi"],
        "separate service",
        id="django-core-plus-high-throughput-service",
    ),
    pytest.param(
        ["dependency-injection"], "litestar", [], None, id="litestar-built-in-dependency-injection"
    ),
    pytest.param(["structure"], "litestar", [], None, id="litestar-more-structure-than-fastapi"),
    pytest.param(
        ["small", "api"], "flask", [], "stronger default", id="is-flask-still-relevant-faq"
    ),
    pytest.param(["ai-ml", "llm-streaming"], "fastapi", [], None, id="llm-and-agent-endpoints"),
    pytest.param(
        ["typed-validation", "openapi"],
        "fastapi",
        [],
        None,
        id="type-driven-validation-and-auto-docs",
    ),
    pytest.param(
        ["beginner", "structure"],
        "django",
        [],
        "matched more of your needs",
        id="three-way-tie-broken-by-number-of-reasons",
    ),
]


@pytest.mark.parametrize(("needs", "first", "also", "note"), SCENARIOS)
def test_scenario(needs: list[str], first: str, also: list[str], note: str | None) -> None:
    rec = recommend(needs)
    assert rec.recommended == first
    assert rec.ranking[0].framework == first
    assert rec.ranking[0].reasons, "the pick must come with reasons"
    assert [a.name for a in rec.also_consider] == also
    if note is not None:
        assert any(note in text for text in rec.notes), rec.notes


def test_scenarios_cover_every_alternative() -> None:
    shown: set[str] = set()
    for param in SCENARIOS:
        also = param.values[2]
        assert isinstance(also, list)
        shown.update(also)
    every = {rule.alternative.name for rule in RULES if rule.alternative is not None}
    assert shown == every == {"tornado", "quart", "pyramid", "sanic", "django+fastapi"}


def test_the_four_acceptance_checks() -> None:
    assert recommend(["admin", "relational"]).recommended == "django"
    assert recommend(["ai-ml", "async"]).recommended == "fastapi"
    assert recommend(["small", "full-control"]).recommended == "flask"
    assert recommend(["api", "dependency-injection", "structure"]).recommended == "litestar"


# --- vocabulary -------------------------------------------------------------------------


def test_vocabulary_matches_design_both_ways() -> None:
    assert set(NEEDS) == DESIGN_NEEDS
    assert set(REASONS) == DESIGN_NEEDS


def test_every_need_has_a_label_and_reasons() -> None:
    for need, label in NEEDS.items():
        assert label.strip(), need
        assert REASONS[need], need


def test_reasons_point_at_known_frameworks_with_positive_weights() -> None:
    for need, reasons in REASONS.items():
        frameworks = [r.framework for r in reasons]
        assert len(frameworks) == len(set(frameworks)), f"{need}: one reason per framework"
        for reason in reasons:
            assert reason.framework in FRAMEWORKS
            assert reason.weight > 0


def test_every_reason_text_is_unique_and_non_empty() -> None:
    texts = [r.text for reasons in REASONS.values() for r in reasons]
    assert all(t.strip() for t in texts)
    assert len(texts) == len(set(texts))


def test_every_framework_is_favoured_by_some_need() -> None:
    firsts = {recommend([need]).recommended for need in NEEDS}
    assert firsts == set(FRAMEWORKS)


def test_rules_only_mention_known_needs() -> None:
    for rule in RULES:
        assert rule.when_any <= set(NEEDS)
        assert rule.and_any <= set(NEEDS)
        assert rule.unless_any <= set(NEEDS)
        assert rule.note or rule.alternative is not None


# --- validation -------------------------------------------------------------------------


def test_unknown_need_names_it_and_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownNeedError) as info:
        recommend(["admin", "blockchain"])
    assert info.value.unknown == ["blockchain"]
    message = str(info.value)
    assert "'blockchain'" in message
    for need in NEEDS:
        assert need in message
    assert isinstance(info.value, ValueError)


def test_several_unknown_needs_are_all_reported_with_a_suggestion() -> None:
    with pytest.raises(UnknownNeedError) as info:
        validate_needs(["fullstack", "api", "nosql"])
    assert info.value.unknown == ["fullstack", "nosql"]
    assert "did you mean 'full-stack'" in str(info.value)


def test_empty_string_is_not_a_need() -> None:
    with pytest.raises(UnknownNeedError):
        validate_needs(["  "])


def test_normalisation_strips_lowercases_and_dedupes_in_order() -> None:
    assert validate_needs([" Admin ", "RELATIONAL", "admin", "relational "]) == [
        "admin",
        "relational",
    ]
    assert recommend(["ADMIN", " relational", "Admin"]) == recommend(["admin", "relational"])


def test_a_single_string_is_one_need_not_letters() -> None:
    assert validate_needs("admin") == ["admin"]


def test_needs_can_be_any_iterable() -> None:
    assert recommend(iter(("small", "full-control"))).recommended == "flask"


# --- ranking ----------------------------------------------------------------------------


@pytest.mark.parametrize("needs", ALL_NEED_SETS)
def test_ranking_holds_all_four_in_order(needs: list[str]) -> None:
    rec = recommend(needs)
    assert sorted(r.framework for r in rec.ranking) == sorted(FRAMEWORKS)
    keys = [(-r.score, -len(r.reasons), FRAMEWORKS.index(r.framework)) for r in rec.ranking]
    assert keys == sorted(keys)
    assert rec.recommended == rec.ranking[0].framework


@pytest.mark.parametrize("needs", ALL_NEED_SETS)
def test_score_is_the_sum_of_the_weights_shown(needs: list[str]) -> None:
    weight = {(r.framework, r.text): r.weight for rs in REASONS.values() for r in rs}
    for ranked in recommend(needs).ranking:
        assert ranked.score == sum(weight[(ranked.framework, t)] for t in ranked.reasons)


def test_reasons_follow_the_order_the_needs_were_given() -> None:
    one = recommend(["ai-ml", "async"]).ranking[0].reasons
    two = recommend(["async", "ai-ml"]).ranking[0].reasons
    assert one == tuple(reversed(two))
    assert len(one) == 2


@pytest.mark.parametrize("needs", ALL_NEED_SETS[1:])
def test_a_tie_at_the_top_is_explained_and_only_then(needs: list[str]) -> None:
    rec = recommend(needs)
    first, second = rec.ranking[0], rec.ranking[1]
    tie_notes = [n for n in rec.notes if " tie at " in n]
    if first.score == second.score:
        assert len(tie_notes) == 1
        assert TITLES[first.framework] in tie_notes[0]
        assert TITLES[second.framework] in tie_notes[0]
    else:
        assert tie_notes == []


def test_tie_note_says_what_would_separate_them() -> None:
    (note,) = recommend(["microservice"]).notes
    assert "FastAPI and Flask tie at 2 points" in note
    assert "fixed order" in note
    assert "for FastAPI" in note
    assert "for Flask" in note


def test_no_needs_gives_the_default_order_and_says_why() -> None:
    rec = recommend([])
    assert rec.recommended == FRAMEWORKS[0]
    assert [r.framework for r in rec.ranking] == list(FRAMEWORKS)
    assert all(r.score == 0 and r.reasons == () for r in rec.ranking)
    assert rec.notes == (NO_NEEDS_NOTE,)
    assert "shape of your app" in NO_NEEDS_NOTE
    assert rec.also_consider == ()


def test_a_clear_winner_has_no_notes_or_alternatives() -> None:
    rec = recommend(["admin", "relational"])
    assert rec.notes == ()
    assert rec.also_consider == ()


def test_recommendation_is_immutable() -> None:
    rec = recommend(["api"])
    with pytest.raises(AttributeError):
        rec.recommended = "flask"  # type: ignore[misc]


# --- output -----------------------------------------------------------------------------


def test_json_shape_is_exact_and_serialisable() -> None:
    rec = recommend(["full-stack", "ai-ml", "websockets"])
    doc = recommendation_to_json(rec)
    assert list(doc) == ["recommended", "ranking", "also_consider", "notes", "alternatives"]
    assert doc["recommended"] == "fastapi"
    ranking = doc["ranking"]
    assert isinstance(ranking, list)
    assert [r["framework"] for r in ranking] == [r.framework for r in rec.ranking]
    for entry in ranking:
        assert list(entry) == ["framework", "score", "reasons"]
        assert isinstance(entry["score"], int)
        assert isinstance(entry["reasons"], list)
        assert all(isinstance(t, str) for t in entry["reasons"])
    assert doc["also_consider"] == ["django+fastapi", "tornado"]
    alternatives = doc["alternatives"]
    assert isinstance(alternatives, list)
    assert [a["name"] for a in alternatives] == doc["also_consider"]
    assert all(list(a) == ["name", "why"] and a["why"] for a in alternatives)
    assert doc["notes"] == list(rec.notes)
    assert json.loads(json.dumps(doc)) == doc


def test_json_for_no_needs() -> None:
    doc = recommendation_to_json(recommend([]))
    assert doc["also_consider"] == []
    assert doc["alternatives"] == []
    assert doc["notes"] == [NO_NEEDS_NOTE]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    "needs", [["admin", "relational"], ["full-stack", "ai-ml"], ["microservice", "async"], []]
)
def test_text_output_shows_pick_scores_reasons_alternatives_and_notes(needs: list[str]) -> None:
    rec: Recommendation = recommend(needs)
    out = format_recommendation(rec)
    flat = _flat(out)
    assert out.splitlines()[0] == f"Recommended: {TITLES[rec.recommended]} ({rec.recommended})"
    for place, ranked in enumerate(rec.ranking, start=1):
        assert f"{place}. {TITLES[ranked.framework]}: {ranked.score} point" in out
        for text in ranked.reasons:
            assert _flat(text) in flat
    for alt in rec.also_consider:
        assert _flat(f"{alt.name}: {alt.why}") in flat
    for note in rec.notes:
        assert _flat(note) in flat
    assert all(len(line) <= 88 for line in out.splitlines())
