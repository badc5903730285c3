"""Issue 23 point 1: the patched FerretDB (filter and sort pushdown to SQLite) answers
every query as FerretDB v1.24.2 as released does.

Both builds load one generated corpus (dates, ints, longs, doubles, strings, arrays,
nulls, missing fields, mixed types in one field, strings that start like JSON arrays,
and nested documents and arrays of every BSON type FerretDB stores, with keys and strings
that need escaping in JSON, for the patched decoding of stored documents) with the
project's indexes, and a seeded generator's queries must return the same
documents from both, in the same order where sorted (every generated sort ends with
``_id``, so the order is total). The explain of the project's own queries must show an
index on the patched build.
"""

from __future__ import annotations

import asyncio
import random
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from bson import Binary, Int64, ObjectId, Regex, json_util
from pymongo import MongoClient

from newsscraper.storage.ferretdb import (
    DatabaseError,
    LocalDatabase,
    free_port,
    install_stock_ferretdb,
)
from newsscraper.storage.mongo import ArticleStore
from tests.conftest import require_local_ferretdb

pytestmark = pytest.mark.slow

DOCS = 5000
QUERIES = 500
SEED = 23
T0 = datetime(2024, 1, 1, tzinfo=UTC)
SECTIONS = ["News", "Opinion", "Business", "Arts and Life", "news", ""]
STRINGS = ["", "a", "News", "[1,2]", "[", "\\", "Zeta", "é", "日本", "a\"b", "z" * 3]
EXTRA_INDEXES = ["n", "s"]  # mixed-type fields, beside the project's own indexes
# what the stored JSON must escape or may hold raw: quotes, backslashes, control and
# HTML characters (escaped by Go), non-ASCII, a surrogate pair
ODD = ["a\"b", "\\", "line\nnext\ttab\x01", "<b>&amp;</b>", "é日本", "😀", "[x]", "{y}", " "]


def a_date(rng: random.Random) -> datetime:
    # minutes, so that many documents share a value (ties) and ranges hit some; a few
    # before 1970 (negative milliseconds) and before 2001 (fewer digits)
    if rng.random() < 0.03:
        return T0 - timedelta(days=rng.randrange(9000, 25000))
    return T0 + timedelta(minutes=rng.randrange(-2000, 20000))


def a_number(rng: random.Random) -> Any:
    return rng.choice([
        rng.randrange(-50, 50), rng.randrange(-50, 50) + 0.5, float(rng.randrange(-5, 5)),
        -0.0, 2**40 + rng.randrange(3), rng.randrange(-3, 3) * 1e300])


def a_scalar(rng: random.Random) -> Any:
    return rng.choice([a_date, a_number, lambda r: r.choice(STRINGS),
                       lambda r: r.choice([True, False, None])])(rng)


def a_nested(rng: random.Random, depth: int = 0) -> Any:
    """A value for the field no index holds: documents (keys needing escapes too) and
    arrays nested a few levels, and every other BSON type FerretDB stores."""
    kinds = [a_scalar, lambda r: r.choice(ODD), lambda r: Int64(r.randrange(-9, 9) * 2**40),
             lambda r: Binary(bytes(r.randrange(256) for _ in range(r.randrange(4)))),
             lambda r: ObjectId(), lambda r: Regex("^a.b$", r.choice(["", "i", "ms"]))]
    if depth < 3:
        kinds += [lambda r: {r.choice([*ODD, "k", "k2"]): a_nested(r, depth + 1)
                             for _ in range(r.randrange(4))},
                  lambda r: [no_array(a_nested(r, depth + 1)) for _ in range(r.randrange(4))]]
    return rng.choice(kinds)(rng)


def no_array(value: Any) -> Any:
    """FerretDB v1 refuses an array directly in an array: it goes in a document."""
    return {"k": value} if isinstance(value, list) else value


def mixed(rng: random.Random, usual, *, missing=0.1, null=0.05, arrays=0.08,
          other=0.08) -> Any:
    """A field's value: mostly ``usual``, sometimes missing (the sentinel ...),
    null, an array (of the usual kind and of anything), or a scalar of another type."""
    x = rng.random()
    if x < missing:
        return ...
    if x < missing + null:
        return None
    if x < missing + null + arrays:
        return [rng.choice([usual, a_scalar])(rng) for _ in range(rng.randrange(0, 4))]
    if x < missing + null + arrays + other:
        return a_scalar(rng)
    return usual(rng)


