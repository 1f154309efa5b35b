"""The `tenantmap` command line (cli.md).

Every option also reads `TENANTMAP_<OPTION>` and the TOML file given with
`--config`; errors are one sentence and an exit code, tracebacks only with --debug.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from tenantmap import interrupts, logs
from tenantmap.config import (
    check_config_keys,
    defaults_for,
    env_name,
    load_config_file,
    resolve_state_dir,
)
from tenantmap.exitcodes import ExitCode, TenantmapError

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("tenantmap")


def opt(*decls: str, **kwargs: Any) -> Callable[[F], F]:
    """A click option that also reads TENANTMAP_<OPTION>."""
    long = next(d for d in decls if d.startswith("--"))
    kwargs.setdefault("envvar", env_name(long.split("/")[0]))
    kwargs.setdefault("show_envvar", True)
    return click.option(*decls, **kwargs)


def option_names(command: click.Command, name: str) -> dict[str, set[str]]:
    """Each command's name and the options it takes (as click names them), for --config."""
    if isinstance(command, click.Group):
        found: dict[str, set[str]] = {}
        for sub_name, sub in command.commands.items():
            found.update(option_names(sub, sub_name))
        return found
    return {name: set(_config_keys(command))}


def _config_keys(command: click.Command) -> dict[str, str]:
    """TOML key -> click parameter name: the parameter's name and its long option
    (`format` for `--format`, whose parameter is `fmt`)."""
    keys: dict[str, str] = {}
    for p in command.params:
        if isinstance(p, click.Option) and p.expose_value and p.name:
            keys[p.name] = p.name
            for decl in p.opts:
                if decl.startswith("--"):
                    keys.setdefault(decl[2:].replace("-", "_"), p.name)
    return keys


def _load_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value:
        # Raised while click parses, before handle_errors runs: click's own usage
        # error gives the same one line and exit code 2.
        try:
            doc = load_config_file(Path(value))
            root = ctx.find_root()
            check_config_keys(doc, option_names(root.command, root.info_name or ""), Path(value))
        except TenantmapError as exc:
            raise click.BadParameter(str(exc)) from None
        rename = _config_keys(ctx.command)
        ctx.default_map = {
            rename.get(k, k): v for k, v in defaults_for(ctx.info_name or "", doc).items()
        }
    return value


def apply_in_order(f: F, options: list[Callable[[F], F]]) -> F:
    """Apply option decorators so that --help lists them in the order written."""
    for option in reversed(options):
        f = option(f)
    return f


def common(f: F) -> F:
    """Options every command takes: config, state folder, logging."""
    return apply_in_order(
        f,
        [
            opt(
                "--config",
                type=click.Path(dir_okay=False),
                callback=_load_config,
                is_eager=True,
                expose_value=False,
                help="TOML file with defaults (keys named like the options).",
            ),
            opt(
                "--state-dir",
                type=click.Path(file_okay=False),
                help="State folder (store, key, lock).",
            ),
            opt(
                "--log-format",
                type=click.Choice(["text", "json"]),
                default="text",
                help="Log lines.",
            ),
            opt("--quiet", is_flag=True, help="Print only errors."),
            opt("--debug", is_flag=True, help="Show tracebacks and SDK logs."),
        ],
    )


def say(message: str) -> None:
    """One `tenantmap: ...` message on stderr: no URL password, no control character from
    Azure-controlled text (a problem list keeps its own line breaks)."""
    from graph.stores.common import redact_url
    from reports.safe_text import safe_text

    lines = redact_url(str(message)).split("\n")
    click.echo("tenantmap: " + "\n".join(safe_text(line, "terminal") for line in lines), err=True)


