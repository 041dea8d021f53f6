from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["hello"])


class Greeting(BaseModel):
    message: str


@router.get("/hello")
async def hello() -> Greeting:
    return Greeting(message="Hello from FastAPI")
