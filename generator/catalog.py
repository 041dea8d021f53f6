"""What each template is: its stack, and the commands its README gives.

`templates/_shared/facts.jinja` renders the same commands into each project's README and
Dockerfile; `tests/test_catalog.py` renders every template and checks the two agree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    summary: str
    stack: tuple[str, ...]
    hello_path: str
    hello_json: dict[str, str]
    docs_path: str
    serve: str  # run in the generated project; `{port}` is the port to listen on
    migrate: str
    docs_url: str
    # Environment for a plain-HTTP production run on loopback (TLS ends at a proxy).
    serve_env: dict[str, str] = field(default_factory=dict)
    # A page of a default project that sets a cookie (None: the template sets none), and
    # whether the production server sends HSTS on HTTPS requests. The contract checks both.
    cookie_path: str | None = None
    hsts: bool = False

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["stack"] = list(self.stack)
        return data


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
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
            serve="uv run gunicorn --bind 127.0.0.1:{port}",
            migrate="uv run python manage.py migrate",
            docs_url="https://docs.djangoproject.com/en/5.2/",
            serve_env={
                "DEBUG": "false",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
            },
            cookie_path="/admin/login/",  # the CSRF cookie of the login form
            hsts=True,  # SecurityMiddleware
        ),
        Template(
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
            serve=(
                "uv run granian --interface asgi --host 127.0.0.1 --port {port} "
                "--workers 2 --workers-kill-timeout 5 --access-log asgi:app"
            ),
            migrate="uv run alembic upgrade head",
            docs_url="https://fastapi.tiangolo.com/",
        ),
        Template(
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
            serve="uv run gunicorn --bind 127.0.0.1:{port}",
            migrate="uv run flask db upgrade",
            docs_url="https://flask.palletsprojects.com/",
        ),
        Template(
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
            serve="uv run uvicorn app:app --host 127.0.0.1 --port {port} --workers 2",
            migrate="uv run litestar database upgrade --no-prompt",
            docs_url="https://docs.litestar.dev/",
        ),
    )
}


def list_json() -> list[dict[str, object]]:
    """`new-project list --json`: the contract's keys, in a fixed order."""
    keys = ("name", "summary", "stack", "hello_path", "docs_path", "serve", "migrate")
    return [{key: t.as_json()[key] for key in keys} for t in TEMPLATES.values()]
