"""The API's routes, one module per resource; `main.create_app` includes each router."""
