"""Every recipe in docs/nightly.md and docker/compose.yaml, checked as far as this machine allows:
each parses as its tool reads it, and every tenantmap command line in it is one the CLI accepts."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import click
import pytest
import yaml

from tenantmap.cli import main
from tests.cli.helpers import TENANTMAP
from tests.docs.recipes import (
    REPO,
    cli_problems,
    cron_schedule_problems,
    nightly_blocks,
    shell_argv,
)

RUN = main.commands["run"]
# Options of `run` the Compose service rightly leaves out, and why.
NOT_FOR_COMPOSE = {
    "TENANTMAP_CONFIG": "the service is configured by variables; no TOML file is mounted",
    "TENANTMAP_ESTATE": "crawls the local emulator, not Azure",
    "TENANTMAP_NOW": "a fixed date would freeze every night's approvals",
    "TENANTMAP_OUT": "one folder would be overwritten every night; runs/<id>/ keeps each night",
}


def run_variables() -> set[str]:
    """Every variable `tenantmap run` reads: its options' TENANTMAP_* names and the
    variables its help names (the SMTP password, Neo4j's login)."""
    names: set[str] = set()
    for param in RUN.params:
        if isinstance(param, click.Option):
            if isinstance(param.envvar, str):
                names.add(param.envvar)
            names.update(re.findall(r"\b(?:TENANTMAP|NEO4J)_[A-Z_]+\b", param.help or ""))
    return names


def compose() -> dict:
    return yaml.safe_load((REPO / "docker" / "compose.yaml").read_text(encoding="utf-8"))


def compose_script() -> str:
    """The service's shell loop as sh sees it (Compose turns $$ into $)."""
    return compose()["services"]["tenantmap"]["command"][0].replace("$$", "$")


# -- Docker Compose ----------------------------------------------------------------


def test_compose_passes_every_variable_the_nightly_run_reads():
    environment = compose()["services"]["tenantmap"]["environment"]
    missing = run_variables() - set(NOT_FOR_COMPOSE) - set(environment)
    assert not missing, f"docker/compose.yaml does not pass {sorted(missing)}"


def test_the_variables_compose_leaves_out_are_still_options_of_run():
    assert set(NOT_FOR_COMPOSE) <= run_variables()


def test_compose_passes_each_variable_through_under_its_own_name():
    environment = compose()["services"]["tenantmap"]["environment"]
    for key, value in environment.items():
        for referenced in re.findall(r"\$\{(\w+)", str(value)):
            assert referenced == key, f"{key} takes its value from {referenced}"


def test_the_compose_loop_is_valid_sh_and_runs_a_command_line_the_cli_accepts():
    script = compose_script()
    checked = subprocess.run(["sh", "-n"], input=script, text=True, capture_output=True)
    assert checked.returncode == 0, checked.stderr
    lines = [line.strip() for line in script.splitlines() if line.strip().startswith("tenantmap ")]
    assert lines
    for line in lines:
        assert cli_problems(shell_argv(line)) == [], line


# -- tenantmap.toml, cron, systemd -------------------------------------------------


def test_the_example_toml_names_only_options_of_run():
    [block] = nightly_blocks("toml")
    names = {p.name for p in RUN.params}
    keys = {k.replace("-", "_") for k in tomllib.loads(block.text)}
    assert keys <= names, f"not options of run: {sorted(keys - names)}"


def test_the_cron_line_has_a_valid_schedule_a_user_and_a_tenantmap_command():
    [block] = nightly_blocks("cron")
    [line] = [x for x in block.text.splitlines() if x.strip() and not x.startswith("#")]
    fields = line.split(None, 6)
    assert cron_schedule_problems(fields[:5]) == []
    assert re.fullmatch(r"[a-z_][a-z0-9_-]*", fields[5]), "system crontabs name the user"
    assert cli_problems(shell_argv(fields[6])) == []


def systemd_units() -> dict[str, str]:
    """Unit file name -> text, from the ```ini blocks and the `/etc/systemd/system/...` above each."""
    units = {}
    for block in nightly_blocks("ini"):
        path = re.search(r"`(/etc/systemd/system/[\w.-]+)`", block.title)
        assert path, f"an ini block without its unit path: {block.title!r}"
        units[Path(path[1]).name] = block.text
    return units


def test_the_systemd_units_parse_and_have_no_end_of_line_comments():
    units = systemd_units()
    assert set(units) == {"tenantmap.service", "tenantmap.timer", "tenantmap-watch.service"}
    for name, text in units.items():
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read_string(text, source=name)
        for section in parser.sections():
            for key, value in parser.items(section):
                # systemd keeps " # ..." as part of the value (systemd.syntax(7)).
                assert " #" not in value and " ;" not in value, f"{name} [{section}] {key}={value}"


@pytest.mark.parametrize("unit", ["tenantmap.service", "tenantmap-watch.service"])
def test_the_service_runs_a_command_line_the_cli_accepts(unit: str):
    service = configparser.ConfigParser(interpolation=None, strict=False)
    service.read_string(systemd_units()[unit])
    assert cli_problems(shell_argv(service["Service"]["ExecStart"])) == []


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_analyze_verifies_the_units(tmp_path: Path):
    for name, text in systemd_units().items():
        # The installed console script stands in for /opt/tenantmap/bin/tenantmap.
        text = re.sub(r"ExecStart=\S+", f"ExecStart={TENANTMAP}", text)
        text = text.replace("User=tenantmap", "User=root")
        (tmp_path / name).write_text(text, encoding="utf-8")
    verified = subprocess.run(
        ["systemd-analyze", "verify", *(str(p) for p in sorted(tmp_path.iterdir()))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr
    calendar = subprocess.run(
        ["systemd-analyze", "calendar", "*-*-* 02:15:00"], capture_output=True, timeout=60
    )
    assert calendar.returncode == 0


# -- Kubernetes and GitHub Actions -------------------------------------------------


def yaml_recipe(kind_hint: str) -> dict:
    for block in nightly_blocks("yaml"):
        doc = yaml.safe_load(block.text)
        if kind_hint in block.text:
            return doc
    raise AssertionError(f"no yaml recipe with {kind_hint!r}")


def test_the_cronjob_is_a_batch_v1_cronjob_with_a_valid_schedule():
    job = yaml_recipe("kind: CronJob")
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "CronJob")
    assert cron_schedule_problems(job["spec"]["schedule"].split()) == []
    assert job["spec"]["concurrencyPolicy"] == "Forbid"


def test_the_cronjob_container_runs_a_command_line_the_cli_accepts():
    job = yaml_recipe("kind: CronJob")
    [container] = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    dockerfile = (REPO / "docker" / "Dockerfile").read_text(encoding="utf-8")
    # The args follow the image's entry point, which is the console script.
    assert 'ENTRYPOINT ["tenantmap"]' in dockerfile
    assert cli_problems(["tenantmap", *container["args"]]) == []


def test_the_watch_deployment_runs_one_watch_on_the_nightly_jobs_state_claim():
    watch = yaml_recipe("kind: Deployment")
    job = yaml_recipe("kind: CronJob")
    assert (watch["apiVersion"], watch["spec"]["replicas"]) == ("apps/v1", 1)
    assert watch["spec"]["strategy"]["type"] == "Recreate"
    [container] = watch["spec"]["template"]["spec"]["containers"]
    assert container["args"][0] == "watch"
    assert cli_problems(["tenantmap", *container["args"]]) == []
    claims = [
        v["persistentVolumeClaim"]["claimName"]
        for spec in (
            watch["spec"]["template"]["spec"],
            job["spec"]["jobTemplate"]["spec"]["template"]["spec"],
        )
        for v in spec["volumes"]
        if "persistentVolumeClaim" in v
    ]
    assert len(claims) == 2 and len(set(claims)) == 1


def test_the_compose_watch_service_shares_the_nightly_state_volume_and_sets_only_watch_options():
    services = compose()["services"]
    watch, night = services["tenantmap-watch"], services["tenantmap"]
    state = [v for v in watch["volumes"] if v.endswith(":/var/lib/tenantmap")]
    assert state and state[0] in night["volumes"]
    options = {p.envvar for p in main.commands["watch"].params if isinstance(p, click.Option)}
    names = {
        "NEO4J_USERNAME",
        "NEO4J_PASSWORD",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "TENANTMAP_SMTP_PASSWORD",
    }
    assert set(watch["environment"]) - options - names == set()


def workflow_steps() -> list[dict]:
    workflow = yaml_recipe("runs-on:")
    # YAML 1.1 reads the key `on` as true; GitHub reads it as "on".
    assert "schedule" in (workflow.get("on") or workflow.get(True))
    [job] = workflow["jobs"].values()
    return job["steps"]


def test_the_workflow_installs_tenantmap_from_its_repository_at_a_pinned_commit():
    steps = workflow_steps()
    runs = " ".join(str(s.get("run", "")) for s in steps)
    assert not re.search(r"\bpipx? install\s+tenantmap\b", runs), "an unowned package name"
    [source] = [s for s in steps if (s.get("with") or {}).get("repository")]
    assert re.fullmatch(r"[0-9a-f]{40}", source["with"]["ref"]), "pin a full commit SHA"
    assert f"pipx install ./{source['with']['path']}" in runs


def test_the_workflow_runs_command_lines_the_cli_accepts():
    lines = [
        " ".join(str(s["run"]).split())
        for s in workflow_steps()
        if str(s.get("run", "")).lstrip().startswith("tenantmap ")
    ]
    assert lines
    for line in lines:
        assert cli_problems(shell_argv(line)) == [], line
