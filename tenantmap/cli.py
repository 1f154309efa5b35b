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
    default_state_dir,
    defaults_for,
    env_name,
    load_config_file,
    resolve_state_dir,
)
from tenantmap.exitcodes import ExitCode, TenantmapError
from tenantmap.helpfmt import TenantmapGroup, WholeHelpGroup

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("tenantmap")


def opt(*decls: str, **kwargs: Any) -> Callable[[F], F]:
    """A click option that also reads TENANTMAP_<OPTION>."""
    long = next(d for d in decls if d.startswith("--"))
    kwargs.setdefault("envvar", env_name(long.split("/")[0]))
    kwargs.setdefault("show_envvar", True)
    return click.option(*decls, **kwargs)


def option_names(
    command: click.Command, name: str, *, long_names: bool = True
) -> dict[str, set[str]]:
    """Each command's name and the options it takes (as click names them, and with
    ``long_names`` as their long options too), for --config."""
    if isinstance(command, click.Group):
        found: dict[str, set[str]] = {}
        for sub_name, sub in command.commands.items():
            found.update(option_names(sub, sub_name, long_names=long_names))
        return found
    keys = _config_keys(command)
    return {name: set(keys) if long_names else set(keys.values())}


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
        command = ctx.info_name or ""
        rename = _config_keys(ctx.command)
        table = doc.get(command)
        own = {str(k).replace("-", "_") for k in table} if isinstance(table, dict) else set()
        # A top-level key that is some command's parameter means that parameter for every
        # command: `out` is the run's report folder, never crawl's snapshot (`--out`,
        # parameter snapshot_out). Long names apply at the top level only where unshared.
        params = set().union(*option_names(root.command, "", long_names=False).values())
        ctx.default_map = {
            (rename.get(k, k) if k in own or k not in params else k): v
            for k, v in defaults_for(command, doc).items()
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
                help="State folder (store, redaction key, lock, run folders).",
                show_default=str(default_state_dir()),
            ),
            opt(
                "--log-format",
                type=click.Choice(["text", "json"]),
                default="text",
                help="Log lines: text for people, json (one object a line) for a log collector.",
            ),
            opt("--quiet", is_flag=True, help="Print only errors."),
            opt("--debug", is_flag=True, help="Show tracebacks and SDK logs."),
        ],
    )


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
            logs.say(str(exc), logging.ERROR)
            sys.exit(int(exc.code))
        except OSError as exc:
            if debug:
                raise
            # A file operation no stage expected to fail (a full disk, a read-only mount).
            where = f" ({exc.filename})" if exc.filename else ""
            logs.say(
                f"a file could not be read or written{where}: {exc.strerror or exc}", logging.ERROR
            )
            sys.exit(int(ExitCode.PARTIAL))
        except KeyboardInterrupt:
            logs.say(
                f"interrupted ({interrupts.received()}); nothing after the last completed step "
                "was kept",
                logging.ERROR,
            )
            sys.exit(int(ExitCode.PARTIAL))
        except Exception as exc:
            if debug:
                raise
            logs.say(
                f"unexpected error: {type(exc).__name__}: {exc} (rerun with --debug for details)",
                logging.ERROR,
            )
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
                help="Azure cloud to crawl (its ARM and Entra endpoints); see --arm-endpoint for others.",
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
                help="Today, for approvals and accepted entries.",
                show_default="today (UTC)",
            ),
            opt(
                "--fail-on",
                type=click.Choice(["new", "open", "critical", "high", "medium", "low"]),
                help="Exit 1 when this holds: new (a new finding, or an open one that got worse: more ports, entries, channels or reach), open (anything open), or a severity (an open finding of it or worse).",
                show_default="never: findings alone exit 0",
            ),
            opt(
                "--retention-days",
                type=click.IntRange(0),
                default=30,
                show_default=True,
                help="Keep stale graph items, and earlier runs' reports, this long.",
            ),
            opt(
                "--store",
                help="sqlite:///path.db, neo4j://host:7687, bolt://..., neo4j+s://... "
                "(Neo4j login from NEO4J_USERNAME / NEO4J_PASSWORD).",
                show_default="sqlite: tenantmap.db in the state folder",
            ),
            opt(
                "--neo4j-database",
                help="Neo4j database name.",
                show_default="the server's default database",
            ),
            opt(
                "--out",
                type=click.Path(file_okay=False),
                help="Folder for this run's reports and snapshot.",
                show_default="runs/<run id>/ in the state folder",
            ),
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
                help="SMTP port.",
                show_default="587 for starttls, 465 for tls, 25 for none",
            ),
            opt(
                "--smtp-security",
                type=click.Choice(["starttls", "tls", "none"]),
                default="starttls",
                show_default=True,
                help="starttls: upgrade a plain connection; tls: TLS from the start; none: no encryption.",
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
        progress=_progress_bar(kw),
    )


