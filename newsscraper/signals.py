"""Signals the spider sends for extensions (Scrapy's ``signals`` style: unique objects)."""

article_gone = object()
"""An article answered 404 or 410. Arguments: ``article_id``, ``status``."""

month_listed = object()
"""A monthly sitemap was read whole. Arguments: ``month`` (its state key, the file's path),
``urls`` (every ``loc`` it lists)."""

slug_resolved = object()
"""A slug-only article link was resolved by the site's redirect. Arguments: ``url`` (the
link as requested), ``target`` (the ``Location``, an article URL with its id)."""

articles_writing = object()
"""The store pipeline is about to write a batch. Arguments: ``batch`` (the articles'
stored form, dicts, which handlers may complete: ``RelatedIds`` fills related ids)."""
