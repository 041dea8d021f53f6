"""The advisor's rules: notes and other tools worth a look when the needs point that way,
and the template option defaults a stated need sets.

Data only; `generator/advisor.py` applies it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Alternative:
    name: str
    why: str


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

RULES: tuple[Rule, ...] = (
    Rule(
        _PRODUCT_CORE,
        and_any=frozenset({"ai-ml", "high-concurrency", "llm-streaming"}),
        note="Your answers mix a product core (web app, admin, relational data) with "
        "AI or high-throughput API work. Django and FastAPI work well together here: "
        "Django for the main product, FastAPI as a separate service for that API, on the "
        "same database and users; the django-fastapi template sets up both.",
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
