"""Helpers for the replica's own tests: a rendered site (no sockets) and a raw HTTP client."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from newsscraper.replica import RenderedSite, SiteModel, generate_site, render_site


@pytest.fixture(scope="session")
def model() -> SiteModel:
    """300 articles: every page type, block kind and quirk occurs at least once."""
    return generate_site(300, seed=11)


@pytest.fixture(scope="session")
def site(model: SiteModel) -> RenderedSite:
    return render_site(model)


def fetch(url: str, method: str = "GET", timeout: float = 10,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request, no redirects followed: (status, headers, body)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""),
                     headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()
