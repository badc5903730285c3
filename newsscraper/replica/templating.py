"""The replica's template files (``replica/templates/``): ``string.Template`` text with
``${name}`` slots, loaded once per process and filled with strings already escaped.

Why not Jinja2: the pages are the site's PHP output frozen byte for byte (tabs, blank
lines, trailing spaces and all), every value is escaped by the caller exactly as the
site's ``view::text``/``view::attr`` do, and a template has no logic; ``string.Template``
keeps the files plain markup with no dependency.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template


@cache
def template(name: str) -> Template:
    """``templates/{name}.html`` (or the file named, with its extension)."""
    file = name if "." in name else f"{name}.html"
    text = resources.files("newsscraper.replica").joinpath(f"templates/{file}").read_text("utf-8")
    return Template(text)


def fill(template_name: str, /, **values: object) -> str:
    """The template ``template_name`` with every slot filled (a missing one: KeyError)."""
    return template(template_name).substitute(values)
