"""The embedded default database: one local FerretDB (SQLite backend) per data dir.

No MongoDB server can be installed from the package registries this project relies on,
so the local default store is FerretDB v1.24.2, which speaks the MongoDB wire protocol.
When ``MONGO_URI`` is set, nothing here is used: the project talks to that server.

FerretDB is built from its Go module: ``go install
github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`` produces a binary that panics at
start-up ("Invalid build/version/version.txt file content") because the module archive
lacks the generated ``build/version/version.txt``. So we fetch the same module with
``go mod download``, write that one file and ``go build`` it into the tools folder.

The build applies the project's patches (``ferretdb-patches/*.patch`` beside this
module, each saying what and why; docs/storage.md): the ``_id`` index expression, the
other indexes' expressions, filter and sort pushdown to SQLite, without which every
query but ``{_id: X}`` reads and decodes the whole collection, and a faster decoding of
the stored documents, what a query returning many of them spends its time on. A marker file next to
the binary (``ferretdb.build``, holding :data:`FERRETDB_BUILD`) tells a build with
these patches from an older one, which is rebuilt. The release as shipped
(:func:`install_stock_ferretdb`) is built too, only for the differential test and the
benchmark that compare the two.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

FERRETDB_MODULE = "github.com/FerretDB/FerretDB"
FERRETDB_VERSION = "v1.24.2"
# what the build marker must say; change the suffix whenever a patch changes (a test
# holds PATCHES_SHA256 to the patch files, so a changed patch cannot go unnoticed)
FERRETDB_BUILD = f"{FERRETDB_VERSION}+newsscraper.pushdown.3"
PATCHES_DIR = Path(__file__).with_name("ferretdb-patches")
PATCHES_SHA256 = "b8b45d86d7c68337c20f336b1d810cb9156498ab508172aeb81ec51d2e09fe8f"
STOCK_BINARY = "ferretdb-stock"
DEFAULT_PORT = 27027
DEFAULT_DATA_DIR = "var/db"
DEFAULT_TOOLS_DIR = ".tools"
# Go's collector at its default (100) ran for a quarter of FerretDB's CPU while it
# decoded a feed poll of 1,000 articles: its live heap is small, so it collected every
# few documents; 400 measured 25-30% less CPU a document, for a heap of a few tens of MB
GOGC = "400"

NO_WAY_MESSAGE = (
    "No database available: MONGO_URI is not set and FerretDB cannot be built because Go "
    "is not installed.\nWays out: point MONGO_URI at a MongoDB server "
    "(export MONGO_URI=mongodb://host:27017), install Go 1.24+ so FerretDB "
    f"{FERRETDB_VERSION} can be built, or run `mongod` locally and set MONGO_URI."
)


class DatabaseError(RuntimeError):
    """A problem managing the local database, with a message meant for an operator."""


def _project_root() -> Path:
    """``NEWSSCRAPER_HOME``, else the folder of the nearest ``scrapy.cfg`` above the
    current directory (as Scrapy finds its project), else the current directory."""
    if os.environ.get("NEWSSCRAPER_HOME"):
        return Path(os.environ["NEWSSCRAPER_HOME"])
    from scrapy.utils.conf import closest_scrapy_cfg

    cfg = closest_scrapy_cfg()
    return Path(cfg).parent if cfg else Path.cwd()


def tools_dir() -> Path:
    """Where built tools live (``NEWSSCRAPER_TOOLS_DIR``, else ``.tools`` in the
    project)."""
    return Path(os.environ.get("NEWSSCRAPER_TOOLS_DIR", _project_root() / DEFAULT_TOOLS_DIR))


def build_marker(binary: Path) -> Path:
    """The file beside a built binary that names the build (version and patches)."""
    return binary.with_name(binary.name + ".build")


def _usable(binary: Path) -> bool:
    return binary.is_file() and os.access(binary, os.X_OK)


def find_ferretdb() -> Path | None:
    """The patched ``ferretdb`` of the project tools folder, else one on PATH, if any."""
    local = tools_dir() / "bin" / "ferretdb"
    if _usable(local) and _read(build_marker(local)) == FERRETDB_BUILD:
        return local
    on_path = shutil.which("ferretdb")
    return Path(on_path) if on_path else None


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def patches() -> list[Path]:
    """The project's FerretDB patches, in the order they apply."""
    return sorted(PATCHES_DIR.glob("*.patch"))


def patches_sha256() -> str:
    """The digest of the patch files, in order (what :data:`PATCHES_SHA256` must hold)."""
    return hashlib.sha256(b"".join(p.read_bytes() for p in patches())).hexdigest()


