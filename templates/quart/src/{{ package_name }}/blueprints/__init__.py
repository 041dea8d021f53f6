"""The API's routes, one blueprint per resource; `create_app` registers each."""
