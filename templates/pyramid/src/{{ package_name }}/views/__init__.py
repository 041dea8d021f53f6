"""The views, found by `config.scan(".views")`; their routes are in routes.py.

Views marked `openapi=True` get their request validated against the OpenAPI document
first (`request.openapi_validated`) and their response checked against it after."""
