"""`tenantmap emulator`: serve an estate as a local Azure and say how to point tenantmap at it."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tenantmap.exitcodes import ExitCode, TenantmapError

if TYPE_CHECKING:
    from discovery.emulator import EmulatorHandle


def connection_exports(handle: EmulatorHandle) -> list[tuple[str, str]]:
    """The variables that point `tenantmap crawl/run` at the emulator, as at any Azure endpoint."""
    return [
        ("AZURE_TENANT_ID", handle.tenant_id),
        ("AZURE_CLIENT_ID", handle.client_id),
        ("AZURE_CLIENT_SECRET", handle.client_secret),
        ("TENANTMAP_ARM_ENDPOINT", handle.arm_url),
        ("TENANTMAP_AUTHORITY", handle.authority_url),
        ("TENANTMAP_CA_BUNDLE", str(handle.ca_file)),
    ]


def rehearsal_text(handle: EmulatorHandle, estate: Path) -> str:
    """What a newcomer reads when the emulator is up: where it is and the lines to paste."""
    exports = "\n".join(f"export {k}={shlex.quote(v)}" for k, v in connection_exports(handle))
    flags = shlex.join(
        [
            "--arm-endpoint",
            handle.arm_url,
            "--authority",
            handle.authority_url,
            "--ca-bundle",
            str(handle.ca_file),
        ]
    )
    return (
        f"tenantmap emulator: serving {estate} as a local Azure (Ctrl-C stops it)\n"
        f"\n"
        f"  ARM URL:    {handle.arm_url}\n"
        f"  Authority:  {handle.authority_url}\n"
        f"  CA file:    {handle.ca_file}  (kept in the state folder across restarts)\n"
        f"  Tenant:     {handle.tenant_id}\n"
        f"  Client id:  {handle.client_id}\n"
        f"\n"
        f"In another shell, paste these lines; then crawl it as you would crawl Azure\n"
        f"(`tenantmap crawl --out snapshot/`, `tenantmap run --inventory inventory.yaml`):\n"
        f"\n"
        f"{exports}\n"
        f"\n"
        f"or keep the AZURE_* lines and pass the endpoint as flags:\n"
        f"  {flags}\n"
    )


def run_emulator(estate: Path, port: int, state_dir: Path) -> int:
    from discovery.emulator import EstateError, serve

    def announce(handle: EmulatorHandle) -> None:
        click.echo(rehearsal_text(handle, estate))

    try:
        # Absolute, so the printed export lines hold in any folder.
        serve(estate, port=port, announce=announce, ca_dir=(state_dir / "emulator").resolve())
    except EstateError as exc:
        raise TenantmapError(str(exc)) from None
    except OSError as exc:
        raise TenantmapError(
            f"cannot serve on 127.0.0.1:{port}: {exc.strerror}: fix --port"
        ) from None
    click.echo("tenantmap emulator: stopped")
    return ExitCode.OK
