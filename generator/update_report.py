"""What `new-project update` says: the outcome of an update, as lines to print."""

from __future__ import annotations

from generator.update import UpdateResult


def missing_version(version: str) -> str:
    """Why a project whose template version the store lacks cannot be updated here."""
    return (
        f"this project was made from template version {version}, which the template store "
        "on this machine does not hold (it keeps the versions new-project has run here), so "
        "there is nothing to compare your files with. Run that version once to add it, e.g. "
        f"`uvx --from new-project-advisor=={version} new-project update --defaults`, "
        "then update again."
    )


def report(result: UpdateResult) -> tuple[list[str], str | None]:
    """The lines to print, and the error to end with (conflicts are left) or None."""
    if not result.changed:
        return [
            f"{result.project} is up to date: template version {result.new_version}, "
            "nothing changed."
        ], None
    if result.old_version == result.new_version:
        lines = [
            f"{result.project} stays at template version {result.new_version}; "
            "your new answers changed its files."
        ]
    else:
        lines = [f"Updated {result.project} from {result.old_version} to {result.new_version}."]
    if result.lock_note:
        lines.append(result.lock_note)
    if result.new_answers:
        lines.append("Questions new since the project's template version, and their answers:")
        for key, value in result.new_answers.items():
            shown = str(value).lower() if isinstance(value, bool) else value
            lines.append(f"  {key}: {shown}")
        lines.append(
            "To answer differently, commit this update, then run `new-project update` "
            "(it asks every question again, offering your answers)."
        )
    if not result.conflicts:
        lines.append("Review the changes with `git diff`, run the tests, then commit them.")
        return lines, None
    lines.append("Conflicts to resolve (the template and your edits changed the same lines):")
    lines += [f"  {name}" for name in result.conflicts]
    lines.append(
        "In each file keep what you need between the <<<<<<< and >>>>>>> markers and delete "
        "the markers (a .rej file holds a change to apply by hand: apply it, then delete the "
        "file). Then `git add` the files, run the tests and commit. To drop the whole "
        "update instead: git reset --hard && git clean -fd"
    )
    return lines, f"{len(result.conflicts)} file(s) with conflicts; nothing is committed."
