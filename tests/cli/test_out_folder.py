"""`--out` never deletes what tenantmap did not write (issue 10, item 2)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import one_sentence_error, tenantmap


def crawl_into(out: Path, state: Path, estate: Path) -> tuple[int, str]:
    result = tenantmap(
        "crawl", "--estate", str(estate), "--out", str(out), "--state-dir", str(state), "--quiet"
    )
    return result.code, one_sentence_error(result) if result.code else ""


def folder_with(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / name).write_text(text)
    return folder


def test_a_folder_with_other_files_is_refused_and_kept(
    tmp_path: Path, tmp_state: Path, sample_estate: Path
) -> None:
    out = folder_with(tmp_path / "documents", "thesis.txt", "years of work")
    code, error = crawl_into(out, tmp_state, sample_estate)
    assert code == 2
    assert str(out) in error and "not a tenantmap snapshot" in error
    assert (out / "thesis.txt").read_text() == "years of work"
    assert sorted(p.name for p in out.iterdir()) == ["thesis.txt"]


def test_the_state_folder_is_refused_and_its_store_and_key_survive(
    tmp_path: Path, tmp_state: Path, sample_estate: Path
) -> None:
    (tmp_state / "tenantmap.db").write_bytes(b"history")
    (tmp_state / "redaction.key").write_bytes(b"key")
    code, error = crawl_into(tmp_state, tmp_state, sample_estate)
    assert code == 2 and "state folder" in error
    assert (tmp_state / "tenantmap.db").read_bytes() == b"history"
    assert (tmp_state / "redaction.key").read_bytes() == b"key"


def test_a_link_to_a_folder_is_refused_not_followed(
    tmp_path: Path, tmp_state: Path, sample_estate: Path
) -> None:
    real = folder_with(tmp_path / "real", "keep.txt", "mine")
    link = tmp_path / "link"
    link.symlink_to(real)
    code, error = crawl_into(link, tmp_state, sample_estate)
    assert code == 2 and "symbolic link" in error
    assert (real / "keep.txt").read_text() == "mine"
    assert link.is_symlink()


def test_a_snapshot_tenantmap_wrote_is_replaced(
    tmp_path: Path, tmp_state: Path, sample_estate: Path
) -> None:
    out = tmp_path / "snap"
    assert crawl_into(out, tmp_state, sample_estate) == (0, "")
    first = json.loads((out / "manifest.json").read_text())
    assert crawl_into(out, tmp_state, sample_estate) == (0, "")
    second = json.loads((out / "manifest.json").read_text())
    assert first["format"] == second["format"] == "tenantmap.snapshot/1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap", "state"]


def test_run_refuses_an_out_folder_whose_snapshot_folder_is_not_a_snapshot(
    tmp_path: Path, tmp_state: Path, sample_estate: Path
) -> None:
    out = tmp_path / "report"
    folder_with(out / "snapshot", "notes.md", "mine")
    result = tenantmap(
        "run",
        "--estate", str(sample_estate),
        "--inventory", str(sample_estate / "inventory.yaml"),
        "--out", str(out),
        "--state-dir", str(tmp_state),
    )  # fmt: skip
    assert result.code == 2, result.stderr
    assert "not a tenantmap snapshot" in one_sentence_error(result)
    assert (out / "snapshot" / "notes.md").read_text() == "mine"
    assert not (tmp_state / "tenantmap.db").exists()
