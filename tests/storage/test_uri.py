from scrapy.settings import Settings

from newsscraper.storage.uri import mongo_database, redact


def project_settings(**cmdline) -> Settings:
    s = Settings()
    s.setmodule("newsscraper.settings", priority="project")
    for k, v in cmdline.items():
        s.set(k, v, priority="cmdline")
    return s


def test_database_name_precedence(monkeypatch):
    monkeypatch.delenv("MONGO_DATABASE", raising=False)
    assert mongo_database(project_settings()) == "newsscraper"
    monkeypatch.setenv("MONGO_DATABASE", "from_env")
    assert mongo_database(project_settings()) == "from_env"  # over settings.py
    assert mongo_database(project_settings(MONGO_DATABASE="from_cli")) == "from_cli"
    assert mongo_database(None) == "from_env"


def test_redact_hides_only_the_password():
    assert redact("mongodb://reader:s3cr3t@db.example:27017/?authSource=admin") == \
        "mongodb://reader:***@db.example:27017/?authSource=admin"
    assert redact("mongodb://127.0.0.1:27027/") == "mongodb://127.0.0.1:27027/"
    assert redact("mongodb+srv://u:p@a:b@cluster.example/") == "mongodb+srv://u:***@cluster.example/"
