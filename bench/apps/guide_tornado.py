"""The minimal Tornado app, in the shape of the guide's examples: one `/hello` handler."""

from tornado.web import Application, RequestHandler


class HelloHandler(RequestHandler):
    def get(self) -> None:
        self.write({"message": "Hello from Tornado"})


app = Application([(r"/hello", HelloHandler)])
