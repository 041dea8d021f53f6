"""The advisor's vocabulary and its weighted reasons: each need a person can state, and
what each framework brings to it, in the guide's terms and in our own words.

Data only; `generator/advisor.py` ranks with it.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    # Needs added with a template, after the design's vocabulary (docs/advisor.md).
    "tiny-to-large": "Start as a tiny app and grow into a large one on the same framework",
    "flask-async": "Flask's way of writing an app, with async views (a Flask team going async)",
    "own-server": "An async framework that runs on its own production server",
}


@dataclass(frozen=True)
class Reason:
    framework: str
    weight: int
    text: str


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
        Reason(
            "django-fastapi",
            2,
            "The Django product serves the pages, forms and sessions; its FastAPI "
            "service takes the API work beside it, on the same database and users.",
        ),
    ),
    "relational": (
        Reason(
            "django",
            3,
            "Its own ORM and schema migrations are made for data-model-heavy "
            "apps on PostgreSQL, MySQL, SQLite or Oracle.",
        ),
        Reason(
            "django-fastapi",
            2,
            "Django's models and migrations own the schema; the FastAPI service maps "
            "the same tables with SQLAlchemy instead of keeping a second schema.",
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
        Reason(
            "django-fastapi",
            5,
            "Keeps Django's generated admin over all the data, the service's writes "
            "included; it trails plain Django only because a second server costs "
            "something.",
        ),
    ),
    "auth": (
        Reason(
            "django",
            3,
            "Accounts, permissions and sessions are part of the framework, "
            "so there is nothing to wire together.",
        ),
        Reason(
            "django-fastapi",
            2,
            "One user base for both servers: Django's accounts issue the tokens and the "
            "FastAPI service accepts them.",
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
            "sanic",
            1,
            "A lean async service that starts with one command and no separate server to pick.",
        ),
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
            "sanic",
            1,
            "Async-focused from its first release: every handler is a coroutine on its own "
            "event loop.",
        ),
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
        Reason(
            "quart",
            3,
            "Flask rewritten for asyncio: every view, hook and error handler can be async "
            "and await slow calls, on ASGI, with Flask's API.",
        ),
    ),
    "high-concurrency": (
        Reason(
            "sanic",
            1,
            "Built for speed on an async server of its own, with worker processes; the guide "
            "still prefers FastAPI for typical APIs.",
        ),
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
        Reason(
            "django-fastapi",
            2,
            "The high-throughput endpoints go to an async FastAPI service, while the "
            "product stays in Django.",
        ),
        Reason(
            "tornado",
            1,
            "One event loop per process holds many open connections cheaply, though for "
            "plain request throughput FastAPI and Litestar are faster.",
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
        Reason("quart", 1, "The quart-schema extension documents the routes as OpenAPI."),
    ),
    "ai-ml": (
        Reason(
            "fastapi",
            3,
            "The de facto home for model serving and agent or inference "
            "APIs, where async concurrency keeps the server busy while models work.",
        ),
        Reason(
            "django-fastapi",
            2,
            "AI and inference endpoints live in a FastAPI service beside the Django "
            "product: the guide's common pattern for products with an AI-facing API.",
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
        Reason(
            "django-fastapi",
            2,
            "The FastAPI service streams model output as server-sent events, with the "
            "users and data of the Django product.",
        ),
    ),
    "websockets": (
        Reason(
            "tornado",
            3,
            "A mature async framework and networking library built for long-lived "
            "connections: well suited to websockets at scale, with its own server.",
        ),
        Reason(
            "fastapi",
            2,
            "First-class async makes WebSocket endpoints simple to add next to ordinary routes.",
        ),
        Reason(
            "litestar", 1, "Handles WebSockets on the same async foundation as its HTTP routes."
        ),
        Reason(
            "quart",
            1,
            "WebSocket routes are built in and written like its HTTP views, with the same "
            "request context.",
        ),
    ),
    "small": (
        Reason(
            "flask",
            3,
            "A minimal core keeps a small service small, where Django's "
            "structure would be overkill.",
        ),
        Reason(
            "quart",
            2,
            "Flask's small core, so an async service stays as small as a Flask one.",
        ),
        Reason("pyramid", 1, "Scales down to a single-file app with a few routes."),
    ),
    "prototype": (
        Reason(
            "flask",
            3,
            "Very little ceremony between an idea and a running endpoint, with "
            "a development server and debugger included.",
        ),
        Reason(
            "quart",
            2,
            "A Flask team can start an async prototype in the style it already writes, "
            "with a reloading development server.",
        ),
    ),
    "full-control": (
        Reason(
            "flask",
            3,
            "No prescribed layout or ORM: you pick every component and design the stack yourself.",
        ),
        Reason(
            "pyramid",
            2,
            "Unopinionated: the database, the URL structure (URL dispatch, or traversal "
            "over a tree of resources) and the templating are yours to choose, at the "
            "price of more configuration decisions up front.",
        ),
        Reason("fastapi", 1, "Leaves the project layout and the data layer up to you."),
        Reason(
            "quart",
            2,
            "Like Flask, it prescribes no layout or ORM: you choose each piece, async ones "
            "included.",
        ),
    ),
    "flask-async": (
        Reason(
            "quart",
            3,
            "Flask's API (app factory, blueprints, request context, error handlers) "
            "reimplemented on asyncio and ASGI, so Flask code and habits carry over and "
            "every view can be async.",
        ),
        Reason(
            "flask",
            1,
            "Flask itself runs `async def` views, each in an event loop of its own on a WSGI "
            "worker: fine for a few awaits, not for many connections at once.",
        ),
    ),
    "tiny-to-large": (
        Reason(
            "pyramid",
            3,
            "Scales from a one-file app to a large one without changing frameworks: the "
            "same Configurator, includes and views carry one route or hundreds, and "
            "its configuration options let a growing app reorganise rather than rewrite.",
        ),
        Reason(
            "flask",
            1,
            "Starts tiny; a large Flask app needs a structure you or a convention impose.",
        ),
        Reason(
            "django",
            1,
            "Carries a large project well, though even a tiny one starts with its full layout.",
        ),
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
    "own-server": (
        Reason(
            "sanic",
            3,
            "Ships its own production HTTP server with worker processes, auto-reload and a "
            "request-size limit: one dependency serves the app, no ASGI or WSGI server to add.",
        ),
        Reason(
            "tornado",
            2,
            "Runs on its own HTTP server too, forking the worker processes itself, though "
            "it is built around long-lived connections more than a lean request API.",
        ),
    ),
}
