"""Commands that read the history say when there is none, instead of answering from
nothing or creating a store (issue 10, item 14)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import one_sentence_error, tenantmap


def test_query_without_a_store_says_so_and_creates_none(tmp_path: Path) -> None:
    state = tmp_path / "state"
    result = tenantmap("query", "connected-tenants", "--state-dir", str(state))
    assert result.code == 2
    assert "there is no store at" in one_sentence_error(result)
    assert str(state / "tenantmap.db") in result.stderr
    assert not (state / "tenantmap.db").exists()
    assert result.stdout == ""


def test_query_on_a_mistyped_store_path_creates_nothing(tmp_path: Path) -> None:
    wrong = tmp_path / "tenantmpa.db"
    result = tenantmap("query", "connected-tenants", "--store", f"sqlite:///{wrong}")
    assert result.code == 2
    assert not wrong.exists()


def test_query_on_a_store_without_runs_says_so(tmp_path: Path) -> None:
    from graph.stores import open_store

    state = tmp_path / "state"
    open_store(None, state_dir=state).close()  # a store that exists and holds nothing
    result = tenantmap("query", "connected-tenants", "--state-dir", str(state))
    assert result.code == 2
    assert "holds no run yet" in one_sentence_error(result)


def test_report_without_a_store_says_so_and_creates_none(tmp_path: Path) -> None:
    state = tmp_path / "state"
    result = tenantmap("report", "--state-dir", str(state))
    assert result.code == 2
    assert "there is no store at" in one_sentence_error(result)
    assert not (state / "tenantmap.db").exists()


def test_report_mail_to_without_a_report_json_is_an_error(tmp_path: Path) -> None:
    result = tenantmap(
        "report", "--state-dir", str(tmp_path / "state"),
        "--mail-to", "secops@contoso.example", "--mail-from", "tenantmap@contoso.example",
        "--smtp-host", "127.0.0.1",
    )  # fmt: skip
    assert result.code == 2
    assert "--mail-to needs the report to send" in one_sentence_error(result)
