"""Seed files: one URL a line, comments, and a clear error naming the bad line."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsscraper.seeds import Seed, SeedError, load_seeds, parse_seeds

ROOT = Path(__file__).resolve().parents[1]


def test_comments_blank_lines_and_duplicates():
    text = ("# start points\n"
            "\n"
            "https://www.themoscowtimes.com/news   # the news listing\n"
            "   https://www.themoscowtimes.com/rss/news\n"
            "https://www.themoscowtimes.com/news\n")
    assert parse_seeds(text) == [Seed("https://www.themoscowtimes.com/news", 3),
                                 Seed("https://www.themoscowtimes.com/rss/news", 4)]


@pytest.mark.parametrize(("line", "why"), [
    ("www.themoscowtimes.com/news", "not an absolute http(s) URL"),
    ("/news", "not an absolute http(s) URL"),
    ("ftp://www.themoscowtimes.com/news", "not an absolute http(s) URL"),
    ("https://", "not an absolute http(s) URL"),
    ("https://www.themoscowtimes.com/news https://www.themoscowtimes.com/opinion",
     "one URL per line"),
    ("https://www.themoscowtimes.com/news\tx", "one URL per line"),
])
def test_a_bad_line_is_named_with_its_number(line, why):
    text = f"# seeds\nhttps://www.themoscowtimes.com/opinion\n\n{line}\n"
    with pytest.raises(SeedError) as err:
        parse_seeds(text, "my-seeds.txt")
    assert str(err.value).startswith("my-seeds.txt:4: ")
    assert why in str(err.value)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_a_file_without_urls_is_refused(text):
    with pytest.raises(SeedError, match="no seed URLs"):
        parse_seeds(text, "empty.txt")


def test_the_project_seed_file_loads_and_is_shipped_in_the_package():
    seeds = load_seeds(ROOT / "seeds" / "moscowtimes.txt")
    urls = [s.url for s in seeds]
    assert "https://www.themoscowtimes.com/robots.txt" in urls
    assert "https://static.themoscowtimes.com/sitemap/newsmap.xml" in urls
    assert "https://www.themoscowtimes.com/news" in urls
    # the copy inside the package (scrapyd eggs have no seeds/ folder) says the same
    packaged = ROOT / "newsscraper" / "data" / "moscowtimes.txt"
    assert packaged.read_text() == (ROOT / "seeds" / "moscowtimes.txt").read_text()


def test_default_file_from_the_working_directory_else_the_package(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert load_seeds() == load_seeds(ROOT / "seeds" / "moscowtimes.txt")
    monkeypatch.chdir(tmp_path)  # no seeds/ here: the packaged copy
    assert [s.url for s in load_seeds()] == \
        [s.url for s in load_seeds(ROOT / "seeds" / "moscowtimes.txt")]
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "moscowtimes.txt").write_text("https://www.themoscowtimes.com/news\n")
    assert [s.url for s in load_seeds()] == ["https://www.themoscowtimes.com/news"]


def test_an_explicit_file(tmp_path):
    path = tmp_path / "few.txt"
    path.write_text("https://www.themoscowtimes.com/business\nnot a url\n")
    with pytest.raises(SeedError, match=rf"{path}:2: "):
        load_seeds(path)
    with pytest.raises(SeedError, match="no such seed file"):
        load_seeds(tmp_path / "missing.txt")
    (tmp_path / "latin.txt").write_bytes(b"https://www.themoscowtimes.com/\xe9\n")
    with pytest.raises(SeedError, match="cannot read"):
        load_seeds(tmp_path / "latin.txt")
