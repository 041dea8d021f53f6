from quart import Blueprint
from quart_schema import tag

blueprint = Blueprint("hello", __name__)


@blueprint.get("/hello")
@tag(["hello"])
async def hello() -> dict[str, str]:
    # A plain dict, as in Quart's minimal example: Quart answers it as JSON.
    return {"message": "Hello from Quart"}