def _progress_bar(kw: dict[str, Any]) -> bool:
    # A bar only for a person at a terminal: never in JSON logs or with --quiet.
    return sys.stderr.isatty() and not kw.get("quiet") and kw.get("log_format") != "json"


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


def _say_outcome(outcome: Any, quiet: bool) -> None:
    """What went wrong, then the run's one-line summary (the same after `run`, `analyse`, `demo`)."""
    from tenantmap.summary import summary_line

    for message in outcome.messages:
        logs.say(message, logging.WARNING)
    if outcome.report is not None and not quiet:
        logs.say(summary_line(outcome.report))


def _finish(outcome: Any, quiet: bool) -> int:
    _say_outcome(outcome, quiet)
    if not quiet:
        report_html = outcome.out_dir / "report.html"
        if report_html.exists():
            click.echo(str(report_html))
    return int(outcome.exit_code)


@click.group(
    cls=TenantmapGroup,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 100,
        "show_default": True,
    },
)
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
@analyse_options
@mail_options
@opt(
    "--interval",
    default="5m",
    show_default=True,
    help="Time between cycles: seconds, or 30s, 5m, 1h.",
)
@opt("--once", is_flag=True, help="Run one cycle and exit (0, or 3 when a scope failed).")
@handle_errors
def watch(**kw: Any) -> int:
    """Between nightly runs: notice new links and exposures within minutes and mail them.

    Needs a completed `tenantmap run` in the same store. Every cycle reads Resource
    Graph's change tables, the subscription list and the management-group tree,
    re-reads what changed, updates the stored graph for those items only, and mails
    findings that are new or worse at once (subject `tenantmap watch: ...`). A watch
    never resolves a finding: the next full run does. SIGTERM ends it between cycles.

    \b
    Example:
      tenantmap watch --interval 5m --inventory inventory.yaml \\
        --mail-to secops@contoso.example --mail-from tenantmap@contoso.example \\
        --smtp-host smtp.contoso.example
    """
    from tenantmap.watch import WatchOptions, parse_interval, run_watch

    state_dir = resolve_state_dir(kw.get("state_dir"))
    options = WatchOptions(interval=parse_interval(kw["interval"]), once=bool(kw["once"]))
    return run_watch(
        _crawl_opts(kw),
        _analyse_opts(kw, record=True),
        options,
        state_dir=state_dir,
        mail=_mail_settings(kw),
    )