def corpus(rng: random.Random) -> list[dict[str, Any]]:
    docs = []
    for i in range(DOCS):
        ident: Any = f"moscowtimes:{i}" if i % 10 else rng.choice(
            [i, float(i) + 0.5, ObjectId(), f"m {i}", f"m!{i}"])
        doc = {"_id": ident, "u": rng.randrange(10),
               "changed_at": mixed(rng, a_date), "published_at": mixed(rng, a_date),
               "section": mixed(rng, lambda r: r.choice(SECTIONS)),
               "gone_at": mixed(rng, a_date, missing=0.8, null=0.1, arrays=0.02,
                                other=0.02),
               "n": mixed(rng, a_number, other=0.2), "s": mixed(rng, lambda r: r.choice(STRINGS)),
               "x": a_nested(rng) if rng.random() < 0.3 else ...}
        docs.append({k: v for k, v in doc.items() if v is not ...})
    return docs


FIELDS = {"changed_at": a_date, "published_at": a_date, "gone_at": a_date,
          "section": lambda r: r.choice(SECTIONS), "n": a_number,
          "s": lambda r: r.choice(STRINGS), "u": lambda r: r.randrange(10)}


def condition(rng: random.Random, field: str) -> Any:
    """One field's filter: equality, one or two bounds, $in, $ne null, or an operand
    of another type than the field's usual one."""
    value = rng.choice([FIELDS[field], FIELDS[field], a_scalar])
    shape = rng.randrange(8)
    if shape == 0:
        return value(rng)
    if shape == 1:
        return {"$eq": value(rng)}
    if shape == 2:
        return {"$in": [value(rng) for _ in range(rng.randrange(1, 5))]}
    if shape == 3:
        return {"$ne": None}
    low, high = rng.choice(["$gt", "$gte"]), rng.choice(["$lt", "$lte"])
    if shape == 4:
        return {low: value(rng)}
    if shape == 5:
        return {high: value(rng)}
    a, b = sorted([value(rng), value(rng)], key=repr) if shape == 6 else \
        (value(rng), value(rng))
    return {low: a, high: b}


def query(rng: random.Random, docs: list[dict[str, Any]]) -> dict[str, Any]:
    fields = rng.sample(sorted(FIELDS), rng.choice([1, 1, 1, 2]))
    q: dict[str, Any] = {"filter": {f: condition(rng, f) for f in fields}}
    if rng.random() < 0.1:
        ids = [d["_id"] for d in rng.sample(docs, 3)]
        q["filter"]["_id"] = rng.choice([ids[0], {"$in": ids}, {"$eq": ids[1]}])
    if rng.random() < 0.5:
        key = rng.choice(fields) if rng.random() < 0.8 else rng.choice(sorted(FIELDS))
        direction = rng.choice([1, -1])
        q["sort"] = [(key, direction), ("_id", rng.choice([1, direction]))]
        if rng.random() < 0.7:
            q["limit"] = rng.choice([1, 2, 5, 20, 100])
        if rng.random() < 0.2:
            q["skip"] = rng.choice([1, 3])
    return q


def run(coll, q: dict[str, Any]) -> list[str]:
    cursor = coll.find(q["filter"])
    if "sort" in q:
        cursor = cursor.sort(q["sort"])
    cursor = cursor.skip(q.get("skip", 0)).limit(q.get("limit", 0))
    out = [json_util.dumps(d) for d in cursor]  # fields in their order
    return out if "sort" in q else sorted(out)


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[tuple[MongoClient, MongoClient]]:
    """The patched and the released build, each loaded with the same corpus."""
    require_local_ferretdb()
    if shutil.which("go") is None:
        pytest.skip("needs Go to build FerretDB as released")
    try:
        stock = install_stock_ferretdb(log=lambda _m: None)
    except DatabaseError as exc:
        pytest.skip(f"cannot build FerretDB as released: {exc}")
    dbs = [LocalDatabase(tmp_path_factory.mktemp("patched"), port=free_port()),
           LocalDatabase(tmp_path_factory.mktemp("stock"), port=free_port(), binary=stock)]
    clients: list[MongoClient] = []
    docs = corpus(random.Random(SEED))
    try:
        for db in dbs:
            db.start(log=lambda _m: None)
            asyncio.run(project_indexes(db.uri))
            client: MongoClient = MongoClient(db.uri, tz_aware=True)
            clients.append(client)
            for field in EXTRA_INDEXES:
                client.diff.articles.create_index([(field, 1)], name=field)
            client.diff.articles.insert_many(docs)
        yield clients[0], clients[1]
    finally:
        for client in clients:
            client.close()
        for db in dbs:
            db.stop()


