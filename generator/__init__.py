"""new-project: recommend a Python web framework and render a production-shaped starter."""

__version__ = "0.1.0"