@main.command()
@common
@crawl_options
@click.option(
    "--out",
    "snapshot_out",
    type=click.Path(file_okay=False),
    required=True,
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
    ok, messages = crawl_snapshot(_crawl_opts(kw), Path(kw["snapshot_out"]), state_dir)
    for message in messages:
        logs.say(message, logging.WARNING)
    if not kw.get("quiet"):
        click.echo(kw["snapshot_out"])
    return ExitCode.OK if ok else ExitCode.PARTIAL


@main.command()
@common
@click.option(
    "--snapshot",
    type=click.Path(file_okay=False),
    envvar=env_name("--snapshot"),
    help="Snapshot folder to analyse.",
)
@click.option(
    "--run",
    "run_id",
    envvar=env_name("--run"),
    help="A run in the store to analyse again from the store alone (its graph and crawl record).",
)
@analyse_options
@click.option(
    "--record", is_flag=True, envvar=env_name("--record"), help="Add the result to the run history."
)
@handle_errors
def analyse(**kw: Any) -> int:
    """Analyse an existing snapshot, or a stored run again: the same as `run` without any Azure call.

    \b
    Examples:
      tenantmap analyse --snapshot snapshot/ --inventory inventory.yaml --out report/
      tenantmap analyse --run 20261127020000-000042 --inventory inventory.yaml --out report/
    """
    from tenantmap.pipeline import analyse_existing, analyse_stored

    if bool(kw.get("snapshot")) == bool(kw.get("run_id")):
        raise TenantmapError("pass either --snapshot DIR or --run RUN_ID (one of them)")
    if kw.get("run_id") and kw.get("record"):
        raise TenantmapError(
            "--record cannot be used with --run: the run is already in the history"
        )
    state_dir = resolve_state_dir(kw.get("state_dir"))
    opts = _analyse_opts(kw, record=bool(kw.get("record")))
    out_dir = Path(kw["out"]) if kw.get("out") else None
    if kw.get("run_id"):
        outcome = analyse_stored(kw["run_id"], opts, state_dir=state_dir, out_dir=out_dir)
    else:
        outcome = analyse_existing(Path(kw["snapshot"]), opts, state_dir=state_dir, out_dir=out_dir)
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
    help="Output: an aligned table, a JSON array or CSV with a header.",
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


@main.group(cls=WholeHelpGroup)
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
        if inv.governance is not None:
            click.echo("governance baseline:")
            for line in inv.governance.summary():
                click.echo(f"  {line}")
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
# TENANTMAP_OUT and a TOML `out` mean the run's report folder; this --out is a file.
@click.option(
    "--out", "draft_out", type=click.Path(dir_okay=False), help="Write here instead of stdout."
)
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
    if kw.get("draft_out"):
        Path(kw["draft_out"]).write_text(text, encoding="utf-8")
        if not kw.get("quiet"):
            click.echo(kw["draft_out"])
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
    help="Port on 127.0.0.1; 0 picks a free one (pass a fixed port to keep the same ARM URL across restarts).",
)
@handle_errors
def emulator(**kw: Any) -> int:
    """Serve an estate folder as a local Azure until stopped (Ctrl-C), and print how to crawl it.

    The CA file it prints stays in the state folder (emulator/) across restarts.

    \b
    Example:
      tenantmap emulator --estate my-estate/ --port 8443
    """
    from discovery.estates import SAMPLE_ESTATE
    from tenantmap.emulatorcmd import run_emulator

    estate = Path(kw["estate"]) if kw.get("estate") else SAMPLE_ESTATE
    return run_emulator(estate, kw["port"], resolve_state_dir(kw.get("state_dir")))


@main.command()
@common
@click.option(
    "--out",
    "demo_out",
    type=click.Path(file_okay=False),
    help="Where to put the demo run (its state folder and report).",
    show_default="a new temporary folder",
)
@opt(
    "--source",
    type=click.Choice(["resource-graph", "arm"]),
    default="resource-graph",
    show_default=True,
    help="Where resources are read from.",
)
@opt(
    "--watch",
    "demo_watch",
    is_flag=True,
    help="Then run `tenantmap watch` on it: a change arrives and its alert goes out.",
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

    base = (
        Path(kw["demo_out"])
        if kw.get("demo_out")
        else Path(tempfile.mkdtemp(prefix="tenantmap-demo-"))
    )
    if kw.get("demo_watch"):
        return _demo_watch(base, kw)
    state_dir = base / "state"
    state_dir.mkdir(parents=True, exist_ok=True)
    crawl = CrawlOptions(
        estate=SAMPLE_ESTATE,
        source=kw["source"],
        progress=_progress_bar(kw),
    )
    opts = AnalyseOptions(inventory=SAMPLE_ESTATE / "inventory.yaml")
    outcome = run_nightly(crawl, opts, state_dir=state_dir, out_dir=base / "report")
    _say_outcome(outcome, bool(kw.get("quiet")))
    click.echo(f"report: {outcome.out_dir / 'report.html'}")
    # Findings are the point of the demo, not a failure.
    return (
        ExitCode.OK if outcome.exit_code in (ExitCode.OK, ExitCode.FAIL_ON) else outcome.exit_code
    )


def _demo_watch(base: Path, kw: dict[str, Any]) -> int:
    from tenantmap.watch import run_demo_watch

    night, outcome = run_demo_watch(base, progress=_progress_bar(kw))
    _say_outcome(night, bool(kw.get("quiet")))
    click.echo(f"report: {night.out_dir / 'report.html'}")
    for finding in outcome.alerts:
        status = "new" if finding.get("status") == "new" else "worse"
        click.echo(f"watch alert ({status}, {finding['severity']}): {finding['title']}")
    click.echo(f"watch report: {base / 'state' / 'watch' / 'report' / 'report.html'}")
    return ExitCode.OK if outcome.alerts else ExitCode.PARTIAL
