"""The guide's minimal FastAPI app, as written there."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello from FastAPI"}
