"""The registry of frameworks: one entry of facts per template folder.

Everything else that needs to know the frameworks reads them from here: the command line
(choices, help, `list --json`), the advisor's framework list and titles, the tests and the
benchmarks. `templates/_shared/facts.jinja` is written from this registry
(`write_facts_jinja`), and the few lists Copier must hold itself in `copier.yml` are checked
against it by `tests/test_catalog.py`. docs/adding-a-framework.md has the steps.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field, replace


@dataclass(frozen=True)
class Service:
    """One server a generated project runs: a template has one, a pairing has several."""

    name: str
    serve: str  # run in the generated project; `{port}` is the port to listen on
    hello_path: str
    docs_path: str
    api_base: str
    hello_json: dict[str, str] = field(default_factory=dict)
    schema_path: str = ""
    validation_status: int = 422
    serve_env: dict[str, str] = field(default_factory=dict)


# The keys of a service in `new-project list --json` (DESIGN.md's command-line contract).
SERVICE_KEYS = ("name", "serve", "hello_path", "docs_path", "api_base")


@dataclass(frozen=True)
class Template:
    name: str  # the template folder under templates/, and the `framework` answer
    title: str
    summary: str
    stack: tuple[str, ...]
    hello_path: str
    hello_json: dict[str, str]
    docs_path: str  # the interactive API docs
    schema_path: str  # the OpenAPI document, as JSON
    api_base: str  # the path prefix of the resource contract's routes ("" for none)
    serve: str  # run in the generated project; `{port}` is the port to listen on
    migrate: str
    # The development server the README gives, on port 8000; `{package_name}` stands for
    # the project's package.
    dev: str
    docker_cmd: tuple[str, ...]  # the image's CMD: `serve` on 0.0.0.0:8000, without uv
    docs_url: str
    # Top-level modules the project imports: a package of the same name would shadow them
    # (copier.yml's `package_name` validator refuses each).
    modules: tuple[str, ...]
    validation_status: int  # the status of a validation error (docs/resource-contract.md)
    # Environment for a plain-HTTP production run on loopback (TLS ends at a proxy).
    serve_env: dict[str, str] = field(default_factory=dict)
    # The app signs sessions or tokens with SECRET_KEY (so .env gets a random one).
    signs_with_secret_key: bool = False
    # Appended to `dev` in compose.yaml: the development server listens on every interface
    # inside its container, on port 8000.
    dev_in_container: str = ""
    # The ConfigMap of deploy/kubernetes: production settings that are not secret.
    # `{public_host}` stands for the host name the Ingress serves.
    deploy_settings: dict[str, str] = field(default_factory=dict)
    # A page of a default project that sets a cookie (None: the template sets none), and
    # whether the production server sends HSTS on HTTPS requests. The contract checks both.
    cookie_path: str | None = None
    hsts: bool = False
    # With `auth=false`, API writes that still need a user: a command run in the project
    # that creates one, and its environment, in which `{username}` and `{password}` name
    # the user (HTTP Basic). Empty when writes are open.
    # With `auth=true`: the command the README gives to create a user (the first one) from
    # the command line, and the environment that makes it ask nothing; `{email}` and
    # `{password}` stand for the user's.
    create_user: str = ""
    create_user_env: dict[str, str] = field(default_factory=dict)
    # A websocket chat room (`?room=NAME`, `{"text": ...}` in, every member gets each
    # message): the contract's room step checks it. None: the template has none.
    websocket_path: str | None = None
    # Servers the project runs besides the one the fields above describe (a pairing's).
    more_services: tuple[Service, ...] = ()
    # The name of the server the top-level fields describe (default: the template's name).
    main_service: str = ""

    @property
    def services(self) -> tuple[Service, ...]:
        """Every server of the project, the one the top-level fields describe first."""
        main = Service(
            name=self.main_service or self.name,
            serve=self.serve,
            hello_path=self.hello_path,
            docs_path=self.docs_path,
            api_base=self.api_base,
            hello_json=self.hello_json,
            schema_path=self.schema_path,
            validation_status=self.validation_status,
            serve_env=self.serve_env,
        )
        return (main, *self.more_services)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        data["services"] = [
            {key: getattr(service, key) for key in SERVICE_KEYS} for service in self.services
        ]
        return data


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            dev_in_container=" 0.0.0.0:8000",
            deploy_settings={
                "DEBUG": "false",
                "ALLOWED_HOSTS": "{public_host}",
                "CSRF_TRUSTED_ORIGINS": "https://{public_host}",
                "MAX_REQUEST_BYTES": "1048576",
            },
            name="django",
            title="Django",
            summary="Batteries included: ORM, migrations, admin, auth and a REST API.",
            stack=(
                "Django 5.2 LTS",
                "Django REST Framework",
                "drf-spectacular (OpenAPI)",
                "django-environ",
                "WhiteNoise",
                "gunicorn (sync workers, or uvicorn workers for ASGI)",
                "psycopg 3 for PostgreSQL",
                "pytest-django, django-stubs",
            ),
            hello_path="/hello/",
            hello_json={"message": "Hello from Django"},
            docs_path="/api/docs/",
            schema_path="/api/schema/",
            api_base="/api",
            serve="uv run gunicorn --bind 127.0.0.1:{port}",
            migrate="uv run python manage.py migrate",
            dev="uv run python manage.py runserver",
            docker_cmd=("gunicorn", "--bind", "0.0.0.0:8000"),
            docs_url="https://docs.djangoproject.com/en/5.2/",
            modules=("django", "rest_framework", "drf_spectacular", "gunicorn", "uvicorn"),
            validation_status=400,
            serve_env={
                "DEBUG": "false",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
            },
            signs_with_secret_key=True,
            cookie_path="/admin/login/",  # the CSRF cookie of the login form
            hsts=True,  # SecurityMiddleware
            create_user="uv run python manage.py createsuperuser --noinput",
            create_user_env={
                "DJANGO_SUPERUSER_USERNAME": "{email}",  # where the user model has one
                "DJANGO_SUPERUSER_EMAIL": "{email}",
                "DJANGO_SUPERUSER_PASSWORD": "{password}",
            },
        ),
        Template(
            dev_in_container=" --host 0.0.0.0 --port 8000",
            deploy_settings={"DEBUG": "false", "CORS_ORIGINS": "", "MAX_REQUEST_BYTES": "1048576"},
            name="fastapi",
            title="FastAPI",
            summary="Async API: Pydantic v2 validation, SQLAlchemy or SQLModel, Alembic, docs.",
            stack=(
                "FastAPI",
                "Pydantic v2 + pydantic-settings",
                "SQLAlchemy 2 async or SQLModel",
                "Alembic",
                "granian (ASGI server)",
                "pytest + httpx",
            ),
            hello_path="/hello",
            hello_json={"message": "Hello from FastAPI"},
            docs_path="/docs",
            schema_path="/openapi.json",
            api_base="",
            serve=(
                "uv run granian --interface asgi --host 127.0.0.1 --port {port} "
                "--workers 2 --workers-kill-timeout 5 asgi:app"
            ),
            migrate="uv run alembic upgrade head",
            dev="uv run fastapi dev src/{package_name}/main.py",
            docker_cmd=(
                "granian",
                "--interface",
                "asgi",
                "--host",
                "0.0.0.0",  # noqa: S104 - inside the container
                "--port",
                "8000",
                "--workers",
                "2",
                "--workers-kill-timeout",
                "5",
                "asgi:app",
            ),
            docs_url="https://fastapi.tiangolo.com/",
            modules=(
                "fastapi",
                "starlette",
                "pydantic",
                "sqlalchemy",
                "sqlmodel",
                "alembic",
                "granian",
            ),
            validation_status=422,
            create_user="uv run create-user {email}",
            create_user_env={"CREATE_USER_PASSWORD": "{password}"},
        ),
        Template(
            dev_in_container=" --host 0.0.0.0",
            deploy_settings={"MAX_REQUEST_BYTES": "1048576"},
            name="flask",
            title="Flask",
            summary="Small core: app factory, Flask-SQLAlchemy, Flask-Migrate, flask-smorest.",
            stack=(
                "Flask 3",
                "Flask-SQLAlchemy 3",
                "Flask-Migrate (Alembic)",
                "flask-smorest + marshmallow",
                "gunicorn",
                "pytest",
            ),
            hello_path="/hello",
            hello_json={"message": "Hello from Flask"},
            docs_path="/docs",
            schema_path="/openapi.json",
            api_base="",
            serve="uv run gunicorn --bind 127.0.0.1:{port}",
            migrate="uv run flask db upgrade",
            dev="uv run flask run --debug --port 8000",
            docker_cmd=("gunicorn", "--bind", "0.0.0.0:8000"),
            docs_url="https://flask.palletsprojects.com/",
            modules=(
                "flask",
                "flask_sqlalchemy",
                "flask_migrate",
                "flask_smorest",
                "marshmallow",
                "sqlalchemy",
                "alembic",
                "gunicorn",
            ),
            signs_with_secret_key=True,
            validation_status=422,
            create_user="uv run flask create-user {email}",
            create_user_env={"NEW_USER_PASSWORD": "{password}"},
        ),
        Template(
            dev_in_container=" --host 0.0.0.0 --port 8000",
            deploy_settings={"DEBUG": "false", "CORS_ALLOW_ORIGINS": ""},
            name="litestar",
            title="Litestar",
            summary="Structured async API: controllers, DI, Advanced Alchemy, DTOs, OpenAPI.",
            stack=(
                "Litestar 2",
                "Advanced Alchemy (SQLAlchemy 2 async)",
                "msgspec or Pydantic v2",
                "Alembic",
                "uvicorn",
                "pytest + AsyncTestClient",
            ),
            hello_path="/hello",
            hello_json={"message": "Hello from Litestar"},
            docs_path="/schema",
            schema_path="/schema/openapi.json",
            api_base="",
            # `serve` (the project's script) checks the settings, then runs uvicorn app:app;
            # the app logs each request itself.
            serve="uv run serve --host 127.0.0.1 --port {port} --workers 2 --no-access-log",
            migrate="uv run litestar database upgrade --no-prompt",
            dev="uv run litestar run --reload",
            docker_cmd=(
                "serve",
                "--host",
                "0.0.0.0",  # noqa: S104 - inside the container
                "--port",
                "8000",
                "--workers",
                "2",
                "--no-access-log",
            ),
            docs_url="https://docs.litestar.dev/",
            modules=(
                "litestar",
                "advanced_alchemy",
                "msgspec",
                "pydantic",
                "sqlalchemy",
                "alembic",
                "uvicorn",
            ),
            validation_status=400,
            create_user="uv run litestar create-user {email}",
            create_user_env={"CREATE_USER_PASSWORD": "{password}"},
        ),
        Template(
            dev_in_container=" --host 0.0.0.0",
            deploy_settings={"DEBUG": "false", "CORS_ORIGINS": "", "MAX_REQUEST_BYTES": "1048576"},
            name="quart",
            title="Quart",
            summary="Flask's API on ASGI: async views, blueprints, quart-schema, SQLAlchemy async.",
            stack=(
                "Quart",
                "quart-schema + Pydantic v2 (OpenAPI)",
                "SQLAlchemy 2 async",
                "Alembic",
                "granian (ASGI server)",
                "pytest + httpx",
            ),
            hello_path="/hello",
            hello_json={"message": "Hello from Quart"},
            docs_path="/docs",
            schema_path="/openapi.json",
            api_base="",
            serve=(
                "uv run granian --interface asgi --host 127.0.0.1 --port {port} "
                "--workers 2 --workers-kill-timeout 5 asgi:app"
            ),
            migrate="uv run alembic upgrade head",
            dev="uv run quart --app {package_name} run --reload --port 8000",
            docker_cmd=(
                "granian",
                "--interface",
                "asgi",
                "--host",
                "0.0.0.0",  # noqa: S104 - inside the container
                "--port",
                "8000",
                "--workers",
                "2",
                "--workers-kill-timeout",
                "5",
                "asgi:app",
            ),
            docs_url="https://quart.palletsprojects.com/",
            modules=(
                "quart",
                "quart_schema",
                "werkzeug",
                "pydantic",
                "sqlalchemy",
                "alembic",
                "granian",
            ),
            validation_status=422,
            create_user="uv run create-user {email}",
            create_user_env={"CREATE_USER_PASSWORD": "{password}"},
        ),
        Template(
            dev_in_container=" --host 0.0.0.0 --port 8000",
            deploy_settings={"DEBUG": "false", "CORS_ORIGINS": "", "MAX_REQUEST_BYTES": "1048576"},
            name="sanic",
            title="Sanic",
            summary="Async API on Sanic's own server: blueprints, sanic-ext OpenAPI, Pydantic v2.",
            stack=(
                "Sanic (its own multi-worker server)",
                "sanic-ext (OpenAPI, docs, CORS)",
                "Pydantic v2 + pydantic-settings",
                "SQLAlchemy 2 async",
                "Alembic",
                "pytest + httpx over ASGI",
            ),
            hello_path="/hello",
            hello_json={"message": "Hello from Sanic"},
            docs_path="/docs",
            schema_path="/docs/openapi.json",
            api_base="",
            # `serve` (the project's script) checks the settings, then runs Sanic's server.
            serve="uv run serve --host 127.0.0.1 --port {port} --workers 2",
            migrate="uv run alembic upgrade head",
            dev="uv run serve --dev",
            docker_cmd=(
                "serve",
                "--host",
                "0.0.0.0",  # noqa: S104 - inside the container
                "--port",
                "8000",
                "--workers",
                "2",
            ),
            docs_url="https://sanic.dev/",
            modules=(
                "sanic",
                "sanic_ext",
                "sanic_routing",
                "sanic_testing",
                "pydantic",
                "sqlalchemy",
                "alembic",
            ),
            validation_status=400,
            create_user="uv run create-user {email}",
            create_user_env={"CREATE_USER_PASSWORD": "{password}"},
        ),
        Template(
            dev_in_container=" --host 0.0.0.0",
            deploy_settings={"MAX_REQUEST_BYTES": "1048576"},
            name="pyramid",
            title="Pyramid",
            summary="Flexible WSGI: Configurator, pyramid_tm, SQLAlchemy 2, spec-first OpenAPI.",
            stack=(
                "Pyramid 2",
                "pyramid_tm + zope.sqlalchemy (SQLAlchemy 2)",
                "Alembic",
                "pyramid_openapi3 (spec-first OpenAPI 3)",
                "gunicorn",
                "pytest + WebTest",
            ),
            hello_path="/hello",
            hello_json={"message": "Hello from Pyramid"},
            docs_path="/docs/",
            schema_path="/openapi.json",
            api_base="",
            serve="uv run gunicorn --bind 127.0.0.1:{port}",
            migrate="uv run alembic upgrade head",
            dev="uv run python -m {package_name}.devserver",
            docker_cmd=("gunicorn", "--bind", "0.0.0.0:8000"),
            docs_url="https://docs.pylonsproject.org/projects/pyramid/en/latest/",
            modules=(
                "pyramid",
                "pyramid_tm",
                "pyramid_openapi3",
                "openapi_core",
                "transaction",
                "zope",
                "webob",
                "sqlalchemy",
                "alembic",
                "gunicorn",
                "jwt",
            ),
            validation_status=400,
            hsts=True,
            create_user="uv run create-user {email}",
            create_user_env={"CREATE_USER_PASSWORD": "{password}"},
        ),
        Template(
            dev_in_container=" --host 0.0.0.0 --port 8000",
            deploy_settings={"MAX_REQUEST_BYTES": "1048576", "CORS_ORIGINS": ""},
            name="tornado",
            title="Tornado",
            summary="Long-lived connections: a websocket chat room, Pydantic, SQLAlchemy async.",
            stack=(
                "Tornado 6 (its own HTTP server, forked processes)",
                "Pydantic v2 + pydantic-settings",
                "SQLAlchemy 2 async",
                "Alembic",
                "OpenAPI built from the route table",
                "pytest + a real server in the test process",
            ),
            hello_path="/hello",
            hello_json={"message": "Hello from Tornado"},
            docs_path="/docs",
            schema_path="/openapi.json",
            api_base="",
            # `serve` (the project's script) checks the settings, binds the socket and forks
            # the server processes; the handlers log each request themselves.
            serve="uv run serve --host 127.0.0.1 --port {port} --processes 2",
            migrate="uv run alembic upgrade head",
            dev="uv run dev",
            docker_cmd=(
                "serve",
                "--host",
                "0.0.0.0",  # noqa: S104 - inside the container
                "--port",
                "8000",
                "--processes",
                "2",
            ),
            docs_url="https://www.tornadoweb.org/",
            modules=("tornado", "pydantic", "sqlalchemy", "alembic"),
            validation_status=422,
            create_user="uv run create-user {email}",
            create_user_env={"CREATE_USER_PASSWORD": "{password}"},
            websocket_path="/ws",
        ),
    )
}


# The guide's pairing: the Django product (admin, accounts, the schema and its migrations)
# with a FastAPI service beside it on the same database and the same users. The top-level
# facts are the Django product's, so what reads one server per template keeps working.
TEMPLATES["django-fastapi"] = replace(
    TEMPLATES["django"],
    name="django-fastapi",
    title="Django + FastAPI",
    summary="Django product (admin, accounts, migrations) plus an async FastAPI service.",
    main_service="django",
    stack=(
        "Django 5.2 LTS",
        "Django REST Framework",
        "drf-spectacular (OpenAPI)",
        "django-environ",
        "WhiteNoise",
        "gunicorn (WSGI workers)",
        "psycopg 3 for PostgreSQL",
        "pytest-django, django-stubs",
        "FastAPI service: SQLAlchemy 2 async on Django's tables, Pydantic v2",
        "granian (the service's ASGI server)",
    ),
    modules=(
        *TEMPLATES["django"].modules,
        "fastapi",
        "starlette",
        "pydantic",
        "sqlalchemy",
        "granian",
    ),
    more_services=(
        Service(
            name="service",
            serve=(
                "uv run granian --interface asgi --host 127.0.0.1 --port {port} "
                "--workers 2 --workers-kill-timeout 5 fastapi_app.asgi:app"
            ),
            hello_path="/hello",
            hello_json={"message": "Hello from FastAPI"},
            docs_path="/docs",
            schema_path="/openapi.json",
            api_base="",
            validation_status=422,
        ),
    ),
)

NAMES: tuple[str, ...] = tuple(TEMPLATES)

# The keys of `new-project list --json`, in order (DESIGN.md's command-line contract).
LIST_KEYS = (
    "name",
    "summary",
    "stack",
    "hello_path",
    "docs_path",
    "schema_path",
    "api_base",
    "serve",
    "migrate",
    "services",
)


def list_json() -> list[dict[str, object]]:
    """`new-project list --json`: the contract's keys, in a fixed order."""
    return [{key: t.as_json()[key] for key in LIST_KEYS} for t in TEMPLATES.values()]


