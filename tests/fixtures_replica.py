"""Fixtures that serve the replica of the site in the test process (a pytest plugin).

- ``replica_model``: the default small site (120 articles, seed 7, epoch 1), per session.
- ``replica``: a running :class:`ReplicaServer` of it (www and static origins on free
  loopback ports), per session; ``replica.base_url``, ``replica.static_url``,
  ``replica.model``, ``replica.site`` (the rendered pages), ``replica.hits``.
- ``replica_server``: a factory for other replicas, stopped at the end of the test::

      def test_x(replica_server):
          server = replica_server(articles=200, seed=3, epoch=2, faults="flaky")
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from newsscraper.replica import ReplicaServer, SiteModel, generate_site

SMALL = 120
SEED = 7


@pytest.fixture(scope="session")
def replica_model() -> SiteModel:
    return generate_site(SMALL, seed=SEED)


@pytest.fixture(scope="session")
def replica(replica_model: SiteModel) -> Iterator[ReplicaServer]:
    """A running replica of the default small site (www and static origins)."""
    with ReplicaServer(replica_model) as server:
        yield server


@pytest.fixture
def replica_server() -> Iterator[Callable[..., ReplicaServer]]:
    """Start replicas of any size, seed, epoch or fault profile; all stop after the test."""
    started: list[ReplicaServer] = []

    def start(articles: int = SMALL, seed: int = SEED, epoch: int = 1,
              faults: str | None = None, port: int = 0, static_port: int = 0,
              publish_every: float | None = None) -> ReplicaServer:
        server = ReplicaServer(generate_site(articles, seed, epoch), faults=faults, port=port,
                               static_port=static_port, publish_every=publish_every).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
