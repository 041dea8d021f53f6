"""The `new-project` command line: parse, call the modules below, report.

Heavy modules (copier, questionary, the advisor) are imported inside the commands that
need them, so `new-project --help` and `--version` start at once.

Exit codes: 0 ok, 1 failure while working, 2 bad usage or input, 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from generator import __version__
from generator.advisor import NEEDS  # plain data, cheap: the help texts list the needs
from generator.catalog import TEMPLATES, names_text

if TYPE_CHECKING:
    from generator.store import StoreVersion

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


# What a bare `new-project` prints (to stderr, exit 2: it is a usage error, but one that
# deserves directions rather than "Missing command").
GETTING_STARTED = """\
Usage: new-project DEST [OPTIONS]      generate a project in DEST
       new-project COMMAND [ARGS]...

Common commands:
  new-project my-service               ask what you build, then generate it
  new-project recommend --need api     rank the frameworks for your needs
  new-project recommend --help         the needs the advisor understands
  new-project list                     the templates, their stacks and commands
  new-project --help                   every command and option
"""


class _DefaultToCreate(TyperGroup):
    """`new-project DEST ...` means `new-project create DEST ...`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: typer's own Context
        if not args:
            typer.echo(GETTING_STARTED, err=True, nl=False)
            raise typer.Exit(EXIT_USAGE)
        own_options = {"--help", "-h", "--version", "--install-completion", "--show-completion"}
        if args[0] not in self.commands and args[0] not in own_options:
            args = ["create", *args]
        return super().parse_args(ctx, args)


class _NeedsHelp(TyperCommand):
    """Help that ends with every need and what it means, then every template that can be
    recommended, names kept whole in a column."""

    def format_epilog(self, ctx: Any, formatter: Any) -> None:  # click's own types
        with formatter.section("Needs"):
            formatter.write_dl(list(NEEDS.items()))
        with formatter.section("Templates"):
            formatter.write_dl([(t.name, f"{t.title}: {t.summary}") for t in TEMPLATES.values()])


app = typer.Typer(
    cls=_DefaultToCreate,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=(
        "Recommend a Python web framework for what you are building and generate a "
        "production-shaped starter.\n\n"
        "Usage: new-project DEST [OPTIONS] (the same as `new-project create DEST`)."
    ),
)


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"new-project: error: {message}", err=True)
    raise typer.Exit(code)


def _interrupted() -> NoReturn:
    typer.echo("\nnew-project: interrupted; nothing was written.", err=True)
    raise typer.Exit(EXIT_INTERRUPTED)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"new-project {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Options shared by every command (none but --version and --help)."""


