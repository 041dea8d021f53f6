"""Which framework fits what you are building.

The advice here is data. Each need a person can state (``NEEDS``) carries weighted
reasons for one or more frameworks (``REASONS``); a few rules (``RULES``) add notes and
other tools worth a look when the answers point that way; a need can also set the default
of a template option (``OPTION_DEFAULTS``). ``recommend`` adds the weights up and orders
the frameworks of the registry; it does nothing else. With no needs there is nothing to
rank on, so there is no recommendation.
"""

from __future__ import annotations

import difflib
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from generator.catalog import TEMPLATES

# The frameworks with a template, in the registry's order (the last tie-break).
FRAMEWORKS: tuple[str, ...] = tuple(TEMPLATES)
TITLES: dict[str, str] = {name: template.title for name, template in TEMPLATES.items()}

# The order here is the order in which the questions are shown.
NEEDS: dict[str, str] = {
    "full-stack": "A complete web app: server-rendered pages, forms, sessions",
    "relational": "A relational data model with many related tables and migrations",
    "admin": "An admin dashboard over your data",
    "auth": "User accounts, login and permissions ready to use",
    "cms": "Content-heavy pages or a CMS",
    "conventions": "One conventional, well-trodden way to lay out the project",
    "mature-ecosystem": "A large, mature ecosystem and hiring pool",
    "api": "A JSON / REST API as the main product",
    "microservice": "A focused microservice that does one job",
    "spa-backend": "The backend for a single-page or mobile front end",
    "async": "Async I/O throughout, e.g. calls to slow external services",
    "high-concurrency": "Many requests in flight at once / high throughput",
    "typed-validation": "Request validation driven by Python type hints",
    "openapi": "Interactive OpenAPI / Swagger docs generated for you",
    "ai-ml": "Serving AI/ML models or agent and inference endpoints",
    "llm-streaming": "Streaming LLM output to clients as it is produced",
    "websockets": "WebSockets or other long-lived connections",
    "small": "A small, lightweight service",
    "prototype": "A quick prototype",
    "full-control": "Full control: you choose every component of the stack",
    "beginner": "You are new to Python web development",
    "dependency-injection": "Dependency injection built into the framework",
    "structure": "An API framework with more built-in structure than FastAPI",
}


