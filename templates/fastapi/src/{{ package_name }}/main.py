"""The application factory and the ASGI application that servers import."""

from fastapi import FastAPI


def create_app() -> FastAPI:
    app = FastAPI()

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"message": "Hello from FastAPI"}

    return app


app = create_app()
