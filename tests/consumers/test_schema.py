"""schema/article.schema.json: what the store writes follows it, and the server's
validator derived from it (where the server has validators)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from pymongo import AsyncMongoClient
from pymongo.errors import WriteError

from newsscraper.items import Source, to_jsonable
from newsscraper.storage.schema import SCHEMA_PATH, apply_validator, mongo_validator
from tests.consumers.conftest import article

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validator() -> Draft202012Validator:
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def utc_time(value: object) -> bool:  # the form to_jsonable writes: UTC with Z
        return not isinstance(value, str) or (
            value.endswith("Z") and datetime.fromisoformat(value[:-1]) is not None)

    Draft202012Validator.check_schema(SCHEMA)
    return Draft202012Validator(SCHEMA, format_checker=checker)


def problems(doc: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(doc)]


def test_stored_documents_follow_the_schema(store_items, aware_db):
    store_items([article(1), article(2, image=None, subtitle="A dek", lead="Lead.")])
    store_items([article(2, title="Story 2, edited", image=None)])
    docs = list(aware_db.articles.find())
    assert len(docs) == 2
    for doc in docs:
        assert doc["schema_version"] == 1
        assert problems(to_jsonable(doc)) == []


def test_the_source_of_a_revision_follows_the_schema(store_items, aware_db):
    fetched = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    store_items([article(5, source=Source("newsscraper-run-1-00000.warc.gz", 544, fetched))])
    doc = aware_db.articles.find_one()
    assert doc["source"] == {"warc_file": "newsscraper-run-1-00000.warc.gz", "offset": 544,
                             "fetched_at": fetched.replace(microsecond=678000)}
    plain = to_jsonable(doc)
    assert problems(plain) == []
    assert problems({**plain, "source": {**plain["source"], "offset": "544"}})
    assert problems({**plain, "source": {"warc_file": "x"}})
    v = mongo_validator(SCHEMA)["properties"]["source"]
    assert v["bsonType"] == ["object", "null"]
    assert v["properties"]["fetched_at"]["bsonType"] == "date"


def test_schema_rejects_what_it_does_not_describe(store_items, aware_db):
    store_items([article(3)])
    doc = to_jsonable(aware_db.articles.find_one())
    assert problems({**doc, "surprise": 1}) == [
        "[]: Additional properties are not allowed ('surprise' was unexpected)"]
    assert problems({k: v for k, v in doc.items() if k != "content_hash"})
    assert problems({**doc, "published_at": "2024-05-17 14:40"})
    assert problems({**doc, "type": "blog"})
    assert problems({**doc, "related": [{"url": "u", "title": "t", "position": "4"}]})


def keywords(node) -> set[str]:
    """Every keyword used in a schema (property names are not keywords)."""
    if isinstance(node, list):
        return set().union(*map(keywords, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    out = set(node) - {"properties"} | ({"properties"} if "properties" in node else set())
    for key, value in node.items():
        out |= keywords(value) if key != "properties" else \
            set().union(*map(keywords, value.values()))
    return out


def test_mongo_validator_is_draft4_with_bson_dates():
    v = mongo_validator(SCHEMA)
    assert not keywords(v) & {"$ref", "$defs", "$schema", "$id", "format", "const", "type"}
    assert keywords(v) >= {"bsonType", "required", "properties", "items", "enum", "anyOf"}
    props = v["properties"]
    assert props["type"]["bsonType"] == "string"  # a field called "type" is kept
    assert props["changed_at"]["bsonType"] == "date"
    assert props["published_at"]["bsonType"] == ["date", "null"]
    assert props["article_id"]["bsonType"] == ["int", "long"]
    assert props["schema_version"]["enum"] == [1]
    assert props["related"]["items"]["properties"]["position"]["bsonType"] == \
        ["int", "long", "null"]
    assert set(v["required"]) == set(SCHEMA["required"])


def test_validator_applied_where_the_server_has_them(mongo_uri, mongo_db_name, mongo_db):
    async def apply() -> bool:
        client: AsyncMongoClient = AsyncMongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
        try:
            return await apply_validator(client[mongo_db_name], "articles")
        finally:
            await client.close()

    applied = asyncio.run(apply())
    if "ferretdbVersion" in mongo_db.client.server_info():
        assert applied is False  # FerretDB v1: collMod is not implemented; documented
        pytest.skip("FerretDB has no $jsonSchema validators: checked that it is skipped")
    assert applied is True
    with pytest.raises(WriteError):
        mongo_db.articles.insert_one({"_id": "moscowtimes:1", "title": 5})
