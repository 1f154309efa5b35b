"""`tenantmap run` mails the team through a real SMTP server (aiosmtpd, STARTTLS, AUTH)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.helpers import Result, one_sentence_error, sample_night
from tests.reports.smtp_server import (
    PASSWORD,
    USER,
    Certificates,
    make_certificates,
    running_mail_server,
)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("mail-certs"))


def mailed_run(
    sample_estate: Path, state: Path, out: Path, port: int, ca_file: Path, *extra: str
) -> Result:
    return sample_night(
        sample_estate,
        state,
        "--out",
        str(out),
        "--now",
        "2026-11-27",
        "--mail-to",
        "secops@contoso.example",
        "--mail-from",
        "tenantmap@contoso.example",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(port),
        "--smtp-user",
        USER,
        "--smtp-ca-file",
        str(ca_file),
        *extra,
        env={"TENANTMAP_SMTP_PASSWORD": PASSWORD},
    )


def test_the_first_night_is_mailed_and_an_unchanged_second_night_is_not(
    certs: Certificates, sample_estate: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    with running_mail_server(certs) as server:
        first = mailed_run(sample_estate, state, tmp_path / "n1", server.port, server.ca_file)
        assert first.code == 0, first.stderr
        assert len(server.recorder.messages) == 1
        message = server.recorder.messages[0]
        report = json.loads((tmp_path / "n1" / "report.json").read_text())
        subject = str(message["Subject"]).strip()
        assert subject.startswith("tenantmap Contoso: ")
        assert f"{report['summary']['new']} new" in subject
        assert server.recorder.logins == [(USER, True)]

        second = mailed_run(sample_estate, state, tmp_path / "n2", server.port, server.ca_file)
        assert second.code == 0, second.stderr
        assert len(server.recorder.messages) == 1


def _allow_rdp_from_the_internet(estate: Path) -> None:
    """One more rule on jump-01's NIC NSG, which already lets SSH in from Internet."""
    lines = (estate / "resources.jsonl").read_text("utf-8").splitlines()
    for number, line in enumerate(lines):
        resource = json.loads(line)
        if resource["name"] == "nsg-jump":
            rule = {
                "name": "allow-rdp-temp",
                "id": f"{resource['id']}/securityRules/allow-rdp-temp",
                "properties": {
                    "access": "Allow",
                    "direction": "Inbound",
                    "priority": 110,
                    "protocol": "Tcp",
                    "sourceAddressPrefix": "Internet",
                    "sourcePortRange": "*",
                    "destinationAddressPrefix": "*",
                    "destinationPortRange": "3389",
                },
            }
            resource["properties"]["securityRules"].append(rule)
            lines[number] = json.dumps(resource)
    (estate / "resources.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


def test_rdp_opened_on_an_exposed_vm_is_mailed_as_worse_and_fails_on_new(
    certs: Certificates, sample_estate: Path, tmp_path: Path
) -> None:
    """findings.md: someone opening RDP on a VM whose SSH was already exposed must be
    told the next morning ("Security rules", Network security groups, Microsoft Learn)."""
    state = tmp_path / "state"
    estate = Path(shutil.copytree(sample_estate, tmp_path / "estate"))
    with running_mail_server(certs) as server:
        first = mailed_run(estate, state, tmp_path / "n1", server.port, server.ca_file)
        assert first.code == 0, first.stderr
        _allow_rdp_from_the_internet(estate)
        second = mailed_run(
            estate, state, tmp_path / "n2", server.port, server.ca_file, "--fail-on", "new"
        )
        assert second.code == 1, second.stderr
        assert len(server.recorder.messages) == 2
        mail = server.recorder.messages[1]
    report = json.loads((tmp_path / "n2" / "report.json").read_text())
    [jump] = [f for f in report["findings"] if f["subject"].endswith("/virtualmachines/jump-01")]
    assert jump["status"] == "existing"
    assert jump["worsened"]["ports"] == [{"protocol": "tcp", "ports": "3389"}]
    assert report["summary"]["worsened"] == 1
    assert report["summary"]["new"] == 0
    assert "1 worse" in str(mail["Subject"])
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    listed = text.split("Findings (new and worse first)")[1].splitlines()[2:]
    first_finding = next(line for line in listed if line.strip())
    assert first_finding.startswith("WORSE [CRITICAL]")
    assert "grew: ports 3389/tcp" in text


def test_a_mail_that_cannot_be_sent_exits_3_and_keeps_the_reports(
    certs: Certificates, sample_estate: Path, tmp_path: Path
) -> None:
    with running_mail_server(certs) as server:
        port = server.port
    # The server is gone: the port refuses connections.
    result = mailed_run(sample_estate, tmp_path / "state", tmp_path / "out", port, certs.ca_file)
    assert result.code == 3
    assert "mail was not sent" in one_sentence_error(result)
    assert (tmp_path / "out" / "report.html").is_file()
    assert (tmp_path / "out" / "snapshot" / "manifest.json").is_file()
