"""Issue 10 point 1: the local FerretDB serves ``_id`` lookups from its ``_id`` index."""

from __future__ import annotations

import asyncio

import pytest

from newsscraper.cli import main
from newsscraper.storage.database import plan_scans
from newsscraper.storage.ferretdb import FERRETDB_BUILD, build_marker, find_ferretdb
from newsscraper.storage.mongo import ArticleStore

FERRETDB_SCAN = {"queryPlanner": {"Plan": ["id=2 parent=0 notused=0 detail=SCAN articles_1"]},
                 "filterPushdown": True}
FERRETDB_INDEXED = {"queryPlanner": {"Plan": [
    "id=3 parent=0 notused=0 detail=SEARCH articles_1 USING INDEX articles_1__id_ (<expr>=?)"]}}
MONGODB_IDHACK = {"queryPlanner": {"winningPlan": {"stage": "EXPRESS_IDHACK"}}}
MONGODB_COLLSCAN = {"queryPlanner": {"winningPlan": {"stage": "COLLSCAN"}}}


@pytest.mark.parametrize(("reply", "scans"), [
    (FERRETDB_SCAN, True), (FERRETDB_INDEXED, False), (MONGODB_IDHACK, False),
    (MONGODB_COLLSCAN, True), ({"queryPlanner": {"Plan": []}}, None), ({}, None)])
def test_explain_of_an_id_lookup_is_read_on_both_servers(reply, scans):
    assert plan_scans(reply) is scans


def test_id_lookup_on_the_test_server_is_served_by_an_index(mongo_uri, mongo_db_name, mongo_db):
    mongo_db.articles.insert_many([{"_id": f"moscowtimes:{i}", "n": i} for i in range(50)])

    async def check() -> bool | None:
        store = ArticleStore(mongo_uri, mongo_db_name)
        try:
            return await store.articles.id_lookup_scans()
        finally:
            await store.close()

    assert asyncio.run(check()) is False


def test_unpatched_ferretdb_build_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSSCRAPER_TOOLS_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    binary = tmp_path / "bin" / "ferretdb"
    binary.parent.mkdir()
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    assert find_ferretdb() is None  # a build from before the patch: no marker
    build_marker(binary).write_text("v1.24.2\n")
    assert find_ferretdb() is None
    build_marker(binary).write_text(FERRETDB_BUILD + "\n")
    assert find_ferretdb() == binary


def test_db_status_reports_how_id_lookups_are_served(monkeypatch, capsys, mongo_server,
                                                     mongo_db_name):
    monkeypatch.setenv("MONGO_URI", mongo_server)
    monkeypatch.setenv("MONGO_DATABASE", mongo_db_name)
    assert main(["db", "status"]) == 0
    assert "_id lookups: served by an index" in capsys.readouterr().out