def list_text() -> str:
    """`new-project list`: each template's summary, stack and production command."""
    lines = []
    width = max(len(name) for name in TEMPLATES)
    for template in TEMPLATES.values():
        lines.append(f"{template.name:<{width}} {template.summary}")
        lines.append(f"{'':<{width}} stack: {', '.join(template.stack)}")
        lines.append(f"{'':<{width}} serve: {template.serve}")
    return "\n".join(lines)


class UnknownFrameworkError(ValueError):
    """A framework name that is not in the registry."""

    def __init__(self, name: str) -> None:
        self.name = name
        import difflib  # only for a misspelt name

        close = difflib.get_close_matches(name.strip().lower(), NAMES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        super().__init__(f"unknown framework {name!r}{hint}; choose one of {', '.join(NAMES)}.")


def resolve(name: str) -> str:
    """The registry name for a framework given in any letter case (`FastAPI`).

    Raises UnknownFrameworkError, with the closest name as a hint, for any other name.
    """
    # A pairing's title ("Django + FastAPI") names it too.
    key = re.sub(r"\s*\+\s*|\s+", "-", name.strip().lower())
    if key not in TEMPLATES:
        raise UnknownFrameworkError(name)
    return key


def names_text(conjunction: str = "or") -> str:
    """The names for a sentence: "django, fastapi, flask or litestar"."""
    *rest, last = NAMES
    return f"{', '.join(rest)} {conjunction} {last}" if rest else last


# A plain path: catalog is imported by the quick `list` and `recommend` answers.
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FACTS_JINJA = os.path.join(_REPO, "templates", "_shared", "facts.jinja")


def facts_jinja() -> str:
    """The text of templates/_shared/facts.jinja: this registry as the Jinja the shared
    partials import (Copier renders templates without this package)."""
    facts = {
        t.name: {
            "title": t.title,
            "serve": t.serve,
            "migrate": t.migrate,
            "dev": t.dev,
            "hello": t.hello_path,
            "docs": t.docs_path,
            "schema": t.schema_path,
            "api_base": t.api_base,
            "docker_cmd": list(t.docker_cmd),
            "signs_with_secret_key": t.signs_with_secret_key,
            "dev_in_container": t.dev_in_container,
            "deploy_settings": t.deploy_settings,
        }
        for t in TEMPLATES.values()
    }
    # JSON is valid Jinja literal syntax except for true/false, which Jinja spells the same
    # in lower case too.
    # `{package_name}` in a command becomes the answer, joined in Jinja.
    body = json.dumps(facts, indent=2).replace("{package_name}", '" ~ package_name ~ "')
    return (
        "{#- Written from generator/catalog.py (the registry) by\n"
        "    `python -c 'from generator import catalog; catalog.write_facts_jinja()'`;\n"
        "    tests/test_catalog.py checks it is current. Do not edit by hand. -#}\n"
        f"{{%- set all_facts = {body} -%}}\n"
        "{%- set facts = all_facts[framework] -%}\n"
        "{%- set framework_title = facts.title -%}\n"
        "{%- set serve_cmd = facts.serve -%}\n"
        "{%- set migrate_cmd = facts.migrate -%}\n"
        "{%- set dev_cmd = facts.dev -%}\n"
        "{%- set hello_path = facts.hello -%}\n"
        "{%- set docs_path = facts.docs -%}\n"
        "{%- set schema_path = facts.schema -%}\n"
        "{%- set api_base = facts.api_base -%}\n"
        "{%- set docker_cmd = facts.docker_cmd -%}\n"
        # Accounts sign their tokens with SECRET_KEY in every template.
        "{%- set signs_with_secret_key = facts.signs_with_secret_key or auth -%}\n"
        "{%- set dev_in_container = facts.dev_in_container -%}\n"
        "{%- set deploy_settings = facts.deploy_settings -%}\n"
    )


def write_facts_jinja() -> None:
    with open(FACTS_JINJA, "w", encoding="utf-8") as facts:
        facts.write(facts_jinja())
