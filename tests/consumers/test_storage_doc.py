"""docs/storage.md matches the stored documents: its articles table names every field the
schema allows, and nothing else."""

from __future__ import annotations

import json
import re

from newsscraper.storage.schema import SCHEMA_PATH
from tests.crawl_helpers import ROOT


def articles_section() -> str:
    text = (ROOT / "docs" / "storage.md").read_text(encoding="utf-8")
    return text.split("### `articles`", 1)[1].split("**The schema.**", 1)[0]


def test_storage_doc_names_every_schema_field_and_no_other():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    section = articles_section()
    named = set(re.findall(r"`([a-z_]+)`", section))
    assert set(schema["properties"]) <= named, set(schema["properties"]) - named
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    first_column = {n for row in rows for n in re.findall(r"`([a-z_]+)`", row)}
    assert first_column <= set(schema["properties"]), first_column - set(schema["properties"])