def install_ferretdb(log=print) -> Path:
    """Build the patched FerretDB into the tools folder with Go; return its path. An
    older build there is replaced (kept, with a warning, when Go is missing)."""
    existing = find_ferretdb()
    if existing:
        return existing
    target = tools_dir() / "bin" / "ferretdb"
    go = shutil.which("go")
    if not go:
        if _usable(target):
            log(f"warning: {target} is an older FerretDB build and Go is missing to "
                "rebuild it: most queries scan their collection (docs/storage.md)")
            return target
        raise DatabaseError(NO_WAY_MESSAGE)
    log(f"building FerretDB {FERRETDB_BUILD} into {target} (one-off, about a minute)")
    _build(go, target, FERRETDB_BUILD, patches())
    return target


def install_stock_ferretdb(log=print) -> Path:
    """FerretDB as released, without the project's patches, in the tools folder: the
    reference the differential test and the consumers benchmark compare against."""
    target = tools_dir() / "bin" / STOCK_BINARY
    if _usable(target) and _read(build_marker(target)) == FERRETDB_VERSION:
        return target
    go = shutil.which("go")
    if not go:
        raise DatabaseError(NO_WAY_MESSAGE)
    log(f"building FerretDB {FERRETDB_VERSION} as released into {target} (about a minute)")
    _build(go, target, FERRETDB_VERSION, [])
    return target


