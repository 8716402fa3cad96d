"""Real RabbitMQ and PostgreSQL servers run as child processes, for integration tests.

Every server gets its own directory, private loopback ports and (for RabbitMQ) its own epmd, so
several test sessions can run side by side and never touch a system-wide service. Whatever is
still running when the interpreter exits is killed, even after Ctrl-C.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

LOOPBACK = "127.0.0.1"
RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")
POSTGRES_BIN_ROOT = Path("/usr/lib/postgresql")
_INSTALL_HINT = "`make test` installs it (through scripts/ensure-system-deps)"

# Everything spawned here, so the exit hook can kill what a failed or interrupted session left.
_children: set[subprocess.Popen] = set()
_temp_dirs: set[Path] = set()


def _ephemeral_range() -> tuple[int, int]:
    """The ports the kernel gives clients' outgoing connections (Linux: 32768-60999)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


_handed_out: set[int] = set()


def free_port() -> int:
    """A TCP port free on the loopback interface right now, below the ephemeral range, and
    never the same twice in this process.

    The servers the tests kill and restart (RabbitMQ, PostgreSQL) must get their port back:
    taken from the ephemeral range, it could meanwhile become the source port of any client's
    connection (a reconnecting worker's, another test run's), and the restart would fail with
    EADDRINUSE (seen once in the crash-recovery fault test while another run was going)."""
    low, _high = _ephemeral_range()
    if low > 11000:
        for _ in range(200):
            port = 10000 + secrets.randbelow(low - 10000)
            if port in _handed_out:
                continue
            with socket.socket() as sock:
                try:
                    sock.bind((LOOPBACK, port))
                except OSError:
                    continue
            _handed_out.add(port)
            return port
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.5):
            return True
    except OSError:
        return False


def _missing(what: str, package: str) -> RuntimeError:
    return RuntimeError(f"{what} not found: install the Debian package {package}; {_INSTALL_HINT}")


def _tail(*paths: Path, lines: int = 40) -> str:
    parts = []
    for path in paths:
        if path.exists():
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- last lines of {path}\n" + "\n".join(text))
    return "\n".join(parts) or "(no log written)"


def _spawn(argv: Sequence[str | Path], log_path: Path, env: dict[str, str]) -> subprocess.Popen:
    # A session of its own keeps the terminal's Ctrl-C away from the server (the test session
    # decides when it stops) and lets one killpg reach every helper process it forks.
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [str(arg) for arg in argv],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=log_path.parent,
            start_new_session=True,
        )
    _children.add(proc)
    return proc


def _kill_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        _wait_group_gone(proc.pid)
    _children.discard(proc)


