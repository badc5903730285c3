"""Fixtures that serve the replica of the site in the test process."""

from __future__ import annotations

import pytest

from newsscraper.replica import ReplicaServer, generate_site

SMALL = 120


@pytest.fixture(scope="session")
def replica_model():
    return generate_site(SMALL, seed=7)


@pytest.fixture(scope="session")
def replica(replica_model):
    """A running replica of the default small site (www and static origins)."""
    with ReplicaServer(replica_model) as server:
        yield server
