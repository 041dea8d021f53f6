"""Logging: one JSON object per line in production (see request_log.py), so that a log
collector can parse it."""

from litestar.logging.config import LoggingConfig

from .request_log import JsonFormatter


def logging_config(*, debug: bool) -> LoggingConfig:
    """Litestar's logging, as JSON lines unless in debug mode. Exceptions are logged by the
    handlers in `errors.py`, once each, and only those that are the server's fault."""
    formatter: dict[str, object] = (
        {"format": "%(levelname)s - %(asctime)s - %(name)s - %(message)s"}
        if debug
        else {"()": JsonFormatter}
    )
    # Written straight to stderr: Litestar's default queue handler would format a record
    # before this formatter sees it, folding the traceback into the message.
    console = {"class": "logging.StreamHandler", "formatter": "standard"}
    return LoggingConfig(
        formatters={"standard": formatter},
        handlers={"console": console},
        root={"level": "INFO", "handlers": ["console"]},
        loggers={"litestar": {"level": "INFO", "handlers": ["console"], "propagate": False}},
        log_exceptions="never",
    )
