"""An estate the emulator cannot serve raises EstateError with one sentence naming the fix."""

from __future__ import annotations

import json

import pytest

from discovery.emulator import EstateError, running_emulator


def _message(folder) -> str:
    with pytest.raises(EstateError) as caught, running_emulator(folder):
        pass
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_missing_folder_is_named(tmp_path):
    missing = tmp_path / "nowhere"
    assert str(missing) in _message(missing)


def test_malformed_json_names_the_file_and_line(make_estate):
    estate = make_estate()
    (estate / "tenants.json").write_text('[\n  {"tenantId": "a"},\n  {"tenantId": }\n]\n')
    assert "tenants.json:3:" in _message(estate)


def test_malformed_resource_line_names_the_line(make_estate):
    estate = make_estate()
    lines = (estate / "resources.jsonl").read_text().splitlines()
    lines[4] = lines[4][:-1]
    (estate / "resources.jsonl").write_text("\n".join(lines) + "\n")
    assert "resources.jsonl:5:" in _message(estate)


def test_missing_required_file_is_named(make_estate):
    estate = make_estate()
    (estate / "subscriptions.json").unlink()
    message = _message(estate)
    assert "subscriptions.json is missing" in message


def test_unknown_emulator_json_key_is_named(make_estate):
    estate = make_estate(emulator={"pagesize": 10})
    assert "pagesize" in _message(estate)


def test_child_resource_as_a_top_level_line_is_refused(make_estate):
    child = {
        "id": "/subscriptions/291bba3f-e0a5-47bc-a099-3bdcb2a50a05/resourceGroups/rg1/providers/"
        "Microsoft.Network/virtualNetworks/vnet1/subnets/default",
        "type": "Microsoft.Network/virtualNetworks/subnets",
    }
    assert "top-level" in _message(make_estate(resources=[child]))


def test_duplicate_resource_line_names_both_lines(make_estate):
    estate = make_estate()
    lines = (estate / "resources.jsonl").read_text().splitlines()
    (estate / "resources.jsonl").write_text("\n".join([*lines, lines[0]]) + "\n")
    message = _message(estate)
    assert f"resources.jsonl:{len(lines) + 1}:" in message
    assert "already on line 1" in message


def test_estate_without_a_home_tenant_or_principal_is_refused(make_estate):
    estate = make_estate()
    guest = [{"id": "/tenants/a", "tenantId": "a", "tenantCategory": "ProjectedBy"}]
    (estate / "tenants.json").write_text(json.dumps(guest))
    assert "principal.tenantId" in _message(estate)
