from pydantic import BaseModel
from quart import Blueprint
from quart_schema import document_response, tag

blueprint = Blueprint("hello", __name__)


class Greeting(BaseModel):
    """The greeting."""

    message: str


@blueprint.get("/hello")
@tag(["hello"])
@document_response(Greeting)
async def hello() -> dict[str, str]:
    # A plain dict, as in Quart's minimal example: Quart answers it as JSON.
    return {"message": "Hello from Quart"}
