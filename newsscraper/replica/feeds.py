"""RSS feeds (``article/rss*.php``) and sitemaps (``app/Command/Sitemap.php``,
``Newsmap.php``), with the site's quirks: ``/rss/all`` prefixes opinion titles and skips
podcasts and live blogs, the Yandex feed is windows-1251, news sitemaps do not escape
titles, and the sitemap index is in reversed case-insensitive alphabetical order."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

from newsscraper.replica.links import Links
from newsscraper.replica.markup import esc, first_sentence, first_text, inline, iso, prefix
from newsscraper.replica.model import MSK, SECTIONS, ArticleSpec
from newsscraper.replica.responses import XML, Page, response
from newsscraper.replica.templating import fill
from newsscraper.sites.moscowtimes.site import ORGANISATION

RSS_ITEMS = 50
NEWS_SITEMAP_DAYS = 30
NEWS_SITEMAP_ITEMS = 100
NEWS_SITEMAP_KEYS = ("news", "opinion", "meanwhile", "city", "business", "climate", "diaspora",
                     "ukraine_war", "lecture_series")
TABS = "\t" * 12


class Feeds:
    """The feeds and sitemaps of ``live`` (the site's live articles, newest first)."""

    def __init__(self, links: Links, live: list[ArticleSpec]) -> None:
        self.links = links
        self.live = live

    def feeds(self) -> dict[str, Page]:
        """Every ``/rss/...`` page, by path."""
        p: dict[str, Page] = {}
        lbd = format_datetime(self.links.now.astimezone(MSK))
        for key, (_path, _label, _bc, feed) in SECTIONS.items():
            if feed:
                items = [a for a in self.live if a.section == key][:RSS_ITEMS]
                p[f"/rss/{feed}"] = self.rss(feed, items, lbd)
        p["/rss/city"] = p["/rss/arts-and-life"]
        podcasts = [a for a in self.live if a.type == "podcast"][:RSS_ITEMS]
        p["/rss/podcasts"] = self.rss("podcasts", podcasts, lbd)
        # /rss/all carries no podcasts and no live blogs
        all_items = [a for a in self.live if a.type not in ("podcast", "live")][:RSS_ITEMS]
        p["/rss/all"] = self.rss("all", all_items, lbd, full=True)
        p["/rss/yandex-news"] = self.rss("yandex-news", all_items, lbd, full=True, yandex=True)
        return p

    def rss(self, feed: str, items: list[ArticleSpec], lbd: str, full: bool = False,
            yandex: bool = False) -> Page:
        enc = "windows-1251" if yandex else "utf-8"
        xml = fill("rss.xml", enc=enc,
                   ns=' xmlns:yandex="http://news.yandex.ru"' if yandex else "",
                   www=self.links.www, link={"all": "", "yandex-news": "",
                                             "city": "arts-and-life"}.get(feed, feed),
                   feed=feed, lbd=lbd,
                   items="".join(self.rss_item(a, full, yandex) for a in items))
        return response(200, xml.encode(enc, errors="xmlcharrefreplace"),
                        f"application/rss+xml; charset={enc}")

    def rss_item(self, a: ArticleSpec, full: bool, yandex: bool) -> str:
        title = esc(a.title)
        if full and a.is_opinion and a.authors:
            title = esc(a.authors[0].name) + ": " + title
        if full:
            desc = "<![CDATA[" + self.rss_body(a) + "]]>"
        else:
            # live-blog bullets come first, HTML-escaped twice inside CDATA
            bullets = "".join(f"\n{TABS if k == 0 else chr(9) * 8}<![CDATA["
                              f"{esc(esc(first_sentence(post.paragraphs[0])))}]]>"
                              for k, post in enumerate(a.live_posts[-2:]))
            excerpt = prefix(a) + (a.intro or a.subtitle or first_sentence(first_text(a)))
            desc = f"{bullets}\n{TABS}{esc(excerpt)}\t\t\t"
        return fill("rss_item.xml", title=title, url=self.links.url(a), desc=desc,
                    pub_date=format_datetime(a.published.astimezone(MSK)),
                    extra=self.rss_full_fields(a, yandex) if full else "")

    def rss_full_fields(self, a: ArticleSpec, yandex: bool) -> str:
        """Author, category and enclosure of ``/rss/all`` (and the Yandex full text)."""
        category = {"video": "Video - Videos", "gallery": "Рhotos - Galleries"}.get(
            a.type, "Article - Opinion" if a.is_opinion else "Article - News")
        author = "general@themoscowtimes.com"
        if yandex:
            author = a.authors[0].name if a.authors else ORGANISATION
        enclosure = (f"https://www.youtube.com/watch?v={a.video_id}" if a.type == "video"
                     else self.links.og_image(a))
        extra = fill("rss_full_fields.xml", author=esc(author), category=category,
                     enclosure=enclosure)
        if yandex:
            extra += f"\n\t\t\t<yandex:full-text>{esc(plain_body(a))}</yandex:full-text>"
        return extra

    def rss_body(self, a: ArticleSpec) -> str:
        return "".join(f"<p>{inline(self.links.www, t)}</p>" for b in a.blocks
                       if b.kind == "html" for _tag, t in b.paragraphs)

    def sitemaps(self) -> dict[str, Page]:
        """The monthly sitemaps and their index, and the news sitemaps, by static path."""
        sp: dict[str, Page] = {}
        months: dict[tuple[int, int], list[ArticleSpec]] = {}
        for a in self.live:
            d = a.published.astimezone(MSK)
            months.setdefault((d.year, d.month), []).append(a)
        for (y, mo), items in months.items():
            urls = "".join(fill("sitemap_month_url.xml", url=self.links.url(a)) for a in items)
            sp[f"/sitemap/{y}-{mo}.xml"] = response(
                200, fill("sitemap_month.xml", urls=urls).encode(), XML)
        # the generator reverses a case-insensitive alphabetical listing of the files:
        # 2025-9, 2025-8 ... 2025-2, 2025-11, 2025-10, 2025-1, 2024-9 ...
        names = sorted((f"{y}-{mo}" for (y, mo) in months), key=str.lower, reverse=True)
        entries = "".join(
            fill("sitemap_index_entry.xml", static=self.links.static, name=n,
                 lastmod=iso(max(a.modified for a in months[_ym(n)])))
            for n in names)
        sp["/sitemap/sitemap.xml"] = response(
            200, fill("sitemap_index.xml", entries=entries).encode(), XML)
        self.news_sitemaps(sp)
        return sp

    def news_sitemaps(self, sp: dict[str, Page]) -> None:
        now = self.links.now
        fresh = [a for a in self.live if now - a.published <= timedelta(days=NEWS_SITEMAP_DAYS)]
        entries = "".join(fill("news_sitemap_index_entry.xml", static=self.links.static, key=k)
                          for k in NEWS_SITEMAP_KEYS)
        sp["/sitemap/newsmap.xml"] = response(
            200, fill("sitemap_index.xml", entries=entries).encode(), XML)
        for k in NEWS_SITEMAP_KEYS:
            items = [a for a in fresh if a.section == k][:NEWS_SITEMAP_ITEMS]
            # title and keywords are written without XML escaping, as the site does
            urls = "".join(fill("news_sitemap_url.xml", url=self.links.url(a),
                                published=iso(a.published), title=a.title,
                                keywords=",".join(t.title for t in a.tags))
                           for a in items)
            sp[f"/sitemap/{k}.xml"] = response(
                200, fill("news_sitemap.xml", urls=urls).encode(), XML)


def plain_body(a: ArticleSpec) -> str:
    return "\n".join(t for b in a.blocks if b.kind == "html" for _tag, t in b.paragraphs)


def _ym(name: str) -> tuple[int, int]:
    y, m = name.split("-")
    return int(y), int(m)
