"""The guide's minimal app written for Quart: Flask's minimal example, with an async view."""

from quart import Quart

app = Quart(__name__)


@app.route("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello from Quart"}
