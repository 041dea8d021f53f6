"""The advisor: scenarios taken from the decision criteria, plus the ranking's invariants."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from _pytest.mark import ParameterSet

from generator import render
from generator.advisor import (
    FRAMEWORKS,
    NEEDS,
    NO_NEEDS_NOTE,
    ONLY_HERE,
    OPTION_DEFAULTS,
    REASONS,
    RULES,
    TITLES,
    Recommendation,
    UnknownNeedError,
    format_recommendation,
    option_defaults,
    recommend,
    recommendation_to_json,
    validate_needs,
)

ROOT = Path(__file__).resolve().parent.parent
ADVISOR_DOC = ROOT / "docs" / "advisor.md"
# The design document sits in `shared/` beside the checkout (or beside its parent, for a
# git worktree); the check against it is skipped where it is not.
DESIGN = next(
    (p / "shared" / "DESIGN.md" for p in ROOT.parents if (p / "shared" / "DESIGN.md").is_file()),
    None,
)

ALL_NEED_SETS: list[list[str]] = (
    [[]] + [[n] for n in NEEDS] + [list(pair) for pair in itertools.combinations(NEEDS, 2)]
)

TIE = frozenset  # an expected tie at the top: the advice is that either fits


def scenario(
    needs: list[str],
    first: str | frozenset[str],
    also: list[str],
    note: str | None,
    why: str,
) -> ParameterSet:
    """needs; the expected first pick (or the frameworks expected to tie at the top);
    also_consider, exact and in order; a fragment one note must contain (or None); and
    why, from the guide, in words. The id is the needs."""
    return pytest.param(needs, first, also, note, why, id="+".join(needs))


SCENARIOS = [
    scenario(
        ["beginner"],
        "flask",
        [],
        None,
        "FAQ: Flask is the gentlest entry point, its minimal core keeps the cycle clear.",
    ),
    scenario(
        ["beginner", "typed-validation"],
        "fastapi",
        [],
        None,
        "FAQ: FastAPI is beginner-friendly for those comfortable with type hints, and "
        "type-driven validation is its core.",
    ),
    scenario(
        ["beginner", "full-stack"],
        "django",
        [],
        "longer to learn",
        "FAQ: Django is steeper but teaches a complete production structure; a full-stack "
        "app is what it is for.",
    ),
    scenario(
        ["api"],
        "fastapi",
        [],
        None,
        "FAQ: for a new standalone API FastAPI is the most common choice.",
    ),
    scenario(
        ["api", "admin"],
        "django",
        [],
        "Django REST Framework",
        "FAQ: an API that needs Django's admin is served by Django REST Framework.",
    ),
    scenario(
        ["admin", "api", "spa-backend"],
        "django",
        [],
        "Django REST Framework",
        "Only Django has an admin (FastAPI and Flask: 'None'), a 'major advantage'; an "
        "API and SPA backend inside that product go to Django REST Framework, so two "
        "API needs must not outweigh the one thing the others cannot do.",
    ),
    scenario(
        ["api", "relational", "auth"],
        "django",
        [],
        "Django REST Framework",
        "FAQ: an API that needs Django's ORM and auth is served by Django REST Framework.",
    ),
    scenario(
        ["api", "high-concurrency"],
        "fastapi",
        [],
        "database queries",
        "FAQ: FastAPI is among the fastest for I/O-bound APIs, but queries and caching "
        "matter more than the framework.",
    ),
    scenario(
        ["high-concurrency", "structure"],
        "litestar",
        [],
        "benchmark",
        "FAQ: Litestar is at the fast end with FastAPI, and the pick for more structure.",
    ),
    scenario(
        ["full-stack", "relational", "admin"],
        "django",
        [],
        None,
        "FAQ: Django is better for full-stack apps with a relational model and admin.",
    ),
    scenario(
        ["api", "async", "openapi", "typed-validation"],
        "fastapi",
        [],
        None,
        "FAQ: FastAPI is better for async APIs with type-driven validation and docs.",
    ),
    scenario(
        ["full-stack", "admin", "relational", "ai-ml"],
        "django",
        [],
        "django-fastapi template",
        "FAQ: many teams use both, Django for the product core, FastAPI beside it; with "
        "the product core weighing most, Django leads and the note names the pairing.",
    ),
    scenario(
        ["admin", "relational"],
        "django",
        [],
        None,
        "Choose Django for an admin dashboard and a relational data model.",
    ),
    scenario(
        ["ai-ml", "async"], "fastapi", [], None, "Choose FastAPI for AI/ML serving and async I/O."
    ),
    scenario(
        ["small", "full-control"],
        "flask",
        [],
        None,
        "Choose Flask for a small service and full control over the stack.",
    ),
    scenario(
        ["api", "dependency-injection", "structure"],
        "litestar",
        [],
        None,
        "Litestar: built-in dependency injection and more structure than FastAPI.",
    ),
    scenario(["prototype"], "flask", [], None, "Choose Flask when you are prototyping."),
    scenario(
        ["spa-backend"],
        "fastapi",
        [],
        None,
        "Choose FastAPI for backends of mobile or SPA front ends.",
    ),
    scenario(
        ["websockets"],
        "tornado",
        [],
        None,
        "The guide names Tornado for long-lived connections and websockets at scale; "
        "FastAPI's first-class async follows.",
    ),
    scenario(
        ["websockets", "high-concurrency"],
        "fastapi",
        [],
        None,
        "Websockets with many requests in flight: FastAPI is among the fastest for "
        "I/O-bound requests and fits websockets well; Tornado, built for the long-lived "
        "connections, comes second, slower on plain request throughput.",
    ),
    scenario(
        ["websockets", "full-stack"],
        frozenset({"django", "tornado"}),
        ["django-channels"],
        "tie",
        "A complete web app is Django's central strength and websockets at scale are "
        "Tornado's: a tie the note explains; with Django first, Channels is the usual way "
        "to add WebSockets to it.",
    ),
    scenario(
        ["cms"],
        "django",
        ["wagtail"],
        None,
        "Django is for CMS-style products; Wagtail is the CMS built on it.",
    ),
    scenario(
        ["auth"],
        "django",
        [],
        None,
        "Django ships authentication, permissions and sessions out of the box.",
    ),
    scenario(
        ["conventions", "mature-ecosystem"],
        "django",
        [],
        None,
        "Choose Django for convention and a large hiring pool and ecosystem.",
    ),
    scenario(
        ["mature-ecosystem", "small"],
        "flask",
        [],
        None,
        "Flask: a mature ecosystem of extensions and a minimal core for small apps.",
    ),
    scenario(
        ["microservice"],
        TIE({"fastapi", "flask"}),
        [],
        "tie at 2 points",
        "The guide names microservices under FastAPI and a focused microservice under "
        "Flask: neither wins on this alone, and the note says what would separate them.",
    ),
    scenario(
        ["microservice", "small"],
        "flask",
        [],
        None,
        "Choose Flask for a focused microservice that stays small.",
    ),
    scenario(
        ["microservice", "async"],
        "fastapi",
        [],
        None,
        "Choose FastAPI for async microservices; Sanic, an async-focused option, ranks below it.",
    ),
    scenario(
        ["small", "full-control", "async"],
        "quart",
        [],
        None,
        "A small, hand-assembled service that is async throughout: Quart is Flask's small "
        "core and control on asyncio, so it beats Flask (no async) and FastAPI (no small "
        "core); Sanic is the other async-focused option for lean services.",
    ),
    scenario(
        ["prototype", "async"],
        "quart",
        [],
        None,
        "A Flask team going async: Quart keeps the Flask style they prototype in and makes "
        "every view async, where Flask alone is not async and FastAPI is a new style.",
    ),
    scenario(
        ["full-control"],
        "flask",
        [],
        None,
        "Flask for full control; Pyramid, flexible and unopinionated, is a fair second.",
    ),
    scenario(
        ["full-control", "relational"],
        TIE({"django", "flask"}),
        [],
        "hand-assembled",
        "A relational model favours Django's ORM, but full control is Flask's (Pyramid "
        "close behind): mixed answers that tie, explained in a note.",
    ),
    scenario(
        ["full-stack", "async"],
        "django",
        [],
        "ASGI",
        "FAQ: Django handles async (ASGI, async views) and remains the full-stack pick.",
    ),
    scenario(
        ["relational", "llm-streaming"],
        "django-fastapi",
        [],
        "work well together",
        "A relational core is Django's and LLM streaming is FastAPI's; the guide's "
        "answer is both, side by side: the pairing.",
    ),
    scenario(
        ["admin", "auth", "high-concurrency"],
        TIE({"django", "django-fastapi"}),
        [],
        "separate service",
        "Django for the admin and auth core, a FastAPI service for the high-throughput API: "
        "plain Django and the pairing score the same, the pairing meets more of the needs.",
    ),
    scenario(
        ["admin", "llm-streaming"],
        "django-fastapi",
        [],
        "django-fastapi template",
        "Guide: Django for the main product (admin) plus FastAPI for AI-facing streaming.",
    ),
    scenario(
        ["full-stack", "ai-ml"],
        "django-fastapi",
        [],
        "work well together",
        "FAQ: full-stack product with AI endpoints: Django core plus a FastAPI service.",
    ),
    scenario(
        ["dependency-injection"],
        "litestar",
        [],
        None,
        "Litestar has dependency injection built in.",
    ),
    scenario(
        ["structure"],
        "litestar",
        [],
        None,
        "Litestar: more structure than FastAPI for API services.",
    ),
    scenario(
        ["small", "api"],
        "flask",
        [],
        "stronger default",
        "FAQ: Flask stays right for small services; for new API-first projects FastAPI "
        "is the stronger default, said in a note.",
    ),
    scenario(
        ["tiny-to-large"],
        "pyramid",
        [],
        None,
        "Pyramid scales from tiny apps to large ones: the need it answers best.",
    ),
    scenario(
        ["tiny-to-large", "full-control"],
        "pyramid",
        [],
        None,
        "Pyramid: flexible and unopinionated, and it scales from tiny to large; Flask's "
        "control alone does not promise the growth.",
    ),
    scenario(
        ["full-control", "relational", "tiny-to-large"],
        "pyramid",
        [],
        "hand-assembled",
        "Pyramid lets you choose your DBMS and URL structure and grows with the app; "
        "Django's ORM and Flask's control each cover less of it.",
    ),
    scenario(
        ["tiny-to-large", "conventions"],
        "django",
        [],
        None,
        "Growing large with one conventional layout is Django's; Pyramid's many "
        "configuration options are upfront decisions, so it comes second.",
    ),
    scenario(
        ["ai-ml", "llm-streaming"],
        "fastapi",
        [],
        None,
        "FastAPI is the de facto choice for model serving and LLM/agent endpoints.",
    ),
    scenario(
        ["llm-streaming"],
        "fastapi",
        [],
        None,
        "FastAPI's first-class async is a natural fit for streaming.",
    ),
    scenario(
        ["typed-validation", "openapi"],
        "fastapi",
        [],
        None,
        "Choose FastAPI for type-driven validation and automatic OpenAPI docs.",
    ),
    scenario(
        ["flask-async"],
        "quart",
        [],
        None,
        "A Flask team going async: Quart is Flask's API on asyncio; Flask's own async "
        "views each wait in a thread of a WSGI worker.",
    ),
    scenario(
        ["async", "small"],
        "quart",
        [],
        None,
        "An async service that stays small: Quart has async views on Flask's small core; "
        "FastAPI meets only the async need and Flask only the small one.",
    ),
    scenario(
        ["async", "full-control"],
        "quart",
        [],
        None,
        "Async with every component chosen by hand: Quart prescribes no layout or ORM, as "
        "Flask, and is async throughout; FastAPI leaves less to you; Pyramid is "
        "unopinionated too but a WSGI framework, so async gives it nothing.",
    ),
    scenario(
        ["async"],
        TIE({"fastapi", "quart"}),
        [],
        "tie at 3 points",
        "Async I/O alone is central to both FastAPI and Quart: a tie, and the note says "
        "which further needs (small, full control, a prototype) point to Quart.",
    ),
    scenario(
        ["beginner", "structure"],
        "django",
        [],
        "matched more of your needs",
        "Flask (beginner), Litestar (structure) and Django (both, less strongly) score "
        "the same; Django meets both needs, so it leads.",
    ),
    scenario(
        ["own-server"],
        "sanic",
        [],
        None,
        "Sanic ships its own production server, as Tornado does; the others need a separate "
        "ASGI or WSGI one.",
    ),
    scenario(
        ["own-server", "microservice"],
        "sanic",
        [],
        None,
        "A lean async service on the framework's own server: Sanic.",
    ),
    scenario(
        ["own-server", "async", "high-concurrency"],
        "fastapi",
        [],
        None,
        "The guide names FastAPI for async, high-concurrency APIs; Sanic, async-focused on "
        "its own server, places second.",
    ),
]


@pytest.mark.parametrize(("needs", "first", "also", "note", "why"), SCENARIOS)
def test_scenario(
    needs: list[str], first: str | frozenset[str], also: list[str], note: str | None, why: str
) -> None:
    rec = recommend(needs)
    top, second = rec.ranking[0], rec.ranking[1]
    if isinstance(first, frozenset):
        tied = {r.framework for r in rec.ranking if r.score == top.score}
        assert tied == first, why
    else:
        assert rec.recommended == first, why
        assert top.framework == first, why
        assert second.score < top.score or len(second.reasons) < len(top.reasons), (
            "the pick must not come from the fixed order alone"
        )
    assert top.reasons, "the pick must come with reasons"
    assert [a.name for a in rec.also_consider] == also, why
    if note is not None:
        assert any(note in text for text in rec.notes), rec.notes


def test_scenarios_cover_every_alternative() -> None:
    shown: set[str] = set()
    for param in SCENARIOS:
        also = param.values[2]
        assert isinstance(also, list)
        shown.update(also)
    every = {rule.alternative.name for rule in RULES if rule.alternative is not None}
    assert shown == every


# --- vocabulary -------------------------------------------------------------------------


def _backticked(text: str) -> list[str]:
    return re.findall(r"`([a-z][a-z-]*)`", text)


def test_vocabulary_is_the_one_design_md_lists() -> None:
    if DESIGN is None:
        pytest.skip("DESIGN.md is not beside this checkout")
    text = DESIGN.read_text(encoding="utf-8")
    section = text[text.index("### Needs") :]
    listed = section[section.index("\n`") : section.index("\n\n", section.index("\n`"))]
    designed = _backticked(listed)
    # The design's needs come first, unchanged and in order; a template may add its own
    # after them (documented with the others in docs/advisor.md).
    assert list(NEEDS)[: len(designed)] == designed


def test_vocabulary_is_the_one_the_advisor_docs_describe() -> None:
    text = ADVISOR_DOC.read_text(encoding="utf-8")
    text = text[text.index("## Needs\n") :]
    text = text[: text.index("\n## ", 1)]
    rows = re.findall(r"^\| `([a-z-]+)` \|", text, re.MULTILINE)
    assert rows == list(NEEDS)
    assert set(REASONS) == set(NEEDS)


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
    # A pairing is never the pick for one need alone (each of its halves is, more simply);
    # it is the pick when the needs call for both halves.
    firsts = {recommend([need]).recommended for need in NEEDS}
    pairings = {name for name in FRAMEWORKS if "-" in name}
    assert firsts == set(FRAMEWORKS) - pairings
    for pairing in pairings:
        halves = pairing.split("-")
        mixed = [
            (first, second)
            for first in NEEDS
            for second in NEEDS
            if recommend([first]).recommended == halves[0]
            and recommend([second]).recommended == halves[1]
            and recommend([first, second]).recommended == pairing
        ]
        assert mixed, pairing


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
def test_ranking_holds_every_framework_best_first(needs: list[str]) -> None:
    rec = recommend(needs)
    assert sorted(r.framework for r in rec.ranking) == sorted(FRAMEWORKS)
    scores = [r.score for r in rec.ranking]
    assert scores == sorted(scores, reverse=True)
    for higher, lower in itertools.pairwise(rec.ranking):
        if higher.score == lower.score:  # a tie goes to the one that meets more needs
            assert len(higher.reasons) >= len(lower.reasons)
    if needs:
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


def test_no_needs_recommends_nothing_and_says_how_to_give_some() -> None:
    rec = recommend([])
    assert rec.recommended is None
    assert sorted(r.framework for r in rec.ranking) == sorted(FRAMEWORKS)
    assert all(r.score == 0 and r.reasons == () for r in rec.ranking)
    assert rec.notes == (NO_NEEDS_NOTE,)
    assert "no recommendation" in NO_NEEDS_NOTE
    assert "--need" in NO_NEEDS_NOTE
    assert "recommend --help" in NO_NEEDS_NOTE
    assert rec.also_consider == ()
    text = format_recommendation(rec)
    assert "Recommended" not in text
    assert "point" not in text  # no scores: nothing was ranked
    assert text.startswith("No recommendation")
    for framework in FRAMEWORKS:
        assert f"{TITLES[framework]} ({framework})" in text


# --- needs only one framework meets -------------------------------------------------------


def _pairings_with(framework: str) -> set[str]:
    """Templates that pair `framework` with another (django-fastapi holds Django)."""
    return {name for name in FRAMEWORKS if "-" in name and framework in name.split("-")}


def _only_here() -> list[tuple[str, str]]:
    return [
        (need, r.framework) for need, rs in REASONS.items() for r in rs if r.weight == ONLY_HERE
    ]


def test_admin_is_a_capability_only_django_has() -> None:
    # The guide's comparison: the admin interface is Django's, "None" for the others.
    assert ("admin", "django") in _only_here()


@pytest.mark.parametrize(("need", "owner"), _only_here())
def test_a_need_only_one_framework_meets_is_its_alone_and_says_so(need: str, owner: str) -> None:
    # A pairing built on the owner has the capability through it; nothing else does.
    (reason,) = [r for r in REASONS[need] if r.framework not in _pairings_with(owner)]
    assert reason.framework == owner
    assert "only" in reason.text.lower()
    assert "counts double" in reason.text


@pytest.mark.parametrize(("need", "owner"), _only_here())
def test_a_need_only_one_framework_meets_outweighs_two_strengths_of_another(
    need: str, owner: str
) -> None:
    # With it, no other framework wins on any two other needs: the project would have to
    # build that capability itself.
    for pair in itertools.combinations([n for n in NEEDS if n != need], 2):
        rec = recommend([need, *pair])
        assert (
            rec.recommended in {owner, *_pairings_with(owner)}
            or rec.ranking[0].score == rec.ranking[1].score
        ), pair


# --- option defaults ------------------------------------------------------------------------


def test_llm_streaming_turns_on_fastapis_streaming_endpoint_by_default() -> None:
    assert option_defaults(["llm-streaming"], "fastapi") == {"streaming": True}
    assert option_defaults(["api"], "fastapi") == {}
    for framework in FRAMEWORKS:
        if framework != "fastapi":
            assert option_defaults(["llm-streaming"], framework) == {}


def test_async_and_websockets_put_django_on_asgi() -> None:
    # The guide: Django handles async through ASGI and async views.
    assert option_defaults(["async"], "django") == {"django_server": "asgi"}
    assert option_defaults(["websockets", "admin"], "django") == {"django_server": "asgi"}


@pytest.mark.parametrize(
    ("need", "framework", "options"),
    [(n, f, o) for n, by in OPTION_DEFAULTS.items() for f, o in by.items()],
)
def test_every_option_default_is_a_valid_answer_asked_for_that_framework(
    need: str, framework: str, options: dict[str, object]
) -> None:
    questions = render.load_questions(render.template_root())
    assert need in NEEDS
    assert framework in FRAMEWORKS
    for key, value in options.items():
        assert key in questions
        answers = {"framework": framework, "project_name": "demo", key: value}
        errors = render.validate_answers(questions, answers, folder_name="demo")
        assert key not in errors, errors[key]
        assert value != questions[key].get("default"), (
            "a default equal to copier.yml's does nothing"
        )


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
    rec = recommend(["full-stack", "ai-ml", "cms"])
    doc = recommendation_to_json(rec)
    assert list(doc) == ["recommended", "ranking", "also_consider", "notes", "alternatives"]
    assert doc["recommended"] == "django"
    ranking = doc["ranking"]
    assert isinstance(ranking, list)
    assert [r["framework"] for r in ranking] == [r.framework for r in rec.ranking]
    for entry in ranking:
        assert list(entry) == ["framework", "score", "reasons"]
        assert isinstance(entry["score"], int)
        assert isinstance(entry["reasons"], list)
        assert all(isinstance(t, str) for t in entry["reasons"])
    assert doc["also_consider"] == ["wagtail"]
    alternatives = doc["alternatives"]
    assert isinstance(alternatives, list)
    assert [a["name"] for a in alternatives] == doc["also_consider"]
    assert all(list(a) == ["name", "why"] and a["why"] for a in alternatives)
    assert doc["notes"] == list(rec.notes)
    assert json.loads(json.dumps(doc)) == doc


def test_json_for_no_needs() -> None:
    doc = json.loads(json.dumps(recommendation_to_json(recommend([]))))
    assert doc["recommended"] is None
    assert sorted(r["framework"] for r in doc["ranking"]) == sorted(FRAMEWORKS)
    assert all(r["score"] == 0 and r["reasons"] == [] for r in doc["ranking"])
    assert doc["also_consider"] == []
    assert doc["alternatives"] == []
    assert doc["notes"] == [NO_NEEDS_NOTE]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    "needs", [["admin", "relational"], ["full-stack", "ai-ml"], ["microservice", "async"]]
)
def test_text_output_shows_pick_scores_reasons_alternatives_and_notes(needs: list[str]) -> None:
    rec: Recommendation = recommend(needs)
    assert rec.recommended is not None
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


def test_the_advisor_docs_give_every_option_default() -> None:
    text = ADVISOR_DOC.read_text(encoding="utf-8")
    for need, by_framework in OPTION_DEFAULTS.items():
        for framework, options in by_framework.items():
            for key, value in options.items():
                shown = json.dumps(value) if isinstance(value, bool) else str(value)
                row = f"| `{need}` | {TITLES[framework]} | `{key}: {shown}`"
                assert row in text, row
