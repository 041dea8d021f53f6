"""The API's routes: one blueprint per resource; `app.create_app` registers each."""
