"""The request handlers, one module per resource; `app.ROUTES` maps paths to them."""
