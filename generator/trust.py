"""Whether a template may run code here: its unsafe features, and the user's trust list.

Copier refuses a template with tasks, Jinja extensions or migrations unless `--trust` is
given or the source is in the `trust` list of the user's Copier settings file. It checks
only once our own questions are answered; checking a local template first stops before
the first prompt. The trust list is read and matched the way Copier matches it.
"""

from __future__ import annotations

import os
import posixpath
import re
import warnings
from collections.abc import Iterable
from pathlib import Path, PureWindowsPath
from urllib.parse import urlsplit, urlunsplit

from generator import git
from generator.answers import load_config
from generator.errors import UsageError

UNSAFE_FEATURES = ("tasks", "jinja_extensions")
# Copier's source prefixes for hosted repositories.
_ALIASES = ("gh:", "gl:")
_SCP_URL = re.compile(r"^(?:[^/@:\s]+@)?[^/:\s]+:.+$")  # git's [user@]host:path
_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")  # RFC 3986 unreserved characters


def check_trusted(source: str, *, trust: bool) -> None:
    """Refuse a local template that runs code here (tasks, Jinja extensions) unless trusted.

    A local source that is not a directory is refused here too, naming it.
    """
    root = Path(source).expanduser()
    if not git.is_url(source) and not root.is_dir():
        raise UsageError(f"The template source {source} is not a directory or a git URL.")
    if trust or not (root / "copier.yml").is_file():
        return
    config = load_config(root)
    features = [name for name in UNSAFE_FEATURES if config.get(f"_{name}")]
    if features and not is_trusted_by_settings(source):
        raise UsageError(untrusted_message(source, ", ".join(features)))


def untrusted_message(source: str, features: str) -> str:
    return (
        f"The template {source} uses {features}, which can run code on this machine. "
        "Pass --trust only if you trust it."
    )


def is_trusted_by_settings(source: str) -> bool:
    """Whether the user's Copier settings (`trust:`) trust `source`."""
    from copier import load_settings
    from copier.errors import CopierWarning, SettingsError

    try:
        with warnings.catch_warnings():
            # A settings path that names no file is no settings, as for Copier's runs here.
            warnings.simplefilter("ignore", CopierWarning)
            settings = load_settings()
    except SettingsError as error:
        raise UsageError(f"The Copier settings file is not valid: {error}") from error
    return is_trusted(settings.trust, source)


def is_trusted(trust: Iterable[str], source: str) -> bool:
    """Copier's rule: an entry ending in `/` trusts everything under it, any other entry
    one source exactly; paths and URLs are compared with `.`, `..` and `~` resolved,
    except for URLs with unusual characters, which must match as written."""
    safe = _is_safe(source)
    normalized = _normalize(source)
    for entry in trust:
        if safe and _is_safe(entry):
            if entry.endswith("/"):
                if normalized.startswith(_normalize(entry)):
                    return True
            elif normalized == _normalize(entry):
                return True
        elif source == entry:
            return True
    return False


def _is_url_style(source: str) -> bool:
    return "://" in source or source.startswith(_ALIASES)


def _is_scp_style(source: str) -> bool:
    return not PureWindowsPath(source).is_absolute() and _SCP_URL.fullmatch(source) is not None


def _is_safe(source: str) -> bool:
    """A local path, or a remote one whose path has only unreserved characters."""
    if _is_url_style(source):
        path = urlsplit(source).path
    elif _is_scp_style(source):
        path = source.split(":", 1)[1]
    else:
        return True
    segments = path.split("/")
    if segments and segments[0] == "":
        segments = segments[1:]
    if segments and segments[-1] == "":
        segments = segments[:-1]
    return all(_SAFE_SEGMENT.fullmatch(segment) for segment in segments)


def _normalize(source: str) -> str:
    if _is_url_style(source):
        parts = urlsplit(source)
        path = _normalize_url_path(parts.path)
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))
    if _is_scp_style(source):
        host, path = source.split(":", 1)
        return f"{host}:{_normalize_url_path(path)}"
    if source.startswith("~"):
        source = os.path.expanduser(source)
    normalized = os.path.normpath(source)
    if source.endswith(("/", os.sep)) and not normalized.endswith(os.sep):
        normalized += os.sep
    return normalized


def _normalize_url_path(path: str) -> str:
    normalized = posixpath.normpath(path) if path else path
    if path.endswith("/") and not normalized.endswith("/"):
        normalized += "/"
    return normalized