async def project_indexes(uri: str) -> None:
    store = ArticleStore(uri, "diff")
    try:
        await store.articles.ensure_indexes()
    finally:
        await store.close()


def test_generated_queries_give_the_same_documents_on_both_builds(servers):
    patched, stock = servers
    rng = random.Random(SEED)
    docs = list(stock.diff.articles.find())
    assert len(docs) == DOCS
    pushed = sorted_pushed = matched = 0
    for i in range(QUERIES):
        q = query(rng, docs)
        got, want = run(patched.diff.articles, q), run(stock.diff.articles, q)
        assert got == want, f"query {i}: {q}"
        matched += bool(want)
        plan = patched.diff.command("explain", {"find": "articles", **explain_args(q)})
        pushed += plan["filterPushdown"]
        sorted_pushed += plan["sortPushdown"]
    # the generator exercises what it is meant to: most filters pushed down, some sorts
    # cut off by the limit, and most queries matching something
    assert pushed > QUERIES / 2, pushed
    assert sorted_pushed > 20, sorted_pushed
    assert matched > QUERIES / 2, matched


def explain_args(q: dict[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {"filter": q["filter"]}
    if "sort" in q:
        args["sort"] = dict(q["sort"])
    for key in ("limit", "skip"):
        if key in q:
            args[key] = Int64(q[key])  # explain wants longs
    return args


PROJECT_QUERIES = {
    "feed": ({"changed_at": {"$gt": T0, "$lte": T0 + timedelta(days=3)}},
             {"changed_at": 1, "_id": 1}, "changed_at"),
    "feed page": ({"changed_at": {"$gt": T0}}, {"changed_at": 1, "_id": 1}, "changed_at"),
    "export --since --section": ({"published_at": {"$gte": T0}, "section": "News"}, None,
                                 "section_published_at"),
    "export --since": ({"published_at": {"$gte": T0}}, None, "published_at"),
    "show": ({"_id": "moscowtimes:85152"}, None, "_id_"),
    "removed only": ({"gone_at": {"$ne": None}}, None, "gone_at"),
    "by hash": ({"content_hash": "x"}, None, "content_hash"),
}


@pytest.mark.parametrize("name", sorted(PROJECT_QUERIES))
def test_the_project_queries_use_an_index_on_the_patched_build_only(servers, name):
    patched, stock = servers
    filt, sort, index = PROJECT_QUERIES[name]
    args: dict[str, Any] = {"find": "articles", "filter": filt}
    if sort:
        args.update(sort=sort, limit=1000 if name == "feed page" else 0)
    plan = patched.diff.command("explain", args)
    steps = " | ".join(plan["queryPlanner"]["Plan"])
    assert plan["filterPushdown"], plan
    assert re.search(rf"SEARCH (\w+) USING INDEX \1_{index} \(", steps), steps
    assert "SCAN" not in steps.replace("SCALAR SUBQUERY", ""), steps
    if name == "feed page":
        assert plan["sortPushdown"], plan
    stock_plan = stock.diff.command("explain", args)
    stock_steps = " | ".join(stock_plan["queryPlanner"]["Plan"])
    assert "USING INDEX" not in stock_steps, stock_steps


def test_a_database_from_an_older_build_gets_its_indexes_rebuilt(tmp_path):
    """Indexes the released build created (on each field's JSON text) are rebuilt on the
    pushed-down expression when the patched build opens the database."""
    require_local_ferretdb()
    if shutil.which("go") is None:
        pytest.skip("needs Go to build FerretDB as released")
    data = tmp_path / "db"
    feed = {"find": "articles", "filter": {"changed_at": {"$gt": T0}}}
    for binary in (install_stock_ferretdb(log=lambda _m: None), None):
        db = LocalDatabase(data, port=free_port(), binary=binary)
        db.start(log=lambda _m: None)
        client: MongoClient = MongoClient(db.uri, tz_aware=True)
        try:
            if binary is not None:
                asyncio.run(project_indexes(db.uri))
                client.diff.articles.insert_many(
                    [{"_id": f"moscowtimes:{i}", "changed_at": T0 + timedelta(hours=i - 5)}
                     for i in range(10)])
            steps = " ".join(client.diff.command("explain", feed)["queryPlanner"]["Plan"])
            assert ("USING INDEX" in steps) is (binary is None), steps
            assert client.diff.articles.count_documents(feed["filter"]) == 4
        finally:
            client.close()
            db.stop()
