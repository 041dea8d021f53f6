"""Tag names of the template store: one per version of the tool, and its variants.

When the shipped templates change while the tool's version does not (an editable
install), the new content gets a variant tag that sorts later: `0.1.0`, then
`0.1.0.post1`, `0.1.0.post2`...
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def next_tag(version: str, taken: Iterable[str]) -> str:
    """The tag for new content under `version`: the version itself, else the next variant.

    A plain release gets post-releases (`1.2.0.post1`). Any other version (pre, dev, post or
    local) gets a local label (`1.2.0rc1+1`): appending `.postN` to those gives strings that
    git describe based version readers (Copier's) do not parse.
    """
    taken = set(taken)
    if version not in taken:
        return version
    numbers = [n for n in (variant_number(tag, version) for tag in taken) if n is not None]
    return _variant(version, max(numbers, default=0) + 1)


def _variant(version: str, number: int) -> str:
    if _is_plain_release(version):
        return f"{version}.post{number}"
    return f"{version}{'.' if '+' in version else '+'}{number}"


def variant_number(tag: str, version: str) -> int | None:
    """0 for `version` itself, N for its N-th variant, None for an unrelated tag."""
    if tag == version:
        return 0
    separator = r"\.post" if _is_plain_release(version) else (r"\." if "+" in version else r"\+")
    match = re.fullmatch(re.escape(version) + separator + r"([1-9][0-9]*)", tag)
    return int(match.group(1)) if match else None


def _is_plain_release(version: str) -> bool:
    return re.fullmatch(r"[0-9]+(\.[0-9]+)*", version) is not None


def version_problem(version: str) -> str | None:
    """Why the tool's `version` cannot name a version in the store, or None."""
    from packaging.version import InvalidVersion, Version

    try:
        Version(version)
    except InvalidVersion:
        return f"The tool's version {version!r} is not a PEP 440 version."
    if not re.fullmatch(r"[0-9A-Za-z.+!_-]+", version):
        return f"The tool's version {version!r} cannot be a git tag."
    return None
