"""The guide's minimal Pyramid app: one route, one JSON view, Pyramid's own Configurator."""

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.view import view_config


@view_config(route_name="hello", renderer="json")
def hello(request: Request) -> dict[str, str]:
    return {"message": "Hello from Pyramid"}


with Configurator() as config:
    config.add_route("hello", "/hello")
    config.scan()
    app = config.make_wsgi_app()
