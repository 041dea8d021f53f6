"""The minimal Litestar app: one async `/hello` handler, in the shape of the guide's examples."""

from litestar import Litestar, get


@get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello from Litestar"}


app = Litestar([hello])
