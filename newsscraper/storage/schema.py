"""The articles' JSON Schema (``schema/article.schema.json``) and, where the server
supports ``$jsonSchema`` validators (MongoDB; not FerretDB v1), the collection's
validator derived from it."""

from __future__ import annotations

import contextlib
import json
import logging
from functools import cache
from pathlib import Path
from typing import Any

from pymongo.errors import CollectionInvalid, OperationFailure

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""Stored in every article as ``schema_version``; bumped only on an incompatible change."""
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "article.schema.json"
NOT_IMPLEMENTED = 238  # FerretDB v1: collMod and create's validator option
# draft 2020-12 keywords MongoDB's $jsonSchema (a draft 4 subset) does not know
DROPPED = {"$schema", "$id", "$defs", "$comment", "format", "examples", "const"}
BSON_TYPES = {"integer": ["int", "long"], "number": ["double", "int", "long", "decimal"],
              "boolean": ["bool"], "string": ["string"], "null": ["null"],
              "object": ["object"], "array": ["array"]}


@cache
def article_schema() -> dict[str, Any]:
    """The JSON Schema of a stored article (``schema/article.schema.json``)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def mongo_validator(schema: dict[str, Any]) -> dict[str, Any]:
    """``$jsonSchema`` for the server: ``$ref``s inlined, date-times as BSON dates, JSON
    types as BSON types, ``const`` as a one-value enum. Unknown top-level fields are let
    through: the server guards the types of the fields it knows, the tests hold the
    code to the whole schema."""
    defs = schema.get("$defs", {})

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(n) for n in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return convert(defs[node["$ref"].rsplit("/", 1)[-1]])
        out = {k: convert(v) for k, v in node.items()
               if k not in DROPPED and k not in ("type", "additionalProperties", "properties")}
        if "properties" in node:  # field names, not keywords: a field may be called "type"
            out["properties"] = {name: convert(v) for name, v in node["properties"].items()}
        if "const" in node:
            out["enum"] = [node["const"]]
        if "type" in node:
            types = node["type"] if isinstance(node["type"], list) else [node["type"]]
            bson = [b for t in types for b in BSON_TYPES[t]]
            if node.get("format") == "date-time":
                bson = ["date" if b == "string" else b for b in bson]
            out["bsonType"] = bson[0] if len(bson) == 1 else bson
        return out

    return convert(schema)


async def apply_validator(database, collection: str) -> bool:
    """Give ``collection`` the schema's validator (moderate level: documents stored
    before it are not checked until rewritten). Returns False, logged once, where the
    server has no validators (FerretDB) or the schema file is not shipped."""
    try:
        validator = {"$jsonSchema": mongo_validator(article_schema())}
    except OSError:
        logger.info("no %s here: the articles collection gets no validator", SCHEMA_PATH)
        return False
    try:
        with contextlib.suppress(CollectionInvalid):  # it exists: all we need
            await database.create_collection(collection)
        await database.command("collMod", collection, validator=validator,
                               validationLevel="moderate", validationAction="error")
    except OperationFailure as exc:
        if exc.code != NOT_IMPLEMENTED:
            raise
        logger.info("the server has no $jsonSchema validators (%s): %s gets none",
                    exc.details.get("errmsg") if exc.details else exc.code, collection)
        return False
    return True
