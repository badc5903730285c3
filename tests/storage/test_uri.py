
from newsscraper.storage.uri import mongo_database, redact
from tests.settings_helpers import project_settings


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


SECRETS = ("s3cretPW", "ASIA-TOKEN-123", "pa55", "hunter2", "k3y")
URIS = [
    # (uri, what may be printed)
    ("mongodb://127.0.0.1:27017/?tls=true&tlsCertificateKeyFilePassword=s3cretPW",
     "mongodb://127.0.0.1:27017/?tls=true&tlsCertificateKeyFilePassword=***"),
    ("mongodb://db.example/?authMechanism=MONGODB-AWS&authMechanismProperties="
     "AWS_SESSION_TOKEN:ASIA-TOKEN-123",
     "mongodb://db.example/?authMechanism=MONGODB-AWS&authMechanismProperties=***"),
    ("mongodb://u:pa55@h1:1,h2:2/news?replicaSet=rs0&authSource=admin",
     "mongodb://u:***@h1:1,h2:2/news?replicaSet=rs0&authSource=admin"),
    ("mongodb+srv://u:hunter2@cluster.example/?retryWrites=true&w=majority",
     "mongodb+srv://u:***@cluster.example/?retryWrites=true&w=majority"),
    ("mongodb://h/?someFutureOption=k3y&TLS=true",
     "mongodb://h/?someFutureOption=***&TLS=true"),
    ("mongodb://h/?TLSCERTIFICATEKEYFILEPASSWORD=k3y",
     "mongodb://h/?TLSCERTIFICATEKEYFILEPASSWORD=***"),
    ("mongodb://user@h:27017/", "mongodb://user@h:27017/"),
    ("mongodb://127.0.0.1:27027/", "mongodb://127.0.0.1:27027/"),
    ("not a uri with s3cretPW@", "***"),
]


def test_secret_in_uri_query_options_is_never_printed():
    for uri, shown in URIS:
        assert redact(uri) == shown, uri
        assert not any(secret in redact(uri) for secret in SECRETS), uri


def test_spill_identity_of_a_server_has_hosts_only():
    from newsscraper.storage.uri import server_hosts

    assert server_hosts("mongodb://u:pa55@h1:1,h2:2/news?tlsCertificateKeyFilePassword=k3y") \
        == "mongodb://h1:1,h2:2"
    assert server_hosts("mongodb://127.0.0.1:27027/") == "mongodb://127.0.0.1:27027"
