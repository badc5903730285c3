"""A faithful local replica of The Moscow Times, for offline tests, demos and benchmarks.

    from newsscraper.replica import ReplicaServer, generate_site, render_site, truth_records

    model = generate_site(articles=300, seed=1, epoch=1)   # deterministic content model
    site = render_site(model, base_url, static_url, faults=None)
    site.get("/news/19").body                                # Page(status, headers, body)
    records = truth_records(model, base_url)                 # what a perfect extractor returns
    with ReplicaServer(model, faults="flaky") as server:     # two loopback origins
        server.base_url, server.static_url

Modules: :mod:`~newsscraper.replica.generate` (the model, epochs and ``model.changes``),
:mod:`~newsscraper.replica.website` (the rendered site: its renderers, the real markup,
and the routes),
:mod:`~newsscraper.replica.truth` (the field choices a parser must match),
:mod:`~newsscraper.replica.faults` (fault profiles and which paths they hit; the
``redesign`` layout in :mod:`~newsscraper.replica.redesign`),
:mod:`~newsscraper.replica.server` (the HTTP server; articles published while it runs in
:mod:`~newsscraper.replica.publish`), and
:mod:`~newsscraper.replica.examples` (save one page of each kind to look at).
From the shell: ``newsscraper replica serve|truth``.
"""

from newsscraper.replica.generate import generate_site
from newsscraper.replica.model import SiteModel
from newsscraper.replica.responses import Page
from newsscraper.replica.server import ReplicaServer
from newsscraper.replica.truth import truth_records
from newsscraper.replica.website import RenderedSite, render_site

__all__ = ["Page", "RenderedSite", "ReplicaServer", "SiteModel", "generate_site", "render_site",
           "truth_records"]
