"""``export`` and ``report`` with an ``--out`` they cannot write: one line, exit 3 (a
failure, as the crawl's), and no file or leftover beside it."""

from __future__ import annotations

import pytest

from newsscraper.outcome import EXIT_FAILED
from tests.consumers.conftest import article


@pytest.mark.parametrize("argv", [("export", "--format", "jsonl"), ("report",)])
def test_an_out_that_cannot_be_written_exits_3(argv, store_items, cli, tmp_path):
    assert store_items([article(1), article(2)])["mongo/new"] == 2
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    target = blocker / "out"  # under a regular file: no write can succeed
    status, out, err = cli(*argv, "--out", str(target))
    assert status == EXIT_FAILED == 3, err
    # the one line (report's cache may say a line of its own before it)
    assert out == "" and "Traceback" not in err, err
    assert err.strip().splitlines()[-1].startswith(
        f"newsscraper {argv[0]}: cannot write {target}: "), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
