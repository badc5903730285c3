"""The benchmarks' one command line: defaults, ``--smoke`` sizes, a given flag winning,
former flag names still read, and ``--json`` leaving the figures alone on stdout."""

from __future__ import annotations

import json

import pytest

from benchmarks import common


def _parser():
    ap = common.parser("A benchmark.\n\nMore.", modes=True)
    sub = ap.add_subparsers(dest="what", required=True)
    p = common.command(sub, "speed", "one mode")
    common.articles(p, 5000, 60, aliases=("--stored",))
    common.sizes(p, [5000, 20000], [40, 80])
    common.rounds(p, 3)
    common.seed(p)
    return ap


@pytest.mark.parametrize(("argv", "articles", "sizes", "rounds"), [
    (["speed"], 5000, [5000, 20000], 3),
    (["speed", "--smoke"], 60, [40, 80], 1),
    (["speed", "--smoke", "--articles", "7"], 7, [40, 80], 1),
    (["speed", "--sizes", "30,10", "--rounds", "2"], 5000, [10, 30], 2),
    (["speed", "--stored", "9"], 9, [5000, 20000], 3),
])
def test_sizes_are_the_defaults_or_the_smoke_ones_unless_given(argv, articles, sizes, rounds):
    args = common.parse(_parser(), argv)
    assert (args.articles, args.sizes, args.rounds, args.seed) == (articles, sizes, rounds, 1)
    assert not hasattr(args, "smoke_table")


def test_json_leaves_the_figures_alone_on_stdout(capsys):
    def bench(args) -> dict:
        print("a readable line")
        return {"articles": args.articles}

    ap = common.parser(__doc__)
    common.articles(ap, 5000, 60)
    common.run(ap, bench, ["--smoke", "--json"])
    out, err = capsys.readouterr()
    assert json.loads(out) == {"articles": 60}
    assert err == "a readable line\n"
    common.run(ap, bench, [])
    out, _ = capsys.readouterr()
    assert out.splitlines() == ["a readable line", '{"articles": 5000}']
