"""Fault profiles: transient errors a retrying crawler gets through, and fixed traps."""

from __future__ import annotations

import http.client
import socket
import time

import pytest

from newsscraper.replica import generate_site, render_site
from newsscraper.replica.faults import (
    FLAKY_STALL_SECONDS,
    PROFILES,
    SLOW_SECONDS,
    TRAP_PREFIX,
    flaky_kind,
)
from tests.replica.conftest import fetch

TIMEOUT = 10.0  # a crawler's download timeout: a longer delay is a timeout


def all_paths(site) -> list[tuple[str, str]]:
    return [("www", p) for p in site.pages] + [("static", p) for p in site.static_pages]


def test_flaky_faults_are_fixed_per_path_and_retries_get_everything(model):
    clean = render_site(model)
    site = render_site(model, faults="flaky")
    kinds = {path: flaky_kind(path) for _origin, path in all_paths(site)}
    assert {k for k in kinds.values()} == {None, "5xx", "stall", "slow"}
    share = sum(k == "5xx" for k in kinds.values()) / len(kinds)
    assert 0.08 < share < 0.18
    assert kinds["/robots.txt"] is None
    assert kinds == {p: flaky_kind(p) for _o, p in all_paths(render_site(model, faults="flaky"))}
    for origin, path in all_paths(site):
        statuses = []
        for _attempt in range(4):  # the first try and three retries
            page = site.get(path, origin)
            if page.delay >= TIMEOUT:
                statuses.append("timeout")
                continue
            statuses.append(page.status)
            if page.status < 500:
                break
        assert page.body == clean.get(path, origin).body, (path, statuses)
        if kinds[path] == "5xx":
            assert statuses == [503, 500, page.status]
        elif kinds[path] == "stall":
            assert statuses == ["timeout", 200]
        elif kinds[path] == "slow":
            assert page.delay == SLOW_SECONDS
        else:
            assert len(statuses) == 1 and page.delay == 0


def test_503_carries_retry_after(model):
    site = render_site(model, faults="flaky")
    path = next(p for _o, p in all_paths(site) if flaky_kind(p) == "5xx")
    first = site.get(path)
    assert first.status == 503 and first.headers["Retry-After"] == "1"
    assert site.get(path).status == 500
    assert site.get(path).status == 200


def test_no_faults_by_default(model, site):
    assert site.faults is None
    assert all(site.get(p).status in (200, 301) for p in list(site.pages)[:200])
    assert site.get(TRAP_PREFIX + "stalled-story-a1").status == 404
    with pytest.raises(ValueError):
        render_site(model, faults="nonsense")
    assert PROFILES == ("flaky", "hostile", "all", "redesign")


def test_all_is_flaky_and_hostile():
    site = render_site(generate_site(40, 2), faults="all")
    assert site.get(TRAP_PREFIX + "malformed-story-a3").status == 200
    assert site.faults.flaky and site.faults.hostile


def test_hostile_traps_over_http(replica_server):
    srv = replica_server(articles=40, seed=2, faults="hostile")
    base = srv.base_url + TRAP_PREFIX
    news = fetch(srv.base_url + "/news")[2]
    for name in ("stalled-story-a1", "truncated-story-a2", "malformed-story-a3", "huge-story-a4",
                 "loop-story-a5", "offsite-story-a7", "not-an-article-a8", "slow-story-a9"):
        assert f'href="{base}{name}"'.encode() in news, name
    status, headers, _ = fetch(base + "offsite-story-a7")
    assert status == 301 and headers["Location"].startswith(f"http://localhost:{srv.port}/")
    assert fetch(base + "loop-story-a5")[1]["Location"] == base + "loop-story-b-a6"
    assert fetch(base + "loop-story-b-a6")[1]["Location"] == base + "loop-story-a5"
    assert len(fetch(base + "huge-story-a4")[2]) > 5_000_000
    malformed = fetch(base + "malformed-story-a3")[2]
    assert b"<head>" not in malformed and b"\xff" in malformed
    assert b"cluster--section-articles" in fetch(base + "not-an-article-a8")[2]
    t = time.monotonic()
    assert fetch(base + "slow-story-a9")[0] == 200 and time.monotonic() - t >= 2.9
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    try:
        conn.request("GET", TRAP_PREFIX + "truncated-story-a2")
        response = conn.getresponse()
        with pytest.raises(http.client.IncompleteRead):
            response.read()
    finally:
        conn.close()
    t = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout)):
        fetch(base + "stalled-story-a1", timeout=1)
    assert time.monotonic() - t < 5
    # the server keeps serving while a request stalls
    assert fetch(srv.base_url + "/robots.txt")[0] == 200


def test_flaky_over_http(replica_server):
    srv = replica_server(articles=120, seed=5, faults="flaky")
    paths = [p for p in srv.site.pages if p.count("/") == 4 and "-a" in p]
    failing = next(p for p in paths if flaky_kind(p) == "5xx")
    status, headers, _ = fetch(srv.base_url + failing)
    assert status == 503 and headers["Retry-After"] == "1"
    assert fetch(srv.base_url + failing)[0] == 500
    assert fetch(srv.base_url + failing)[0] == 200
    stalled = next(p for p in paths if flaky_kind(p) == "stall")
    assert FLAKY_STALL_SECONDS > TIMEOUT
    with pytest.raises((TimeoutError, socket.timeout)):
        fetch(srv.base_url + stalled, timeout=1)
    assert fetch(srv.base_url + stalled)[0] == 200
    sitemap = next(p for p in srv.site.static_pages if flaky_kind(p) == "5xx")
    assert fetch(srv.static_url + sitemap)[0] == 503
