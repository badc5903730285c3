"""What the replica answers with: :class:`Page` (status, headers, body), the stock
responses (404, 410, the PDF) and the static files of ``data/`` (stylesheet, logos,
favicon, photos). Every renderer builds its pages from here; nothing here renders."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from newsscraper.replica.templating import fill

HTML = "text/html; charset=UTF-8"

XML = "application/xml; charset=UTF-8"

JSON = "application/json"


@dataclass
class Page:
    """One response. ``delay`` and ``truncate`` are set by fault profiles only."""

    status: int
    headers: dict[str, str]
    body: bytes
    delay: float = 0.0
    """Seconds the server waits before answering."""
    truncate: bool = False
    """Declare the full ``Content-Length``, send half the body, close the connection."""


def response(status: int, body: bytes, ctype: str = HTML) -> Page:
    return Page(status, {"Content-Type": ctype}, body)


def bare_path(target: str) -> str:
    """The path a request target names, as the router looks it up: no query, no
    fragment, no trailing slash."""
    bare = target.split("?", 1)[0].split("#", 1)[0]
    return bare.rstrip("/") if len(bare) > 1 else bare


NOT_FOUND = response(404, fill("not_found").encode())

GONE = response(
    410,
    NOT_FOUND.body.replace(b"<h1>404</h1>", b"<h1>410</h1>").replace(
        b"does not exist.", b"has been removed."
    ),
)

PDF = response(200, b"%PDF-1.4\n% replica: the article as a PDF\n%%EOF\n", "application/pdf")

PHOTOS = 6  # data/photo{0..5}.png: small grey-toned "photos", one picked per image URL


@cache
def asset(name: str) -> bytes:
    """A file of ``data/``, read once per process."""
    return resources.files("newsscraper.replica").joinpath(f"data/{name}").read_bytes()


@cache
def static_assets() -> dict[str, Page]:
    """The stylesheet, logos and favicon the pages link to, on the static origin."""
    return {
        "/css/main.css": response(200, asset("style.css"), "text/css; charset=UTF-8"),
        "/img/logo_tmt_30_yo.svg": response(200, asset("logo.svg"), "image/svg+xml"),
        "/img/logo.png": response(200, asset("logo.png"), "image/png"),  # JSON-LD publisher, 50x50
        "/img/logo_1280.png": response(200, asset("logo_1280.png"), "image/png"),  # JSON-LD org
        "/img/icons/favicon.ico": response(200, asset("favicon.ico"), "image/x-icon"),
    }


@cache
def photo(k: int) -> Page:
    return response(200, asset(f"photo{k}.png"), "image/png")
