from fastapi import APIRouter

router = APIRouter(tags=["hello"])


@router.get("/hello")
async def hello() -> dict[str, str]:
    # A plain dict, as in FastAPI's minimal example: no model to validate on the way out.
    return {"message": "Hello from FastAPI"}
