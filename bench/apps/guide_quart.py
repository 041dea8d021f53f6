"""The guide's minimal app written for Quart: one async view answering /hello."""

from quart import Quart

app = Quart(__name__)


@app.route("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello from Quart"}
