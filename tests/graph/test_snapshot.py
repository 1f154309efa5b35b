"""Reading snapshot folders, and the one-sentence errors for bad ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.snapshot import SnapshotError, load_snapshot
from tests.graph.handmade import HUB_VNET, contoso_snapshot


def test_loads_the_small_files_and_streams_resources(tmp_path: Path) -> None:
    snap = load_snapshot(contoso_snapshot(tmp_path))
    assert snap.manifest["format"] == "tenantmap.snapshot/1"
    assert [r["id"] for r in snap.iter_resources() if r["id"] == HUB_VNET] == [HUB_VNET]


def test_estate_without_errors_or_foreign_file_loads_with_empty_lists(tmp_path: Path) -> None:
    root = contoso_snapshot(tmp_path)
    (root / "errors.json").unlink()
    (root / "foreign.json").unlink()
    snap = load_snapshot(root)
    assert (snap.errors, snap.foreign) == ([], [])


def test_estate_foreign_subscriptions_come_from_emulator_json(tmp_path: Path) -> None:
    root = contoso_snapshot(tmp_path)
    (root / "foreign.json").unlink()
    (root / "emulator.json").write_text(json.dumps({"foreignSubscriptions": {"sub-x": "tenant-y"}}))
    assert load_snapshot(root).foreign[0]["tenantId"] == "tenant-y"


def test_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="nowhere does not exist"):
        load_snapshot(tmp_path / "nowhere")


def test_missing_file_is_named(tmp_path: Path) -> None:
    root = contoso_snapshot(tmp_path)
    (root / "subscriptions.json").unlink()
    with pytest.raises(SnapshotError, match=r"subscriptions\.json is missing"):
        load_snapshot(root)


def test_wrong_format_version_names_the_manifest_and_the_format(tmp_path: Path) -> None:
    root = contoso_snapshot(tmp_path)
    (root / "manifest.json").write_text(json.dumps({"format": "tenantmap.snapshot/9"}))
    with pytest.raises(SnapshotError, match=r"manifest\.json has format 'tenantmap\.snapshot/9'"):
        load_snapshot(root)


def test_bad_json_in_a_small_file_names_file_and_line(tmp_path: Path) -> None:
    root = contoso_snapshot(tmp_path)
    (root / "tenants.json").write_text('[\n  {"tenantId": "x",}\n]')
    with pytest.raises(SnapshotError, match=r"tenants\.json is not valid JSON .* line 2"):
        load_snapshot(root)


def test_bad_resource_line_names_the_line(tmp_path: Path) -> None:
    root = contoso_snapshot(tmp_path)
    with (root / "resources.jsonl").open("a") as fh:
        fh.write("{not json\n")
    count = len((root / "resources.jsonl").read_text().splitlines())
    with pytest.raises(SnapshotError, match=rf"resources\.jsonl line {count} is not valid JSON"):
        list(load_snapshot(root).iter_resources())


def test_resource_line_without_id_is_rejected_with_its_line(tmp_path: Path) -> None:
    root = contoso_snapshot(tmp_path, resources=[])
    (root / "resources.jsonl").write_text(
        '{"name": "x", "type": "Microsoft.Network/virtualNetworks"}\n'
    )
    with pytest.raises(SnapshotError, match=r"line 1 is not an ARM resource"):
        list(load_snapshot(root).iter_resources())


def test_error_message_is_one_sentence(tmp_path: Path) -> None:
    root = contoso_snapshot(tmp_path)
    (root / "manifest.json").write_text("[]")
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(root)
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message


def test_blank_lines_in_resources_are_skipped_and_lines_keep_their_numbers(tmp_path: Path) -> None:
    root = contoso_snapshot(tmp_path)
    resources = root / "resources.jsonl"
    lines = resources.read_text().splitlines()
    resources.write_text("\n".join(["", " \t", *lines, "  ", "{bad"]) + "\n")
    snap = load_snapshot(root)
    with pytest.raises(SnapshotError, match=rf"line {len(lines) + 4} is not valid JSON"):
        list(snap.iter_resources())
    resources.write_text("\n".join(["", " \t", *lines, "  "]) + "\n")
    assert len(list(load_snapshot(root).iter_resources())) == len(lines)
