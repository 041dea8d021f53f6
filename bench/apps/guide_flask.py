"""The guide's minimal Flask app, as written there."""

from flask import Flask, Response, jsonify

app = Flask(__name__)


@app.route("/hello")
def hello() -> Response:
    return jsonify(message="Hello from Flask")