def _build(go: str, target: Path, build: str, patch_files: list[Path]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        out = subprocess.run(
            [go, "mod", "download", "-json", f"{FERRETDB_MODULE}@{FERRETDB_VERSION}"],
            check=True, capture_output=True, text=True,
        )
        module_dir = Path(json.loads(out.stdout)["Dir"])
        with tempfile.TemporaryDirectory(prefix="ferretdb-src-") as tmp:
            src = Path(tmp) / "src"
            shutil.copytree(module_dir, src)
            for p in src.rglob("*"):
                p.chmod(p.stat().st_mode | 0o200)
            (src / "build" / "version" / "version.txt").write_text(FERRETDB_VERSION + "\n")
            for patch in patch_files:
                _apply(patch, src)
            built = Path(tmp) / "ferretdb"
            subprocess.run(
                [go, "build", "-trimpath", "-o", str(built), "./cmd/ferretdb"],
                cwd=src, check=True, capture_output=True, text=True,
            )
            # replaced, not overwritten: a server may be running the old binary
            new = target.with_name(target.name + ".new")
            shutil.copy2(built, new)
            os.replace(new, target)
    except subprocess.CalledProcessError as exc:
        raise DatabaseError(
            f"building FerretDB failed ({' '.join(exc.cmd)}):\n{exc.stderr.strip()}"
        ) from exc
    build_marker(target).write_text(build + "\n")


def _apply(patch: Path, src: Path) -> None:
    """Apply one patch with ``git apply`` (git works on a plain folder too); a patch
    that does not apply cleanly stops the build."""
    git = shutil.which("git")
    if not git:
        raise DatabaseError(f"cannot patch FerretDB: git is needed to apply {patch.name}")
    done = subprocess.run([git, "apply", "-p1", str(patch)], cwd=src,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise DatabaseError(f"cannot patch FerretDB with {patch.name}: {done.stderr.strip()}")


def _port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.3)
        return s.connect_ex((host, port)) == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child (ours, not yet reaped) is not alive for our purposes
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _is_ferretdb(pid: int) -> bool:
    """Alive and running FerretDB: a pid file can outlive its server, and the pid be
    reused by an unrelated process that must never be signalled."""
    if not _pid_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc (not Linux): trust the pid
    return b"ferretdb" in cmdline.split(b"\0", 1)[0]


def ping(uri: str, timeout_ms: int = 1000) -> bool:
    """True when a MongoDB-protocol server at ``uri`` answers ``ping``."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    client: MongoClient = MongoClient(
        uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms,
        socketTimeoutMS=timeout_ms,
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


# Servers started by this process, kept so they are reaped (not left as zombies or
# reported as "still running" when the Popen object is collected).
_CHILDREN: dict[int, subprocess.Popen] = {}


def free_port() -> int:
    """A TCP port on 127.0.0.1 free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalDatabase:
    """One FerretDB instance listening on 127.0.0.1, its data and state under ``data_dir``."""

    data_dir: Path
    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    binary: Path | None = None  # another build to run (the stock one); else the project's

    @classmethod
    def from_env(cls) -> LocalDatabase:
        """Data dir and port from ``NEWSSCRAPER_DB_DIR`` / ``NEWSSCRAPER_DB_PORT``."""
        data_dir = Path(os.environ.get("NEWSSCRAPER_DB_DIR", _project_root() / DEFAULT_DATA_DIR))
        raw = os.environ.get("NEWSSCRAPER_DB_PORT", str(DEFAULT_PORT))
        try:
            port = int(raw)
        except ValueError:
            raise DatabaseError(f"NEWSSCRAPER_DB_PORT must be a port number; got {raw!r}") from None
        if not 0 < port < 65536:
            raise DatabaseError(f"NEWSSCRAPER_DB_PORT must be 1-65535; got {port}")
        return cls(data_dir=data_dir, port=port)

    @property
    def uri(self) -> str:
        """The instance's ``mongodb://`` URI."""
        return f"mongodb://{self.host}:{self.port}/"

    @property
    def pid_file(self) -> Path:
        """The file holding the running instance's pid."""
        return self.data_dir / "ferretdb.pid"

    @property
    def log_file(self) -> Path:
        """FerretDB's own log."""
        return self.data_dir / "ferretdb.log"

    def pid(self) -> int | None:
        """The pid the pid file names, if any."""
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def running(self) -> bool:
        """Whether the instance is alive and answers ping."""
        pid = self.pid()
        return pid is not None and _pid_alive(pid) and ping(self.uri)

    def start(self, timeout: float = 30.0, log=print) -> str:
        """Start the instance if it is not running; return a one-line status message."""
        pid = self.pid()
        if pid is not None:
            if _is_ferretdb(pid):
                if ping(self.uri):
                    return f"FerretDB already running (pid {pid}) at {self.uri}"
                raise DatabaseError(
                    f"pid {pid} from {self.pid_file} is alive but does not answer on "
                    f"{self.uri}; stop it (`newsscraper db stop`) or remove the pid file"
                )
            log(f"removing stale pid file {self.pid_file} (pid {pid} is not a FerretDB)")
            self.pid_file.unlink(missing_ok=True)
        if _port_open(self.host, self.port):
            raise DatabaseError(
                f"port {self.port} on {self.host} is already in use by another process; "
                "set NEWSSCRAPER_DB_PORT to a free port or stop that process"
            )
        binary = self.binary or install_ferretdb(log=log)
        (self.data_dir / "data").mkdir(parents=True, exist_ok=True)
        (self.data_dir / "state").mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as logf:
            proc = subprocess.Popen(
                [
                    str(binary),
                    "--handler=sqlite",
                    f"--sqlite-url=file:{(self.data_dir / 'data').resolve()}/",
                    f"--state-dir={(self.data_dir / 'state').resolve()}",
                    f"--listen-addr={self.host}:{self.port}",
                    "--telemetry=disable",
                    "--debug-addr=-",
                    "--log-level=warn",
                ],
                stdout=logf, stderr=logf, stdin=subprocess.DEVNULL, start_new_session=True,
                env={"GOGC": GOGC, **os.environ},
            )
        _CHILDREN[proc.pid] = proc
        self.pid_file.write_text(f"{proc.pid}\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                _CHILDREN.pop(proc.pid, None)
                self.pid_file.unlink(missing_ok=True)
                tail = self.log_file.read_text(errors="replace")[-2000:]
                raise DatabaseError(f"FerretDB exited with code {proc.returncode}:\n{tail}")
            if ping(self.uri, timeout_ms=300):
                return f"FerretDB started (pid {proc.pid}) at {self.uri}, data in {self.data_dir}"
            time.sleep(0.1)
        self.stop()
        raise DatabaseError(f"FerretDB did not answer ping on {self.uri} within {timeout:.0f}s")

    def stop(self, timeout: float = 10.0) -> str:
        """Stop the instance (TERM, then KILL after ``timeout``); a one-line status."""
        pid = self.pid()
        if pid is None:
            return "FerretDB is not running (no pid file)"
        if not _is_ferretdb(pid):  # gone, or the pid now belongs to another program
            self.pid_file.unlink(missing_ok=True)
            return f"FerretDB is not running; removed stale pid file (pid {pid})"
        os.kill(pid, signal.SIGTERM)
        child = _CHILDREN.pop(pid, None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _pid_alive(pid):
            if child is not None:
                child.poll()
            time.sleep(0.05)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        if child is not None:
            child.wait()
        self.pid_file.unlink(missing_ok=True)
        return f"FerretDB stopped (pid {pid})"

    def status(self) -> tuple[bool, str]:
        """Whether it runs and answers, with a one-line description."""
        pid = self.pid()
        if pid is None:
            return False, f"FerretDB not running (data dir {self.data_dir})"
        if not _is_ferretdb(pid):
            return False, f"FerretDB not running; stale pid file {self.pid_file} (pid {pid})"
        if not ping(self.uri):
            return False, f"FerretDB pid {pid} is alive but does not answer on {self.uri}"
        return True, f"FerretDB running (pid {pid}) at {self.uri}, data in {self.data_dir}"