@app.command()
def create(
    dest: Annotated[Path, typer.Argument(help="Directory to create (new or empty).")],
    framework: Annotated[
        str | None, typer.Option(help=f"{names_text()} (any letter case).")
    ] = None,
    need: Annotated[
        list[str] | None,
        typer.Option(metavar="NEED", help="What you are building (repeatable); see recommend -h."),
    ] = None,
    data: Annotated[
        list[str] | None,
        typer.Option(metavar="KEY=VALUE", help="Answer a template question (repeatable)."),
    ] = None,
    data_file: Annotated[
        Path | None, typer.Option(help="YAML or JSON file of answers (KEY: VALUE).")
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Never prompt: unanswered questions take defaults.")
    ] = False,
    no_git: Annotated[
        bool, typer.Option("--no-git", help="Skip `git init` and the first commit.")
    ] = False,
    template_source: Annotated[
        str | None,
        typer.Option(help="Render from this git URL or path instead of the bundled template."),
    ] = None,
    vcs_ref: Annotated[
        str | None, typer.Option(help="Template version (git tag or commit) to render.")
    ] = None,
    trust: Annotated[
        bool,
        typer.Option("--trust", help="Allow a --template-source with tasks or Jinja extensions."),
    ] = False,
) -> None:
    """Generate a project in DEST (asks what it does not know, on a terminal)."""
    from generator import advisor, answers, catalog, errors, render, sources, store
    from generator.trust import check_trusted

    dest = Path(os.path.abspath(dest))  # a trailing ".." is a real folder name, not ".."
    try:
        needs = advisor.validate_needs(need or [])
        if not defaults and not sys.stdin.isatty():
            _fail(
                "no terminal to ask questions on. Run again with --defaults, choosing answers "
                "with --framework NAME, --need NEED, --data KEY=VALUE or --data-file FILE.",
                EXIT_USAGE,
            )
        # Without --template-source the templates come from the versioned store (synced
        # below, once the answers are known to be good); its questions are the shipped ones.
        source = sources.normalize_source(template_source) if template_source else None
        check_trusted(source or str(sources.template_root()), trust=trust)
        questions = _local_questions(source or str(sources.template_root()))
        given: dict[str, Any] = answers.collect_answers(questions, data or [], data_file)
        if framework is not None:
            framework = catalog.resolve(framework)
            if given.get("framework", framework) != framework:
                _fail("--framework and --data framework=... disagree.", EXIT_USAGE)
            given["framework"] = framework
        if "framework" not in given and defaults and needs:
            given["framework"] = advisor.recommend(needs).recommended
        _check_answers(questions, given, dest, defaults=defaults)
        render.check_destination(dest.absolute())
        if not defaults:
            from generator import prompts

            prompts.wrap_validation_messages()
            if "framework" not in given:
                given["framework"], needs = prompts.choose_framework(needs)
                _check_answers(questions, given, dest, defaults=defaults)
        # After the first questions: on first use the store is built (a second or more),
        # and the person should not wait for it to see the first question.
        source, vcs_ref, plain_copy = _template_version(source, vcs_ref)
        project = render.render_project(
            dest,
            src_path=source,
            data=given,
            defaults=defaults,
            vcs_ref=vcs_ref,
            git=not no_git,
            unsafe=trust,
            user_defaults=_need_defaults(needs, given),
            plain_copy=plain_copy,
        )
    except KeyboardInterrupt:
        _interrupted()
    except (advisor.UnknownNeedError, catalog.UnknownFrameworkError, errors.UsageError) as error:
        _fail(str(error), EXIT_USAGE)
    except (errors.RenderError, store.StoreError) as error:
        _fail(str(error), EXIT_FAILURE)
    _print_next_steps(project)


def _need_defaults(needs: list[str], answers: dict[str, Any]) -> dict[str, object]:
    """The option defaults the stated needs set for the chosen framework, except for
    options already answered (--data, a data file)."""
    from generator import advisor

    framework = answers.get("framework")
    if not isinstance(framework, str):
        return {}
    chosen = advisor.option_defaults(needs, framework)
    return {key: value for key, value in chosen.items() if key not in answers}


def _template_version(
    source: str | None, vcs_ref: str | None
) -> tuple[str, str | None, Path | None]:
    """The source and version to render: the store's tag of the shipped templates, or
    --template-source (with a warning if projects made from it could not be updated);
    and the store's plain copy of that tag, when it is the current one."""
    from generator import sources, store

    if source is not None:
        problem = sources.source_version_problem(source)
        if problem:
            typer.echo(f"new-project: warning: {problem}", err=True)
        return source, vcs_ref, None
    current = store.sync()
    _note_rebuilt(current)
    if vcs_ref is None or vcs_ref == current.tag:
        return current.src_path, current.tag, current.plain
    return current.src_path, vcs_ref, None


def _note_rebuilt(current: StoreVersion) -> None:
    if current.rebuilt:
        typer.echo(
            f"new-project: warning: the template store {current.path} was damaged and has "
            "been rebuilt; projects made from older versions cannot be updated until those "
            "versions are added again (see the update docs).",
            err=True,
        )