class UnknownNeedError(ValueError):
    """One or more needs are not in the vocabulary."""

    def __init__(self, unknown: list[str]) -> None:
        self.unknown = unknown
        parts = []
        for name in unknown:
            close = difflib.get_close_matches(name, NEEDS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            parts.append(f"{name!r}{hint}")
        label = "need" if len(unknown) == 1 else "needs"
        super().__init__(f"Unknown {label}: {', '.join(parts)}. Valid needs: {', '.join(NEEDS)}.")


@dataclass(frozen=True)
class Reason:
    framework: str
    weight: int
    text: str


@dataclass(frozen=True)
class Alternative:
    name: str
    why: str


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


# Weights: 3 = a central strength for this need, 2 = a strong fit, 1 = it works well enough.
# ONLY_HERE is for a capability that one framework ships and the others lack entirely (the
# guide's "None" for them): without it the project would have to build that part itself,
# which outweighs the strengths of another framework for any one other need.
ONLY_HERE = 6
REASONS: dict[str, tuple[Reason, ...]] = {
    "full-stack": (
        Reason(
            "django",
            3,
            "Covers a whole web application in one package: ORM, templates, "
            "forms, sessions and security defaults are all built in.",
        ),
    ),
    "relational": (
        Reason(
            "django",
            3,
            "Its own ORM and schema migrations are made for data-model-heavy "
            "apps on PostgreSQL, MySQL, SQLite or Oracle.",
        ),
    ),
    "admin": (
        Reason(
            "django",
            ONLY_HERE,
            "The only one with an admin: it generates list, create, edit and delete "
            "screens over your models from almost no code. The others have none, so you "
            "would build it yourself; this need counts double.",
        ),
    ),
    "auth": (
        Reason(
            "django",
            3,
            "Accounts, permissions and sessions are part of the framework, "
            "so there is nothing to wire together.",
        ),
    ),
    "cms": (
        Reason(
            "django",
            3,
            "Content-heavy sites and CMS-style products are a core use case; "
            "templates and the admin do much of the work.",
        ),
    ),
    "conventions": (
        Reason(
            "django",
            3,
            "Decides where things go (apps, settings), which gives one "
            "cohesive, well-travelled route to production.",
        ),
    ),
    "mature-ecosystem": (
        Reason(
            "django",
            3,
            "A very large, long-established ecosystem (Django REST Framework "
            "among it) and a deep pool of developers to hire from.",
        ),
        Reason(
            "flask",
            2,
            "A big, modular set of mature extensions and excellent "
            "documentation built up over many years.",
        ),
    ),
    "api": (
        Reason(
            "fastapi",
            3,
            "The usual choice for a new standalone API: Pydantic checks "
            "every request and the docs are generated for you.",
        ),
        Reason(
            "litestar",
            2,
            "Built for API services, with more structure out of the box than FastAPI.",
        ),
        Reason(
            "django",
            1,
            "Django REST Framework is a mature, battle-tested way to serve "
            "an API from a Django code base.",
        ),
        Reason(
            "flask",
            1,
            "Extensions such as Flask-Smorest or Flask-RESTful add REST "
            "endpoints on top of the minimal core.",
        ),
    ),
    "microservice": (
        Reason(
            "fastapi",
            2,
            "Lean, async-native services that do one job over HTTP are what it was designed for.",
        ),
        Reason(
            "flask",
            2,
            "A focused service can stay tiny: you add only the pieces that one service needs.",
        ),
        Reason(
            "litestar",
            1,
            "Its async-first core and built-in dependency injection suit service-sized APIs.",
        ),
    ),
    "spa-backend": (
        Reason(
            "fastapi",
            3,
            "JSON backends for single-page and mobile front ends are a "
            "primary target, with a typed schema the front end can rely on.",
        ),
        Reason(
            "litestar", 1, "Being API-first as well, it fits the JSON backend a front end talks to."
        ),
    ),
    "async": (
        Reason(
            "fastapi",
            3,
            "Async from end to end: built on Starlette and ASGI, so "
            "awaiting slow external calls is the normal way to write a handler.",
        ),
        Reason("litestar", 2, "Async-first by design and running on ASGI, like FastAPI."),
        Reason(
            "django",
            1,
            "Runs on ASGI with async views and an async ORM that is still "
            "maturing, so async work is possible without leaving Django.",
        ),
    ),
    "high-concurrency": (
        Reason(
            "fastapi",
            3,
            "Among the fastest Python frameworks for I/O-bound work with "
            "many requests in flight at once.",
        ),
        Reason(
            "litestar",
            2,
            "Async-native and built with performance in mind, it sits "
            "beside FastAPI at the fast end for I/O-bound APIs.",
        ),
    ),
    "typed-validation": (
        Reason(
            "fastapi",
            3,
            "Type hints drive parsing, validation and serialisation through "
            "Pydantic v2, so bad input is rejected before your code runs.",
        ),
        Reason(
            "litestar",
            2,
            "Validates with Pydantic or attrs models and shapes what goes in and out through DTOs.",
        ),
        Reason(
            "django",
            1,
            "Forms and DRF serializers validate input, although type hints stay optional.",
        ),
    ),
    "openapi": (
        Reason(
            "fastapi",
            3,
            "Serves Swagger UI and ReDoc from an OpenAPI schema derived "
            "from your code, so the docs never drift from it.",
        ),
        Reason(
            "litestar",
            2,
            "Also produces an OpenAPI schema from your route handlers without extra tooling.",
        ),
        Reason("flask", 1, "Flask-Smorest can generate OpenAPI docs for a Flask API."),
    ),
    "ai-ml": (
        Reason(
            "fastapi",
            3,
            "The de facto home for model serving and agent or inference "
            "APIs, where async concurrency keeps the server busy while models work.",
        ),
    ),
    "llm-streaming": (
        Reason(
            "fastapi",
            3,
            "Any handler can be async and stream its response, which suits "
            "sending LLM output token by token.",
        ),
        Reason("litestar", 1, "Its async-first core streams responses as well."),
    ),
    "websockets": (
        Reason(
            "fastapi",
            2,
            "First-class async makes WebSocket endpoints simple to add next to ordinary routes.",
        ),
        Reason(
            "litestar", 1, "Handles WebSockets on the same async foundation as its HTTP routes."
        ),
    ),
    "small": (
        Reason(
            "flask",
            3,
            "A minimal core keeps a small service small, where Django's "
            "structure would be overkill.",
        ),
    ),
    "prototype": (
        Reason(
            "flask",
            3,
            "Very little ceremony between an idea and a running endpoint, with "
            "a development server and debugger included.",
        ),
    ),
    "full-control": (
        Reason(
            "flask",
            3,
            "No prescribed layout or ORM: you pick every component and design the stack yourself.",
        ),
        Reason("fastapi", 1, "Leaves the project layout and the data layer up to you."),
    ),
    "beginner": (
        Reason(
            "flask",
            3,
            "The gentlest start: its minimal core keeps the request/response cycle easy to follow.",
        ),
        Reason(
            "fastapi",
            2,
            "Friendly to newcomers who are already comfortable with Python type hints.",
        ),
        Reason(
            "django",
            1,
            "Steeper at first because of its conventions, but it teaches a "
            "complete production-grade structure and is the skill most asked for in "
            "full-stack Python roles.",
        ),
    ),
    "dependency-injection": (
        Reason(
            "litestar",
            3,
            "Dependency injection is built in and central to how an application is put together.",
        ),
        Reason("fastapi", 1, "Offers a lightweight dependency system through Depends."),
    ),
    "structure": (
        Reason(
            "litestar",
            3,
            "Gives API services more structure than FastAPI in a "
            "batteries-included, async-first package.",
        ),
        Reason(
            "django",
            2,
            "Its fixed layout of apps and settings carries a large project "
            "without you having to invent one.",
        ),
    ),
}

TORNADO = Alternative(
    "tornado",
    "A mature async framework and networking library, well suited to holding many "
    "WebSockets or other long-lived connections at scale.",
)
QUART = Alternative(
    "quart",
    "Keeps Flask's API but runs on ASGI, for when you like Flask's style and need async.",
)
PYRAMID = Alternative(
    "pyramid",
    "Unopinionated and able to grow from tiny to large apps: you choose the database, URL "
    "layout and templating, at the price of more configuration decisions up front.",
)
SANIC = Alternative(
    "sanic",
    "Another async-focused framework, an option for lean async services.",
)
DJANGO_CHANNELS = Alternative(
    "django-channels",
    "Adds WebSockets and other long-lived connections to a Django project, next to its "
    "ordinary views, on ASGI.",
)
WAGTAIL = Alternative(
    "wagtail",
    "A content management system built on Django: page models, an editor's interface and "
    "content workflows on top of what Django gives you.",
)
DJANGO_PLUS_FASTAPI = Alternative(
    "django+fastapi",
    "Build the product core (admin, web app, relational data) in Django and run a FastAPI "
    "service beside it for the AI-facing or high-throughput API.",
)


@dataclass(frozen=True)
class Rule:
    """Adds a note and/or an alternative when the needs call for it.

    It applies when at least one need from ``when_any`` is chosen, at least one from
    ``and_any`` too (if given), none from ``unless_any``, and, if ``top`` is given, that
    framework is ranked first.
    """

    when_any: frozenset[str]
    and_any: frozenset[str] = frozenset()
    unless_any: frozenset[str] = frozenset()
    note: str = ""
    alternative: Alternative | None = None
    top: str | None = None

    def applies(self, needs: frozenset[str], first: str) -> bool:
        return (
            bool(needs & self.when_any)
            and (not self.and_any or bool(needs & self.and_any))
            and not needs & self.unless_any
            and (self.top is None or self.top == first)
        )


_PRODUCT_CORE = frozenset({"full-stack", "admin", "relational"})
_FLASK_STYLE = frozenset({"small", "prototype", "full-control"})
_ASYNC = frozenset({"async", "high-concurrency", "websockets"})

RULES: tuple[Rule, ...] = (
    Rule(
        _PRODUCT_CORE,
        and_any=frozenset({"ai-ml", "high-concurrency", "llm-streaming"}),
        note="Your answers mix a product core (web app, admin, relational data) with "
        "AI or high-throughput API work. Django and FastAPI work well together here: "
        "Django for the main product, FastAPI as a separate service for that API.",
        alternative=DJANGO_PLUS_FASTAPI,
    ),
    Rule(
        frozenset({"api"}),
        and_any=frozenset({"full-stack", "admin", "relational", "auth", "cms"}),
        note="An API that lives inside a Django product, or needs Django's ORM, auth and "
        "admin, is best served by Django REST Framework; a new standalone API usually goes "
        "to FastAPI.",
    ),
    Rule(
        _PRODUCT_CORE | {"cms"},
        and_any=frozenset({"async"}),
        note="Wanting async does not rule Django out: it runs on ASGI with async views and "
        "a maturing async ORM. FastAPI is still the more natural fit when most of the work "
        "is async API or streaming traffic.",
    ),
    Rule(
        frozenset({"beginner"}),
        and_any=_PRODUCT_CORE | {"cms", "conventions", "auth"},
        note="Django takes longer to learn than Flask because of its conventions, but it "
        "teaches a complete, production-grade application structure.",
    ),
    Rule(
        _FLASK_STYLE,
        and_any=_PRODUCT_CORE | {"cms", "conventions", "auth"},
        note="Some answers ask for a minimal, hand-assembled stack and others for features "
        "that come built in. With Flask you add admin, auth and structure yourself; Django "
        "ships them but brings its conventions. Decide which matters more to you.",
    ),
    Rule(
        _FLASK_STYLE,
        and_any=frozenset({"api", "openapi", "typed-validation"}),
        note="For a new API-first project FastAPI is the stronger default (async, built-in "
        "validation, generated docs); Flask remains a good choice when you want a minimal "
        "core and full control.",
    ),
    Rule(
        frozenset({"high-concurrency"}),
        note="Raw framework speed rarely decides real-world performance: database queries, "
        "caching and architecture matter far more than benchmark numbers.",
    ),
    Rule(frozenset({"websockets"}), top="django", alternative=DJANGO_CHANNELS),
    Rule(frozenset({"cms"}), alternative=WAGTAIL),
    Rule(frozenset({"websockets"}), alternative=TORNADO),
    Rule(_ASYNC, and_any=_FLASK_STYLE, alternative=QUART),
    Rule(
        frozenset({"full-control"}),
        unless_any=frozenset({"small", "prototype"}),
        alternative=PYRAMID,
    ),
    Rule(
        frozenset({"async", "high-concurrency"}),
        and_any=frozenset({"microservice", "small"}),
        alternative=SANIC,
    ),
)

# A need the user stated sets the default of the matching template option, per framework
# (copier.yml's questions). They are defaults only: --data, a data file or the prompt still
# decide.
OPTION_DEFAULTS: dict[str, dict[str, dict[str, object]]] = {
    # The template's server-sent-events endpoint is the shape of an LLM streaming endpoint.
    "llm-streaming": {"fastapi": {"streaming": True}},
    # Async views and WebSockets need Django on ASGI: gunicorn with uvicorn workers.
    "async": {"django": {"django_server": "asgi"}},
    "websockets": {"django": {"django_server": "asgi"}},
}

NO_NEEDS_NOTE = (
    "No needs were given, so there is no recommendation: the frameworks are listed in no "
    "particular order. Say what you are building with --need NEED (repeatable); "
    "`new-project recommend --help` lists the needs. Match the framework to the shape of "
    "your app (full-stack product, API service, or small hand-built service) rather than "
    "to benchmarks or hype."
)


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
