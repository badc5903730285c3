"""The parsers' exceptions: the only ones a page, however broken, makes them raise."""

from __future__ import annotations


class ParseError(ValueError):
    """The page could not be parsed; the message says why, for a log line."""


class NotAnArticle(ParseError):
    """The page is not an article page (listing, fragment, PDF, error page...)."""
