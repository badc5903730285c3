"""Every setting the package reads has one default, in newsscraper/default_settings.py,
is read without an inline fallback, and has a row in the README's settings tables."""

from __future__ import annotations

import argparse
import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.settings import default_settings as scrapy_defaults
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import load_object

from newsscraper import default_settings
from newsscraper.commands.reader import crawl_settings
from newsscraper.crawl.preflight import NUMBERS, check_number
from newsscraper.default_settings import default, layer_defaults
from newsscraper.profiles import PROFILES
from newsscraper.scrapy_commands.crawl import Command as CrawlCommand
from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.uri import mongo_database
from newsscraper.warc.middleware import SHAPING
from tests.settings_helpers import project_settings
from tests.settings_scan import Scan, scan_package, scan_sources

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "newsscraper"
DEFAULTS_MODULE = "newsscraper/default_settings.py"
SPIDER_MODULE = "newsscraper.spiders"
# reads whose name is a variable: where, and every name each can read
DYNAMIC = {
    ("newsscraper/crawl/preflight.py", "check_settings"): tuple(NUMBERS),
    ("newsscraper/spiders/moscowtimes.py", "update_settings"):
        tuple(name for profile in PROFILES.values() for name in profile),
    ("newsscraper/warc/middleware.py", "_archive"): SHAPING,
}


def problems(scan: Scan) -> list[str]:
    """Inline fallbacks, and reads whose name the check cannot know."""
    out = [f"{r.where}: {r.name} read with an inline default" for r in scan.reads
           if r.fallback]
    for r in scan.reads:
        if r.name is None and (r.where.split(":")[0], r.function) not in DYNAMIC:
            out.append(f"{r.where}: a setting read by a name that is not a literal")
    return out


def names_read(scan: Scan) -> set[str]:
    names = {r.name for r in scan.reads if r.name and not r.name.startswith("<")}
    return names.union(*DYNAMIC.values())


def project_names(names: set[str]) -> set[str]:
    """The names that are not Scrapy's (Scrapy's have their default in Scrapy)."""
    return {n for n in names if not hasattr(scrapy_defaults, n)}


