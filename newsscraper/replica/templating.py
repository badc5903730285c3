"""The replica's template files (``replica/templates/``): markup with ``${name}`` slots
(``string.Template`` syntax, ``$$`` for a dollar sign), loaded once per process and
filled with strings already escaped.

Why not Jinja2: the pages are the site's PHP output frozen byte for byte (tabs, blank
lines, trailing spaces and all), every value is escaped by the caller exactly as the
site's ``view::text``/``view::attr`` do, and a template has no logic. A file is read
with ``string.Template``'s own pattern and turned into a ``str.format`` string once:
filling it is then one C call, as fast as the f-strings the templates replaced.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template


def _format_string(text: str) -> str:
    """``${name}`` slots as ``{name}``, literal braces doubled, ``$$`` as ``$``."""

    def convert(m) -> str:
        if m.group("escaped") is not None:
            return "$"
        name = m.group("named") or m.group("braced")
        if name is None:
            raise ValueError(f"bad template slot: {text[m.start():m.start() + 20]!r}")
        return "{" + name + "}"

    parts, last = [], 0
    for m in Template.pattern.finditer(text):
        parts.append(text[last:m.start()].replace("{", "{{").replace("}", "}}"))
        parts.append(convert(m))
        last = m.end()
    parts.append(text[last:].replace("{", "{{").replace("}", "}}"))
    return "".join(parts)


@cache
def template(name: str) -> str:
    """``templates/{name}.html`` (or the file named, with its extension), as a
    ``str.format`` string."""
    file = name if "." in name else f"{name}.html"
    text = resources.files("newsscraper.replica").joinpath(f"templates/{file}").read_text("utf-8")
    return _format_string(text)


def fill(template_name: str, /, **values: object) -> str:
    """The template ``template_name`` with every slot filled (a missing one: KeyError)."""
    return template(template_name).format_map(values)