def _check_answers(
    questions: dict[str, dict[str, Any]] | None,
    answers: dict[str, Any],
    dest: Path,
    *,
    defaults: bool,
) -> None:
    """One clear error before any prompt or file if an answer is invalid."""
    from generator import answers as answer_checks

    if questions is None:
        return
    problem = answer_checks.first_answer_problem(
        questions, answers, folder_name=dest.absolute().name, defaults=defaults
    )
    if problem:
        _fail(problem, EXIT_USAGE)


def _local_questions(source: str) -> dict[str, dict[str, Any]] | None:
    """The questions of a local template, to check answer keys before rendering."""
    from generator import answers

    root = Path(source).expanduser()
    return answers.load_questions(root) if (root / "copier.yml").is_file() else None


def _print_next_steps(project: Path) -> None:
    from generator import next_steps

    for line in next_steps.report(project):
        typer.echo(line)


@app.command(cls=_NeedsHelp)
def recommend(
    need: Annotated[
        list[str] | None, typer.Option(metavar="NEED", help="What you are building (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Rank the frameworks for your needs, with reasons."""
    import json

    from generator import advisor

    try:
        result = advisor.recommend(need or [])
    except advisor.UnknownNeedError as error:
        _fail(str(error), EXIT_USAGE)
    if as_json:
        typer.echo(json.dumps(advisor.recommendation_to_json(result), indent=2))
    else:
        typer.echo(advisor.format_recommendation(result))


@app.command("list")
def list_templates(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the templates with their stack and commands."""
    import json

    from generator import catalog

    typer.echo(json.dumps(catalog.list_json(), indent=2) if as_json else catalog.list_text())


@app.command()
def update(
    path: Annotated[Path, typer.Argument(help="The generated project.")] = Path("."),
    vcs_ref: Annotated[str | None, typer.Option(help="Template version to update to.")] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Keep recorded answers without prompting.")
    ] = False,
    trust: Annotated[
        bool,
        typer.Option(
            "--trust", help="Allow a --template-source's tasks or migrations to run code here."
        ),
    ] = False,
) -> None:
    """Pull template improvements into a generated project (a 3-way merge with your edits).

    Refuses uncommitted changes. Conflicting edits are left as <<<<<<< markers in the files
    named at the end, with exit code 1.
    """
    from generator import errors, sources, store, update_report
    from generator import update as updater

    try:
        recorded = updater.check_updatable(path)
        if not defaults and not sys.stdin.isatty():
            _fail(
                "no terminal to ask questions on. Run again with --defaults to keep the "
                "recorded answers (new questions take their defaults).",
                EXIT_USAGE,
            )
        source, old = str(recorded["_src_path"]), str(recorded["_commit"])
        if store.is_store(source):
            current = store.sync()
            _note_rebuilt(current)
            if not store.has_tag(old):
                _fail(update_report.missing_version(old), EXIT_FAILURE)
            vcs_ref = vcs_ref or current.tag
            trust = True  # the store holds only the templates shipped with this tool
        elif vcs_ref is None:
            sources.check_source_versions(source)
        result = updater.update_project(path, vcs_ref=vcs_ref, defaults=defaults, unsafe=trust)
    except KeyboardInterrupt:
        typer.echo("\nnew-project: interrupted; the project is as it was.", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except errors.UsageError as error:
        _fail(str(error), EXIT_USAGE)
    except (errors.RenderError, store.StoreError) as error:
        _fail(str(error), EXIT_FAILURE)
    lines, failure = update_report.report(result)
    for line in lines:
        typer.echo(line)
    if failure is not None:
        _fail(failure, EXIT_FAILURE)


def _exit_on_signal(signum: int, frame: object) -> None:
    # SystemExit unwinds like Ctrl-C does, so the staging directory (or an update's way
    # back) is cleaned up when the process is terminated or its terminal goes away.
    raise SystemExit(128 + signum)


def main() -> None:
    """Console-script entry point."""
    import signal

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)
    app()