def readme_rows(text: str) -> set[str]:
    """Names in the first column of the README's ``variable / setting`` tables."""
    names: set[str] = set()
    in_table = False
    for line in text.splitlines():
        if line.startswith("| variable / setting |"):
            in_table = True
        elif in_table and line.startswith("|"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
        else:
            in_table = False
    return names


def assignments(path: Path) -> list[tuple[str, ast.expr]]:
    """Module-level ``NAME = value`` of a file, in order."""
    out = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign):
            out += [(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and \
                node.value is not None:
            out.append((node.target.id, node.value))
    return out


def second_homes(path: Path, ours: set[str]) -> list[str]:
    """Defaults written outside the defaults module: a module-level constant named as a
    setting, or a module-level dict that maps a setting's name to a literal."""
    out = []
    for name, value in assignments(path):
        if name in ours:
            out.append(f"{path.name}: {name} assigned")
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in ours and \
                        isinstance(item, (ast.Constant, ast.List, ast.Dict, ast.Tuple)):
                    out.append(f"{path.name}: {name}[{key.value!r}] is a default")
    return out


@pytest.fixture(scope="module")
def scan() -> Scan:
    return scan_package(PACKAGE)


def test_no_setting_is_read_with_an_inline_default(scan):
    assert problems(scan) == []


def test_every_setting_read_has_its_default_in_the_defaults_module(scan):
    read = project_names(names_read(scan))
    assert len(read) > 50  # the scan sees the package's reads
    assert sorted(read - set(default_settings.__all__)) == []  # read, no default
    assert sorted(set(default_settings.__all__) - read) == []  # a default nobody reads
    assert sorted(n for n in default_settings.__all__ if hasattr(scrapy_defaults, n)) == []


def test_each_default_is_written_once():
    written = [name for name, _ in assignments(PACKAGE / "default_settings.py")
               if name.isupper()]
    assert sorted(n for n in set(written) if written.count(n) > 1) == []
    ours = set(default_settings.__all__)
    homes = [home for path in sorted(PACKAGE.rglob("*.py"))
             if path.name not in ("default_settings.py", "settings.py")
             for home in second_homes(path, ours)]
    assert homes == []


def test_settings_py_overrides_scrapy_and_repeats_no_default():
    """settings.py holds Scrapy's settings; one of ours there must differ from its
    default (an override), or it is a second home."""
    repeated = [name for name, value in assignments(PACKAGE / "settings.py")
                if name in default_settings.__all__
                and ast.literal_eval(value) == default(name)]
    assert repeated == []


def test_every_setting_has_a_row_in_the_readme(scan):
    rows = readme_rows((ROOT / "README.md").read_text())
    assert sorted(project_names(names_read(scan)) - rows) == []


@pytest.mark.parametrize("name", sorted(NUMBERS))
def test_each_numeric_default_is_within_the_bounds_preflight_checks(name):
    check_number(name, default(name), NUMBERS[name])  # raises BadSetting when not


# read after the run by the metrics push, from the environment too (crawl/metrics.py): a
# bad one costs a WARNING there, never the run
UNCHECKED_NUMBERS = {"NEWSSCRAPER_PUSHGATEWAY_TIMEOUT"}


def test_every_numeric_default_is_checked_before_a_run():
    numeric = {name for name in default_settings.__all__
               if isinstance(default(name), (int, float))
               and not isinstance(default(name), bool)}
    assert sorted(numeric - set(NUMBERS) - UNCHECKED_NUMBERS) == []


def test_the_check_finds_inline_defaults_and_names_it_cannot_know(tmp_path):
    sources = {"newsscraper/x.py": '''
def from_crawler(crawler):
    s = crawler.settings
    a = s.getint("STORE_BATCH_SIZE", 200)
    b = crawler.settings.get("MONGO_RUNS_COLLECTION", default="runs")
    c = crawler.settings.get(f"NEWSSCRAPER_{'x'.upper()}")
    d = s.getfloat("UNDOCUMENTED_SETTING")
    e = layered(s, "NEWSSCRAPER_DATA_DIR")

def layered(settings, name, fallback="var"):
    return settings.get(name, fallback)
'''}
    found = scan_sources(sources)
    assert problems(found) == [
        "newsscraper/x.py:4: STORE_BATCH_SIZE read with an inline default",
        "newsscraper/x.py:5: MONGO_RUNS_COLLECTION read with an inline default",
        "newsscraper/x.py:11: <name> read with an inline default",
        "newsscraper/x.py:6: a setting read by a name that is not a literal",
    ]
    read = project_names({r.name for r in found.reads if r.name})
    assert "UNDOCUMENTED_SETTING" in read - set(default_settings.__all__)
    assert "NEWSSCRAPER_DATA_DIR" in read  # through the reader function
    repeated = ast.parse("STORE_BATCH_SIZE = 200\nX = {'MONGO_URI': 'mongodb://h'}\n")
    path = tmp_path / "never-read.py"
    path.write_text(ast.unparse(repeated))
    assert second_homes(path, {"STORE_BATCH_SIZE", "MONGO_URI"}) == [
        "never-read.py: STORE_BATCH_SIZE assigned", "never-read.py: X['MONGO_URI'] is a default"]


def test_the_readme_check_reads_only_the_first_column():
    text = ("| variable / setting | default | meaning |\n|---|---|---|\n"
            "| `STORE_BATCH_SIZE` | 200 | see `MONGO_URI` |\n\n| `WARC_DIR` | x |\n")
    assert readme_rows(text) == {"STORE_BATCH_SIZE"}


async def test_a_tool_with_settings_of_its_own_stores_as_the_crawl_does(tmp_path,
                                                                       monkeypatch):
    """Issue 24: ArticleStore.from_settings fell back to 0 hours where settings.py said
    12, so a tool building its own Settings rewrote every sighting. A verb's settings
    come from crawl_settings(), the defaults layered even where no settings.py is found."""
    monkeypatch.chdir(tmp_path)  # no scrapy.cfg here or above: Scrapy's settings alone
    monkeypatch.delenv("SCRAPY_SETTINGS_MODULE", raising=False)
    outside = crawl_settings()
    assert outside.get("BOT_NAME") == "scrapybot"  # not settings.py
    own = ArticleStore.from_settings(outside, "mongodb://127.0.0.1:1/")
    crawl = ArticleStore.from_settings(project_settings(), "mongodb://127.0.0.1:1/")
    try:
        assert own.articles.seen_resolution == crawl.articles.seen_resolution == \
            timedelta(hours=12)
        assert own.db.versions.name == crawl.db.versions.name == "article_versions"
    finally:
        await own.close()
        await crawl.close()


def test_layer_defaults_adds_what_is_missing_and_keeps_each_value_at_its_priority(
        monkeypatch):
    monkeypatch.delenv("MONGO_DATABASE", raising=False)
    given = Settings({"STORE_BATCH_SIZE": 7})
    given.set("WARC_DIR", "/w", priority="default")
    layered = layer_defaults(given)
    assert layered is given  # in place: where the settings are made
    assert layered.getint("STORE_BATCH_SIZE") == 7
    assert layered.getpriority("STORE_BATCH_SIZE") == SETTINGS_PRIORITIES["project"]
    assert layered.get("WARC_DIR") == "/w"  # held, even at priority default
    assert layered.getfloat("STORE_SEEN_RESOLUTION_HOURS") == 12
    assert layered.getpriority("STORE_SEEN_RESOLUTION_HOURS") == 0  # 'default'
    assert all(name in layered for name in default_settings.__all__)
    # a list or dict is the crawl's own: changing it changes no default
    layered["GC_THRESHOLDS"].append(1)
    layered["MONITOR_MIN_FIELD_COVERAGE"]["title"] = 0
    assert default("GC_THRESHOLDS") == [20000, 10, 10]
    assert default("MONITOR_MIN_FIELD_COVERAGE")["title"] == 0.99
    # settings.py holds every default already: nothing changes
    project = project_settings()
    before = {name: (project[name], project.getpriority(name)) for name in project}
    layer_defaults(project)
    assert {name: (project[name], project.getpriority(name)) for name in project} == before
    assert project.getint("STORE_BATCH_SIZE") == 200
    # -s over the environment over settings.py over the default, as before
    assert mongo_database(Settings()) == mongo_database(layer_defaults(Settings())) == \
        "newsscraper"
    monkeypatch.setenv("MONGO_DATABASE", "from_env")
    assert mongo_database(Settings()) == mongo_database(project_settings()) == \
        mongo_database(layer_defaults(Settings())) == "from_env"
    assert mongo_database(project_settings(MONGO_DATABASE="cli")) == "cli"
    with pytest.raises(KeyError):
        default("NO_SUCH_SETTING")


@pytest.mark.parametrize("spidercls", [
    load_object(f"{SPIDER_MODULE}.{name}")
    for name in ("moscowtimes.MoscowTimesSpider", "reparse.ReparseSpider")])
def test_every_crawler_of_a_spider_of_ours_holds_every_default(spidercls):
    """Scrapy's Crawler calls the spider's update_settings before anything reads its
    settings: a crawler made from settings without the defaults (a test's, another
    project's) holds them all, each as the defaults module says or as the spider's own
    custom_settings set it."""
    crawler = Crawler(spidercls, Settings({"STORE_BATCH_SIZE": 7}))
    s = crawler.settings
    assert s.getint("STORE_BATCH_SIZE") == 7
    own = spidercls.custom_settings or {}
    for name in default_settings.__all__:
        assert name in s, name
        if name not in own and name != "STORE_BATCH_SIZE":
            assert s[name] == default(name), name
            assert s.getpriority(name) == 0, name


def test_the_spider_list_is_the_one_checked_above():
    loader = SpiderLoader.from_settings(project_settings())
    assert sorted(loader.list()) == ["moscowtimes", "reparse"]


def test_the_crawl_command_layers_the_defaults_under_its_settings():
    """Scrapy hands the command's settings to the crawler process: the preflight, a
    rejection's record, the metrics and the crawler read them with every default."""
    command = CrawlCommand()
    command.settings = Settings()
    parser = argparse.ArgumentParser()
    command.add_options(parser)
    opts, args = parser.parse_known_args(["moscowtimes", "-s", "STORE_BATCH_SIZE=7"])
    command.process_options(args, opts)
    s = command.settings
    assert s.getint("STORE_BATCH_SIZE") == 7
    assert s.getpriority("STORE_BATCH_SIZE") == SETTINGS_PRIORITIES["cmdline"]
    assert all(name in s for name in default_settings.__all__)
    assert s.getfloat("STORE_SEEN_RESOLUTION_HOURS") == 12


# where settings are made, each layering the defaults once; no component layers them
LAYERED_AT = {
    ("newsscraper/spiders/moscowtimes.py", "update_settings"),
    ("newsscraper/spiders/reparse.py", "update_settings"),
    ("newsscraper/scrapy_commands/crawl.py", "process_options"),
    ("newsscraper/commands/reader.py", "crawl_settings"),
}
# settings the package makes: crawl_settings() layers them; open_database's are read
# for the database alone (MONGO_* timeouts from the environment outside the project)
MADE_AT = {
    ("newsscraper/commands/reader.py", "crawl_settings"),
    ("newsscraper/commands/reader.py", "open_database"),
}


def calls(path: Path, names: set[str]) -> list[tuple[str, str]]:
    """(path, enclosing function) of each call of one of ``names`` in a file."""
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef,
                                                     ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call):
                callee = child.func.id if isinstance(child.func, ast.Name) else \
                    child.func.attr if isinstance(child.func, ast.Attribute) else None
                if callee in names:
                    found.append((str(path.relative_to(ROOT)), function))
            visit(child, inner)

    visit(ast.parse(path.read_text()), "")
    return found


def test_only_the_places_settings_are_made_layer_the_defaults():
    files = sorted(PACKAGE.rglob("*.py"))
    layered = [c for path in files for c in calls(path, {"layer_defaults", "with_defaults"})]
    assert sorted(set(layered)) == sorted(LAYERED_AT)
    assert len(layered) == len(LAYERED_AT)  # once each
    made = [c for path in files for c in calls(path, {"get_project_settings", "Settings"})]
    assert sorted(made) == sorted(MADE_AT)


def test_tests_build_their_crawlers_with_the_defaults():
    """Scrapy's get_crawler with a bare Spider gives a crawler no crawl has: settings
    without the project's defaults. Tests use tests.settings_helpers.get_crawler."""
    tests = ROOT / "tests"
    direct = []
    for path in sorted(tests.rglob("*.py")):
        if path.name == "settings_helpers.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "scrapy.utils.test" and \
                    any(a.name == "get_crawler" for a in node.names):
                direct.append(str(path.relative_to(ROOT)))
    assert direct == []