def _wait_group_gone(pgid: int, timeout: float = 10) -> None:
    """Wait until no live process is left in the group.

    The leader is reaped before its children have finished dying, and until then a killed
    broker still holds its ports and a killed postmaster's backends its shared memory, so an
    immediate restart would fail. Zombies are ignored: where PID 1 does not reap, orphans stay.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_live_members(pgid)):
        time.sleep(0.05)


def _live_members(pgid: int) -> Iterator[int]:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError):
            # Fields after the command name (which may hold spaces): state, ppid, pgrp.
            pgrp = int(stat.read_text().rsplit(")", 1)[1].split()[2])
            # A multithreaded process shows its leader as a zombie while its other threads are
            # still tearing down and holding its sockets, hence the look at every thread.
            if pgrp == pgid and any(_alive(task) for task in stat.parent.glob("task/*/stat")):
                yield int(stat.parent.name)


def _alive(task_stat: Path) -> bool:
    try:
        return task_stat.read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:  # the thread is gone
        return False


def _terminate(proc: subprocess.Popen, sig: int, timeout: float) -> None:
    """Ask the process to stop with sig; SIGKILL its whole group if it is still there later."""
    if proc.poll() is None:
        proc.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout)
    _kill_group(proc)


def _wait_until(
    ready: Callable[[], bool],
    proc: subprocess.Popen,
    timeout: float,
    what: str,
    logs: Sequence[Path],
) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}\n{_tail(*logs)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready after {timeout} s\n{_tail(*logs)}")
        time.sleep(0.1)


@atexit.register
def _kill_leftovers() -> None:
    for proc in list(_children):
        _kill_group(proc)
    for path in list(_temp_dirs):
        shutil.rmtree(path, ignore_errors=True)


class _Epmd:
    """The Erlang port mapper on a private port, run as our child so it can be killed and reaped.

    rabbitmq-server would otherwise start `epmd -daemon`, which outlives every node, cannot be
    told apart from another session's epmd, and turns into a zombie where PID 1 does not reap.
    """

    def __init__(self, port: int, log_path: Path) -> None:
        self.port = port
        self._log_path = log_path
        self._proc: subprocess.Popen | None = None

    def start(self) -> None:
        if _port_open(self.port):
            return  # one shared by the nodes of a cluster, owned by whoever started it
        epmd = shutil.which("epmd") or next(Path("/usr/lib/erlang").glob("erts-*/bin/epmd"), None)
        if epmd is None:
            raise _missing("epmd", "erlang-base")
        argv = [epmd, "-port", str(self.port), "-address", LOOPBACK]
        self._proc = _spawn(argv, self._log_path, dict(os.environ))
        _wait_until(lambda: _port_open(self.port), self._proc, 10, "epmd", [self._log_path])

    def stop(self) -> None:
        if self._proc is not None:
            _terminate(self._proc, signal.SIGTERM, 5)
            self._proc = None


class RabbitMQServer:
    """One RabbitMQ node whose data, logs and Erlang cookie all live in base_dir."""

    def __init__(
        self,
        base_dir: Path,
        *,
        node_name: str | None = None,
        port: int | None = None,
        dist_port: int | None = None,
        epmd_port: int | None = None,
        erlang_cookie: str | None = None,
    ) -> None:
        if not (RABBITMQ_BIN / "rabbitmq-server").exists():
            raise _missing(f"RabbitMQ in {RABBITMQ_BIN}", "rabbitmq-server")
        self.base_dir = Path(base_dir).resolve()
        self._port = port or free_port()
        self._node_name = node_name or f"rabbit-test-{self._port}@localhost"
        self._dist_port = dist_port or free_port()
        self._epmd = _Epmd(epmd_port or free_port(), self.base_dir / "epmd.log")
        self._cookie = erlang_cookie
        self._proc: subprocess.Popen | None = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def node_name(self) -> str:
        return self._node_name

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def log_path(self) -> Path:
        return self.base_dir / "log" / f"{self._node_name}.log"

    def start(self, timeout: float = 60) -> None:
        """Start the node and return once it accepts AMQP connections."""
        if not self.running:
            self._launch()
            self._await_startup(timeout)

    def stop(self, timeout: float = 60) -> None:
        """Stop gracefully: the wrapper script turns SIGTERM into an orderly node shutdown."""
        if self._proc is not None:
            _terminate(self._proc, signal.SIGTERM, timeout)
            self._proc = None
        self._epmd.stop()

    def kill(self) -> None:
        """SIGKILL the node, as a crash would; its data stays, so start() recovers from it."""
        if self._proc is not None:
            _kill_group(self._proc)
            self._proc = None

    def restart(self, timeout: float = 60) -> None:
        self.stop()
        self.start(timeout)

    def ctl(self, *args: str) -> str:
        """Run rabbitmqctl (quiet) against this node and return its output."""
        argv = [str(RABBITMQ_BIN / "rabbitmqctl"), "-q", "-n", self._node_name, *args]
        result = subprocess.run(
            argv, env=self.environment(), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            # Only the command name: the other arguments may be a password.
            detail = result.stderr.strip() or result.stdout.strip()
            raise RuntimeError(f"rabbitmqctl {args[0]} failed ({result.returncode}): {detail}")
        return result.stdout

    def add_user(self, name: str, password: str, tags: Sequence[str] = ()) -> None:
        self.ctl("add_user", name, password)
        if tags:
            self.ctl("set_user_tags", name, *tags)

    def set_permissions(
        self, user: str, configure: str, write: str, read: str, vhost: str = "/"
    ) -> None:
        self.ctl("set_permissions", "-p", vhost, user, configure, write, read)

    def set_topic_permissions(
        self, user: str, exchange: str, write: str, read: str, vhost: str = "/"
    ) -> None:
        self.ctl("set_topic_permissions", "-p", vhost, user, exchange, write, read)

    def import_definitions(self, path: Path) -> None:
        self.ctl("import_definitions", str(Path(path).resolve()))

    def amqp_url(self, user: str, password: str, vhost: str = "/") -> str:
        credentials = f"{quote(user, safe='')}:{quote(password, safe='')}"
        return f"amqp://{credentials}@{LOOPBACK}:{self._port}/{quote(vhost, safe='')}"

    def __enter__(self) -> RabbitMQServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _launch(self) -> None:
        home = self.base_dir / "home"
        home.mkdir(parents=True, exist_ok=True)
        self._write_cookie(home / ".erlang.cookie")
        self._epmd.start()
        server = RABBITMQ_BIN / "rabbitmq-server"
        self._proc = _spawn([server], self.base_dir / "stdout.log", self.environment())

    def _await_startup(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        logs = [self.base_dir / "stdout.log", self.log_path]
        what = f"RabbitMQ node {self._node_name}"
        assert self._proc is not None
        # Polling the port is cheap; each rabbitmqctl call costs a second of CPU.
        _wait_until(lambda: _port_open(self._port), self._proc, timeout, what, logs)
        remaining = max(1, round(deadline - time.monotonic()))
        try:
            self.ctl("await_startup", "--timeout", str(remaining))
        except RuntimeError as error:
            raise RuntimeError(f"{what} did not finish booting: {error}\n{_tail(*logs)}") from None

    def _write_cookie(self, path: Path) -> None:
        if path.exists() and self._cookie in (None, path.read_text()):
            return
        if path.exists():
            path.chmod(0o600)
        path.write_text(self._cookie or secrets.token_hex(20))
        path.chmod(0o400)  # Erlang refuses a cookie file that others can read

    def environment(self) -> dict[str, str]:
        """The environment the node and rabbitmqctl run with (to run rabbitmqctl by hand)."""
        base = self.base_dir
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        env.update(
            HOME=str(base / "home"),  # where both the node and rabbitmqctl read the cookie
            RABBITMQ_NODENAME=self._node_name,
            RABBITMQ_NODE_IP_ADDRESS=LOOPBACK,
            RABBITMQ_NODE_PORT=str(self._port),
            RABBITMQ_DIST_PORT=str(self._dist_port),
            RABBITMQ_MNESIA_BASE=str(base / "mnesia"),
            RABBITMQ_LOG_BASE=str(base / "log"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(base / "enabled_plugins"),
            # Files that may not exist: they keep /etc/rabbitmq (a developer's own broker
            # settings) out of the tests, and are where to put settings to debug by hand.
            RABBITMQ_CONFIG_FILE=str(base / "rabbitmq.conf"),
            RABBITMQ_ADVANCED_CONFIG_FILE=str(base / "advanced.config"),
            RABBITMQ_CONF_ENV_FILE=str(base / "rabbitmq-env.conf"),
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
            ERL_EPMD_PORT=str(self._epmd.port),
            ERL_CRASH_DUMP=str(base / "erl_crash.dump"),
        )
        return env


class RabbitMQCluster:
    """Several RabbitMQ nodes on this machine, sharing one epmd and one cookie, joined together."""

    def __init__(self, base_dir: Path, *, size: int = 3) -> None:
        base_dir = Path(base_dir).resolve()
        self._epmd = _Epmd(free_port(), base_dir / "epmd.log")
        cookie = secrets.token_hex(20)
        self.nodes = [
            RabbitMQServer(base_dir / f"node{i}", epmd_port=self._epmd.port, erlang_cookie=cookie)
            for i in range(size)
        ]
        self._formed = False

    def start(self, timeout: float = 120) -> None:
        """Start every stopped node at once (a cluster node waits for its peers at boot)."""
        self._epmd.start()
        stopped = [node for node in self.nodes if not node.running]
        for node in stopped:
            node._launch()
        for node in stopped:
            node._await_startup(timeout)
        if not self._formed:
            for node in self.nodes[1:]:
                node.ctl("stop_app")
                node.ctl("join_cluster", self.nodes[0].node_name)
                node.ctl("start_app")
                node._await_startup(timeout)
            self._formed = True

    def stop(self) -> None:
        for node in reversed(self.nodes):
            node.stop()
        self._epmd.stop()

    def kill_node(self, index: int) -> None:
        self.nodes[index].kill()

    def start_node(self, index: int, timeout: float = 60) -> None:
        self.nodes[index].start(timeout)

    def amqp_urls(self, user: str, password: str, vhost: str = "/") -> list[str]:
        return [node.amqp_url(user, password, vhost) for node in self.nodes]

    def __enter__(self) -> RabbitMQCluster:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# What `pg_ctl stop -m <mode>` sends the postmaster.
_POSTGRES_STOP_SIGNALS = {
    "smart": signal.SIGTERM,
    "fast": signal.SIGINT,
    "immediate": signal.SIGQUIT,
}


def _postgres_bin_dir() -> Path:
    def version(path: Path) -> int:
        return int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0

    servers = sorted(POSTGRES_BIN_ROOT.glob("*/bin/postgres"), key=version)
    if not servers:
        raise _missing(f"PostgreSQL server in {POSTGRES_BIN_ROOT}/*/bin", "postgresql")
    return servers[-1].parent


class PostgresServer:
    """One PostgreSQL cluster on a private loopback port, user postgres, trust authentication.

    The data directory lives in a directory of its own under the system temp dir: the postgres
    OS user must be able to reach it, and pytest's temp tree is private to the user running the
    tests. base_dir keeps the server log and a `pgdata` link to it; close() removes the data.
    """

    def __init__(self, base_dir: Path, *, port: int | None = None) -> None:
        self._bin = _postgres_bin_dir()
        self.base_dir = Path(base_dir).resolve()
        self._port = port or free_port()
        self._run_dir: Path | None = None
        self._proc: subprocess.Popen | None = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def log_path(self) -> Path:
        return self.base_dir / "postgres.log"

    def start(self, timeout: float = 30) -> None:
        if self.running:
            return
        run_dir = self._runtime_dir()
        data = run_dir / "data"
        if not (data / "PG_VERSION").exists():
            self._initdb(data)
        settings = {
            "listen_addresses": LOOPBACK,
            # Durable against a crash of PostgreSQL (what the tests simulate), not of the OS.
            "fsync": "off",
            "full_page_writes": "off",
            "synchronous_commit": "on",
            "max_connections": "200",
        }
        argv = [
            str(self._bin / "postgres"),
            "-D",
            str(data),
            "-p",
            str(self._port),
            "-k",
            str(run_dir),
        ]
        for name, value in settings.items():
            argv += ["-c", f"{name}={value}"]
        self._proc = _spawn(self._as_postgres(argv), self.log_path, self._env())
        what = f"PostgreSQL on port {self._port}"
        _wait_until(self._accepts_connections, self._proc, timeout, what, [self.log_path])

    def stop(self, mode: str = "fast", timeout: float = 60) -> None:
        """Stop like `pg_ctl stop -m <mode>`, which sends the postmaster these same signals."""
        if self._proc is not None:
            _terminate(self._proc, _POSTGRES_STOP_SIGNALS[mode], timeout)
            self._proc = None

    def stop_immediately(self) -> None:
        """Stop without a shutdown checkpoint, as a crash would; start() then runs recovery."""
        self.stop("immediate")

    def kill(self) -> None:
        if self._proc is not None:
            _kill_group(self._proc)
            self._proc = None

    def restart(self, timeout: float = 30) -> None:
        self.stop()
        self.start(timeout)

    def close(self) -> None:
        """Stop the server and delete its data directory."""
        self.stop()
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)
            _temp_dirs.discard(self._run_dir)
            (self.base_dir / "pgdata").unlink(missing_ok=True)
            self._run_dir = None

    def create_database(self, name: str) -> None:
        """Create the database unless it exists."""
        sql = (
            "SELECT format('CREATE DATABASE %I', :'name')"
            " WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name')\n\\gexec\n"
        )
        self._psql(sql, "postgres", name=name)

    def drop_database(self, name: str) -> None:
        self._psql('DROP DATABASE IF EXISTS :"name" WITH (FORCE);\n', "postgres", name=name)

    def url(self, dbname: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@{LOOPBACK}:{self._port}/{quote(dbname, safe='')}"

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL through psql; return rows unaligned ('|' between columns), no headers."""
        return self._psql(sql, dbname)

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _psql(self, sql: str, dbname: str, **variables: str) -> str:
        argv = [str(self._bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        argv += ["-h", LOOPBACK, "-p", str(self._port), "-U", "postgres", "-d", dbname]
        for name, value in variables.items():
            argv += ["-v", f"{name}={value}"]
        result = subprocess.run(
            argv, input=sql, env=self._env(), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql on {dbname} failed: {result.stderr.strip()}")
        return result.stdout

    def _accepts_connections(self) -> bool:
        argv = [str(self._bin / "pg_isready"), "-q", "-h", LOOPBACK, "-p", str(self._port)]
        return subprocess.run(argv, env=self._env(), check=False).returncode == 0

    def _initdb(self, data: Path) -> None:
        argv = [str(self._bin / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres"]
        argv += ["--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"]
        result = subprocess.run(
            self._as_postgres(argv),
            env=self._env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr.strip() or result.stdout.strip()}")

    def _runtime_dir(self) -> Path:
        if self._run_dir is None:
            self.base_dir.mkdir(parents=True, exist_ok=True)
            self._run_dir = Path(tempfile.mkdtemp(prefix=f"explicite-pg-{self._port}-"))
            _temp_dirs.add(self._run_dir)
            if os.geteuid() == 0:
                shutil.chown(self._run_dir, "postgres", "postgres")
            link = self.base_dir / "pgdata"
            link.unlink(missing_ok=True)
            link.symlink_to(self._run_dir)
        return self._run_dir

    @staticmethod
    def _as_postgres(argv: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return argv
        # PostgreSQL refuses to run as root. setpriv execs in place (runuser forks), so the
        # process we hold is the postmaster itself and its signals reach it directly.
        switch = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
        return [*switch, *argv]

    @staticmethod
    def _env() -> dict[str, str]:
        # PGHOST, PGDATABASE and friends from the developer's shell would redirect psql.
        return {k: v for k, v in os.environ.items() if not k.startswith("PG")}