def handle_errors(f: F) -> F:
    """Turn what users can fix into one sentence and an exit code."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.get("debug"))
        interrupts.install()
        logs.configure(
            kwargs.get("log_format") or "text", quiet=bool(kwargs.get("quiet")), debug=debug
        )
        try:
            code = f(*args, **kwargs)
        except TenantmapError as exc:
            if debug:
                log.exception("failed")
            say(str(exc))
            sys.exit(int(exc.code))
        except OSError as exc:
            if debug:
                raise
            # A file operation no stage expected to fail (a full disk, a read-only mount).
            where = f" ({exc.filename})" if exc.filename else ""
            say(f"a file could not be read or written{where}: {exc.strerror or exc}")
            sys.exit(int(ExitCode.PARTIAL))
        except KeyboardInterrupt:
            say(
                f"interrupted ({interrupts.received()}); nothing after the last completed step "
                "was kept"
            )
            sys.exit(int(ExitCode.PARTIAL))
        except Exception as exc:
            if debug:
                raise
            say(f"unexpected error: {type(exc).__name__}: {exc} (rerun with --debug for details)")
            sys.exit(int(ExitCode.PARTIAL))
        sys.exit(int(code or 0))

    return wrapper  # type: ignore[return-value]


# A nightly job that never ends holds its lock and the next night's run with it:
# `run` always has a timeout, overridable with --timeout (crawl keeps none).
RUN_TIMEOUT_SECONDS = 14400


def crawl_options(f: F) -> F:
    return apply_in_order(
        f,
        [
            opt(
                "--estate",
                type=click.Path(exists=False, file_okay=False),
                help="Crawl a local emulated Azure serving this estate folder.",
            ),
            opt(
                "--source",
                type=click.Choice(["resource-graph", "arm"]),
                default="resource-graph",
                show_default=True,
                help="Where resources are read from.",
            ),
            opt(
                "--concurrency",
                type=click.IntRange(1, 256),
                default=16,
                show_default=True,
                help="Requests in flight.",
            ),
            opt(
                "--timeout",
                type=click.FloatRange(min=1),
                help="Stop the crawl after this many seconds (exit 3). "
                f"`run` stops after {RUN_TIMEOUT_SECONDS} (4 h) unless told otherwise.",
            ),
            opt(
                "--cloud",
                type=click.Choice(["AzureCloud", "AzureUSGovernment", "AzureChinaCloud"]),
                default="AzureCloud",
                show_default=True,
            ),
            opt("--arm-endpoint", help="ARM URL of another endpoint (with --authority)."),
            opt("--authority", help="Entra authority URL of another endpoint."),
            opt(
                "--ca-bundle",
                type=click.Path(dir_okay=False),
                help="CA file to trust for --arm-endpoint.",
            ),
        ],
    )


def analyse_options(f: F) -> F:
    return apply_in_order(
        f,
        [
            opt(
                "--inventory",
                type=click.Path(dir_okay=False),
                help="The declared inventory (inventory.yaml).",
            ),
            opt(
                "--now",
                type=click.DateTime(formats=["%Y-%m-%d"]),
                help="Today, for approvals and accepted entries (default: UTC date).",
            ),
            opt(
                "--fail-on",
                type=click.Choice(["new", "open", "critical", "high", "medium", "low"]),
                help="Exit 1 when this holds.",
            ),
            opt(
                "--retention-days",
                type=click.IntRange(0),
                default=30,
                show_default=True,
                help="Keep stale graph items this long.",
            ),
            opt(
                "--store",
                help="sqlite:///path.db (default: tenantmap.db in the state folder), neo4j://host:7687, bolt://...",
            ),
            opt("--neo4j-database", help="Neo4j database name."),
            opt("--out", type=click.Path(file_okay=False), help="Folder for this run's reports."),
        ],
    )


def mail_options(f: F) -> F:
    return apply_in_order(
        f,
        [
            opt("--mail-to", multiple=True, help="Recipient (repeatable)."),
            opt("--mail-from", help="Sender address."),
            opt("--mail-always", is_flag=True, help="Mail even when nothing is new or resolved."),
            opt("--smtp-host", help="SMTP server."),
            opt(
                "--smtp-port",
                type=int,
                help="SMTP port (default 587 for starttls, 465 for tls, 25 for none).",
            ),
            opt(
                "--smtp-security",
                type=click.Choice(["starttls", "tls", "none"]),
                default="starttls",
                show_default=True,
            ),
            opt(
                "--smtp-user",
                help="SMTP user; the password comes only from TENANTMAP_SMTP_PASSWORD.",
            ),
            opt(
                "--smtp-insecure",
                is_flag=True,
                help="Allow credentials over an unencrypted connection.",
            ),
            opt(
                "--smtp-ca-file",
                type=click.Path(dir_okay=False),
                help="CA file to trust for the SMTP server.",
            ),
        ],
    )


def _require_inventory(value: str | None) -> Path:
    if not value:
        raise TenantmapError(
            "no inventory given: pass --inventory FILE "
            "(start one with `tenantmap inventory draft --snapshot DIR`)"
        )
    return Path(value)


def _analyse_opts(kw: dict[str, Any], record: bool) -> Any:
    from tenantmap.pipeline import AnalyseOptions

    now: date | None = kw["now"].date() if kw.get("now") else None
    return AnalyseOptions(
        inventory=_require_inventory(kw.get("inventory")),
        now=now,
        fail_on=kw.get("fail_on"),
        record=record,
        retention_days=kw["retention_days"],
        store_url=kw.get("store"),
        neo4j_database=kw.get("neo4j_database"),
    )


def _crawl_opts(kw: dict[str, Any]) -> Any:
    from tenantmap.pipeline import CrawlOptions

    if kw.get("estate") and not Path(kw["estate"]).is_dir():
        raise TenantmapError(f"estate folder {kw['estate']} does not exist: fix --estate")
    return CrawlOptions(
        estate=Path(kw["estate"]) if kw.get("estate") else None,
        source=kw["source"],
        concurrency=kw["concurrency"],
        timeout=kw.get("timeout"),
        cloud=kw["cloud"],
        arm_endpoint=kw.get("arm_endpoint"),
        authority=kw.get("authority"),
        ca_bundle=Path(kw["ca_bundle"]) if kw.get("ca_bundle") else None,
        progress=sys.stderr.isatty() and not kw.get("quiet"),
    )


def _mail_settings(kw: dict[str, Any]) -> Any:
    if not kw.get("mail_to"):
        return None
    from reports.mail import MailConfigError, MailSettings

    try:
        return MailSettings(
            to=list(kw["mail_to"]),
            from_addr=kw.get("mail_from") or "",
            host=kw.get("smtp_host") or "",
            port=kw.get("smtp_port"),
            security=kw["smtp_security"],
            user=kw.get("smtp_user"),
            # Only from the environment: a flag would land in shell history and `ps`.
            password=os.environ.get("TENANTMAP_SMTP_PASSWORD") or None,
            insecure=bool(kw.get("smtp_insecure")),
            always=bool(kw.get("mail_always")),
            ssl_cafile=Path(kw["smtp_ca_file"]) if kw.get("smtp_ca_file") else None,
        )
    except MailConfigError as exc:
        raise TenantmapError(str(exc)) from None


def _finish(outcome: Any, quiet: bool) -> int:
    for message in outcome.messages:
        say(message)
    if not quiet:
        report_html = outcome.out_dir / "report.html"
        if report_html.exists():
            click.echo(str(report_html))
    return int(outcome.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="tenantmap")
def main() -> None:
    """tenantmap: every tenant and subscription connected to your Azure estate, and every internet-exposed path.

    \b
    Start with the demo, which crawls a bundled sample estate:
      tenantmap demo
    """


@main.command()
@common
@crawl_options
@analyse_options
@mail_options
@handle_errors
def run(**kw: Any) -> int:
    """The nightly job: crawl, build the graph, store it, analyse, report and mail.

    \b
    Example:
      tenantmap run --inventory inventory.yaml --mail-to secops@contoso.example \\
        --mail-from tenantmap@contoso.example --smtp-host smtp.contoso.example --fail-on critical
    """
    from tenantmap.pipeline import run_nightly

    state_dir = resolve_state_dir(kw.get("state_dir"))
    crawl = _crawl_opts({**kw, "timeout": kw.get("timeout") or RUN_TIMEOUT_SECONDS})
    opts = _analyse_opts(kw, record=True)
    mail = _mail_settings(kw)
    outcome = run_nightly(
        crawl,
        opts,
        state_dir=state_dir,
        out_dir=Path(kw["out"]) if kw.get("out") else None,
        mail=mail,
    )
    return _finish(outcome, kw.get("quiet", False))


@main.command()
@common
@crawl_options
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    required=True,
    envvar=env_name("--out"),
    help="Snapshot folder to write.",
)
@handle_errors
def crawl(**kw: Any) -> int:
    """Crawl only, and write a snapshot folder.

    \b
    Example:
      tenantmap crawl --out snapshot/ --source arm
    """
    from tenantmap.pipeline import crawl_snapshot

    state_dir = resolve_state_dir(kw.get("state_dir"))
    ok, messages = crawl_snapshot(_crawl_opts(kw), Path(kw["out"]), state_dir)
    for message in messages:
        say(message)
    if not kw.get("quiet"):
        click.echo(kw["out"])
    return ExitCode.OK if ok else ExitCode.PARTIAL


@main.command()
@common
@click.option(
    "--snapshot",
    type=click.Path(file_okay=False),
    required=True,
    envvar=env_name("--snapshot"),
    help="Snapshot folder to analyse.",
)
@analyse_options
@click.option(
    "--record", is_flag=True, envvar=env_name("--record"), help="Add the result to the run history."
)
@handle_errors
def analyse(**kw: Any) -> int:
    """Analyse an existing snapshot: the same as `run` without any Azure call.

    \b
    Example:
      tenantmap analyse --snapshot snapshot/ --inventory inventory.yaml --out report/
    """
    from tenantmap.pipeline import analyse_existing

    state_dir = resolve_state_dir(kw.get("state_dir"))
    opts = _analyse_opts(kw, record=bool(kw.get("record")))
    outcome = analyse_existing(
        Path(kw["snapshot"]),
        opts,
        state_dir=state_dir,
        out_dir=Path(kw["out"]) if kw.get("out") else None,
    )
    return _finish(outcome, kw.get("quiet", False))


@main.command()
@common
@click.argument("name", required=False)
@click.argument("params", nargs=-1)
@opt("--list", "list_", is_flag=True, help="List the named queries and what each answers.")
@opt("--show-cypher", is_flag=True, help="With --list: print each query's Cypher for Neo4j users.")
@opt("--cypher", help="Raw Cypher (Neo4j store only).")
@opt(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@opt("--include-stale", is_flag=True, help="Include items no longer seen.")
@opt("--store", help="Store URL (default: tenantmap.db in the state folder).")
@opt("--neo4j-database", help="Neo4j database name.")
@handle_errors
def query(**kw: Any) -> int:
    """Run a named query, or raw Cypher on a Neo4j store.

    \b
    Examples:
      tenantmap query --list --show-cypher
      tenantmap query connected-tenants --format json
      tenantmap query vnet-reach /subscriptions/.../virtualNetworks/hub-vnet
      tenantmap query --store bolt://localhost:7687 --cypher "MATCH (t:Tenant) RETURN t.id"
    """
    from tenantmap.querycmd import run_query

    return run_query(kw, resolve_state_dir(kw.get("state_dir")))


@main.command()
@common
@click.argument("report_json", required=False, type=click.Path(dir_okay=False))
@opt(
    "--out",
    type=click.Path(file_okay=False),
    help="Where to write the rendered reports (default: beside report.json).",
)
@opt("--store", help="Store URL, to show the last run when no report.json is given.")
@opt("--neo4j-database", help="Neo4j database name.")
@mail_options
@handle_errors
def report(**kw: Any) -> int:
    """Re-render HTML, Markdown and CSV from a report.json, or show the last run's findings.

    \b
    Examples:
      tenantmap report runs/20261127T020013Z-1a2b3c/report.json
      tenantmap report          # the last run's findings in the terminal
    """
    from tenantmap.reportcmd import run_report

    return run_report(kw, resolve_state_dir(kw.get("state_dir")), _mail_settings(kw))


@main.group()
def inventory() -> None:
    """Check or draft the declared inventory."""


@inventory.command("check")
@common
@click.argument("file", type=click.Path(dir_okay=False))
@handle_errors
def inventory_check(**kw: Any) -> int:
    """Validate an inventory: exit 0, or 2 with every problem listed.

    Subscriptions without an environment are listed as warnings (exit 0): they
    count as production for severity.

    \b
    Example:
      tenantmap inventory check inventory.yaml
    """
    from tenantmap.pipeline import load_inventory_or_fail

    inv = load_inventory_or_fail(Path(kw["file"]))
    if not kw.get("quiet"):
        click.echo(f"{kw['file']}: valid (sha256 {inv.sha256[:12]})")
    for index, sub in inv.without_environment():
        named = f" ({sub.name})" if sub.name else ""
        click.echo(
            f"warning: {kw['file']}: subscriptions[{index}] {sub.id}{named} sets no environment:"
            " it counts as production for severity; set production, non-production or sandbox",
            err=True,
        )
    return ExitCode.OK


@inventory.command("draft")
@common
@opt(
    "--snapshot",
    type=click.Path(file_okay=False),
    required=True,
    help="Snapshot folder to draft from.",
)
@opt("--out", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@handle_errors
def inventory_draft(**kw: Any) -> int:
    """Write a starting inventory from what a snapshot shows, for people to prune.

    \b
    Example:
      tenantmap crawl --out snap/ && tenantmap inventory draft --snapshot snap/ --out inventory.yaml
    """
    from graph.build import build_graph
    from graph.inventory_draft import draft_inventory
    from tenantmap.pipeline import load_snapshot_or_fail

    snap = load_snapshot_or_fail(Path(kw["snapshot"]))
    text = draft_inventory(snap, build_graph(snap))
    if kw.get("out"):
        Path(kw["out"]).write_text(text, encoding="utf-8")
        if not kw.get("quiet"):
            click.echo(kw["out"])
    else:
        click.echo(text, nl=False)
    return ExitCode.OK


@main.command()
@common
@opt(
    "--estate",
    type=click.Path(file_okay=False),
    help="Estate folder to serve (default: the bundled sample).",
)
@opt(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Port on 127.0.0.1 (default: a free one).",
)
@handle_errors
def emulator(**kw: Any) -> int:
    """Serve an estate folder as a local Azure until stopped (Ctrl-C).

    \b
    Example:
      tenantmap emulator --estate my-estate/
    """
    from discovery.emulator import EstateError, serve
    from discovery.estates import SAMPLE_ESTATE

    estate = Path(kw["estate"]) if kw.get("estate") else SAMPLE_ESTATE
    try:
        serve(estate, port=kw["port"], announce=click.echo)
    except EstateError as exc:
        raise TenantmapError(str(exc)) from None
    return ExitCode.OK


@main.command()
@common
@opt(
    "--out",
    type=click.Path(file_okay=False),
    help="Where to put the demo run (default: a new temporary folder).",
)
@opt(
    "--source",
    type=click.Choice(["resource-graph", "arm"]),
    default="resource-graph",
    show_default=True,
)
@handle_errors
def demo(**kw: Any) -> int:
    """Run the whole nightly job on the bundled sample estate and print where the report is.

    The demo uses its own state folder and store, so it never becomes a real run's history.

    \b
    Example:
      tenantmap demo
    """
    from discovery.estates import SAMPLE_ESTATE
    from tenantmap.pipeline import AnalyseOptions, CrawlOptions, run_nightly

    base = Path(kw["out"]) if kw.get("out") else Path(tempfile.mkdtemp(prefix="tenantmap-demo-"))
    state_dir = base / "state"
    state_dir.mkdir(parents=True, exist_ok=True)
    crawl = CrawlOptions(
        estate=SAMPLE_ESTATE,
        source=kw["source"],
        progress=sys.stderr.isatty() and not kw.get("quiet"),
    )
    opts = AnalyseOptions(inventory=SAMPLE_ESTATE / "inventory.yaml")
    outcome = run_nightly(crawl, opts, state_dir=state_dir, out_dir=base / "report")
    for message in outcome.messages:
        say(message)
    if outcome.report is not None and not kw.get("quiet"):
        summary = outcome.report.get("summary", {})
        sev = summary.get("bySeverity", {})
        click.echo(
            f"demo: {summary.get('open', 0)} open findings "
            f"({sev.get('critical', 0)} critical, {sev.get('high', 0)} high, "
            f"{sev.get('medium', 0)} medium, {sev.get('low', 0)} low)",
            err=True,
        )
    click.echo(f"report: {outcome.out_dir / 'report.html'}")
    # Findings are the point of the demo, not a failure.
    return (
        ExitCode.OK if outcome.exit_code in (ExitCode.OK, ExitCode.FAIL_ON) else outcome.exit_code
    )
