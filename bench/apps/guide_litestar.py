"""The minimal Litestar app: one async `/hello` handler, like the guide's FastAPI one."""

from litestar import Litestar, get


@get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello from Litestar"}


app = Litestar([hello])
