"""The application factory and the ASGI application that servers import."""

from litestar import Litestar, get


@get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello from Litestar"}


def create_app() -> Litestar:
    return Litestar(route_handlers=[hello])


app = create_app()
