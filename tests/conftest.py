"""Shared fixtures: a real MongoDB-protocol server for every test that needs one.

The server is ``NEWSSCRAPER_TEST_MONGO_URI`` (or ``MONGO_URI``) when set; otherwise a
session-scoped FerretDB on a free loopback port with a temporary data dir. Each test
gets a database of its own, dropped afterwards. There is no fake store anywhere.
"""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymongo import MongoClient

from newsscraper.storage.ferretdb import LocalDatabase, find_ferretdb, free_port
from newsscraper.storage.uri import client_options

pytest_plugins = ["tests.fixtures_replica"]


@pytest.fixture(scope="session")
def mongo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URI of a running server for the whole test session."""
    uri = os.environ.get("NEWSSCRAPER_TEST_MONGO_URI") or os.environ.get("MONGO_URI")
    if uri:
        yield uri
        return
    db = LocalDatabase(data_dir=tmp_path_factory.mktemp("ferretdb"), port=free_port())
    db.start(log=lambda _m: None)
    try:
        yield db.uri
    finally:
        db.stop()


def require_local_ferretdb() -> None:
    """Skip a test that must run a FerretDB of its own (to stop, kill or inspect it)
    when none can be had here: no binary and no Go to build one (a MongoDB-only host)."""
    import shutil

    if find_ferretdb() is None and shutil.which("go") is None:
        pytest.skip("needs a local FerretDB: no ferretdb binary and no Go to build one")


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[LocalDatabase]:
    """A FerretDB of the test's own, to stop and start at will (outage tests)."""
    require_local_ferretdb()
    db = LocalDatabase(data_dir=tmp_path / "own-db", port=free_port())
    db.start(log=lambda _m: None)
    try:
        yield db
    finally:
        db.stop()
        # pymongo's server monitor can drop a socket it opened while the server was being
        # killed; collect it here so its ResourceWarning stays with the test that caused it
        gc.collect()


@pytest.fixture
def mongo_uri(mongo_server: str) -> str:
    return mongo_server


@pytest.fixture
def mongo_db_name(mongo_server: str) -> Iterator[str]:
    """A unique database name; the database is dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield name
    client: MongoClient = MongoClient(mongo_server, **client_options())
    try:
        client.drop_database(name)
    finally:
        client.close()


@pytest.fixture
def mongo_db(mongo_server: str, mongo_db_name: str):
    """A synchronous handle on the test's own database (for assertions)."""
    client: MongoClient = MongoClient(mongo_server, **client_options())
    try:
        yield client[mongo_db_name]
    finally:
        client.close()
