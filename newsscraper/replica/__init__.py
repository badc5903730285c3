"""A faithful local replica of The Moscow Times, for offline tests, demos and benchmarks."""

from newsscraper.replica.generate import SiteModel, generate_site
from newsscraper.replica.render import Page, RenderedSite, render_site
from newsscraper.replica.server import ReplicaServer
from newsscraper.replica.truth import truth_records

__all__ = ["Page", "RenderedSite", "ReplicaServer", "SiteModel", "generate_site", "render_site",
           "truth_records"]
