"""A local PostgreSQL for CDC pipelines: one server on 127.0.0.1 with logical decoding on.

``LocalPostgres(directory).start(port, password)`` initialises the cluster once
(``initdb``, SCRAM passwords, ``wal_level=logical``) and starts it with ``pg_ctl``; ``stop()``
stops it. The server binaries come from the machine's PostgreSQL (Debian's
``/usr/lib/postgresql/<version>/bin``). PostgreSQL refuses to run as root, so under root the
server runs as the ``postgres`` system user, which must be able to reach ``directory``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bulkheads.local.errors import LocalPlatformError

SUPERUSER = "postgres"
_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "wal_level": "logical",
    "max_wal_senders": "4",
    "max_replication_slots": "4",
}


def server_bin() -> Path:
    """The newest installed PostgreSQL server's bin dir."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3])
    )
    if not versions:
        raise LocalPlatformError(
            "no PostgreSQL server under /usr/lib/postgresql; install it (apt-get install "
            "postgresql) to run CDC pipelines locally"
        )
    return versions[-1].parent


@dataclass(frozen=True)
class PostgresConnection:
    """How a client (a Debezium connector) reaches the local server."""

    port: int
    password: str
    user: str = SUPERUSER
    host: str = "127.0.0.1"


class LocalPostgres:
    """One PostgreSQL cluster kept in ``directory`` (``data/``, ``server.log``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"

    def start(self, port: int, password: str) -> PostgresConnection:
        """Initialise (once) and start the server on ``127.0.0.1:<port>``; wait until ready."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if not (self.data / "PG_VERSION").is_file():
            secret = self.directory / "superuser.pw"
            secret.write_text(password + "\n")
            secret.chmod(0o600)
            self._own()
            self._run(
                "initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=scram-sha-256",
                f"--pwfile={secret}",
            )  # fmt: skip
            secret.unlink()
            settings = {**_SERVER_SETTINGS, "port": str(port),
                        "unix_socket_directories": f"'{self.directory}'"}  # fmt: skip
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
            with (self.data / "pg_hba.conf").open("a") as hba:
                hba.write("host replication all 127.0.0.1/32 scram-sha-256\n")
        if not self.running():
            self._run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"),
                      "-w", "-t", "60", "start")  # fmt: skip
        return PostgresConnection(port=port, password=password)

    def sql(self, connection: PostgresConnection, statement: str) -> str:
        """Run ``statement`` with psql over TCP as the superuser; return its output."""
        result = subprocess.run(
            [str(server_bin() / "psql"), "-h", connection.host, "-p", str(connection.port),
             "-U", connection.user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-Atc", statement],
            env={**os.environ, "PGPASSWORD": connection.password},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise LocalPlatformError(f"psql failed: {result.stderr.strip()[-800:]}")
        return result.stdout

    def running(self) -> bool:
        return (self.data / "postmaster.pid").is_file() and self._status() == 0

    def stop(self) -> None:
        """Stop the server if it runs (fast shutdown)."""
        if self.running():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def _status(self) -> int:
        return subprocess.run(
            self._as_owner("pg_ctl", "-D", str(self.data), "status"),
            capture_output=True, check=False,
        ).returncode  # fmt: skip

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            self._as_owner(*command), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise LocalPlatformError(
                f"{command[0]} failed for {self.data} (exit {result.returncode}): "
                f"{(result.stderr or result.stdout).strip()[-800:]}"
            )

    def _as_owner(self, tool: str, *args: str) -> list[str]:
        binary = str(server_bin() / tool)
        if os.geteuid() != 0:
            return [binary, *args]
        return ["runuser", "-u", SUPERUSER, "--", binary, *args]

    def _own(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, SUPERUSER, SUPERUSER)
            for path in self.directory.iterdir():
                shutil.chown(path, SUPERUSER, SUPERUSER)
