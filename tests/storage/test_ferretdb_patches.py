"""The FerretDB patches are files with a note each, and changing one changes the build."""

from __future__ import annotations

from newsscraper.storage.ferretdb import FERRETDB_BUILD, PATCHES_SHA256, patches, patches_sha256


def test_each_patch_says_what_and_why_before_its_diff():
    assert [p.name for p in patches()][:1] == ["0001-id-index.patch"]
    for patch in patches():
        note = patch.read_text().split("\n--- a/", 1)[0]
        assert note.startswith("What: ") and "\nWhy: " in note, patch.name


def test_a_changed_patch_needs_a_new_build_id():
    # on failure: bump the suffix of FERRETDB_BUILD (so that every older binary, and
    # CI's cache keyed by it, is rebuilt) and set PATCHES_SHA256 to the digest shown
    assert patches_sha256() == PATCHES_SHA256, (FERRETDB_BUILD, patches_sha256())
