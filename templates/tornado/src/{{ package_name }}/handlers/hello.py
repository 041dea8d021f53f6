"""`GET /hello`: the minimal example."""

from ..openapi import operation
from ..schemas import Message
from .base import ApiHandler


class HelloHandler(ApiHandler):
    @operation("Say hello", "hello", response=Message)
    async def get(self) -> None:
        self.answer(Message(message="Hello from Tornado"))
