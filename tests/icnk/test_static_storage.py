"""Static addresses kept once per storage (icnk/storage.py) are the manifest's, and follow it."""

import json

import pytest

from icnk.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    def make(paths):
        manifest = {"paths": paths, "version": "1.1", "hash": "x"}
        (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
        return StaticFilesStorage(location=tmp_path, base_url="/static/")

    return make


def test_every_call_gives_the_hashed_address_of_its_own_name(storage):
    static = storage({"css/site.css": "css/site.1a2b.css", "img/logo.svg": "img/logo.9f.svg"})
    for _ in range(2):  # the second time from what was kept
        assert static.url("css/site.css") == "/static/css/site.1a2b.css"
        assert static.url("img/logo.svg") == "/static/img/logo.9f.svg"


def test_a_name_the_manifest_lacks_fails_every_time(storage):
    static = storage({"css/site.css": "css/site.1a2b.css"})
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            static.url("css/missing.css")


def test_a_new_manifest_from_collectstatic_gives_new_addresses(storage, tmp_path):
    static = storage({"css/site.css": "css/site.1a2b.css"})
    assert static.url("css/site.css") == "/static/css/site.1a2b.css"
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body { color: black }")
    files = {"css/site.css": (static, "css/site.css")}
    list(static.post_process(files))
    assert static.url("css/site.css") != "/static/css/site.1a2b.css"
    assert static.url("css/site.css") == "/static/" + static.hashed_files["css/site.css"]
