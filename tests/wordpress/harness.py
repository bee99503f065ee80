"""A real WordPress site (Debian's ``wordpress`` package) for wpmigrate's tests.

``WordPressSite`` starts a private MariaDB (temp datadir, unix socket only), PHP's
built-in web server with ``router.php`` (Debian splits WordPress between
/usr/share/wordpress and /var/lib/wordpress/wp-content), installs WordPress with
``wp_install()``, activates our mu-plugin and seeds a deterministic research-library
site (``seed.php``).  Everything is undone by ``stop()``.

Stdlib + requests only.  Usable as a script::

    python tests/wordpress/harness.py serve [--port 8089] [--bulk 1000] [--theme twentytwentyone]

Debian specifics worth knowing (see also the README of the Debian package):

* ``/usr/share/wordpress/wp-config.php`` loads ``/etc/wordpress/config-<host>.php``
  (host = HTTP_HOST without port), falling back to ``config-<domain>.php`` and
  ``config-default.php``, or ``config-$_SERVER['WORDPRESS_CONFIG'].php`` when that
  server variable is set.  We use the latter (``config-wpmigrate-test-<port>.php``):
  the router sets it for HTTP requests and the CLI bootstrap sets it for ``php()``,
  so several sites can run side by side and the Host header does not matter.
* In CLI scripts HTTP_HOST is unset, so the bootstrap defines it before wp-load.php.
* wp-content is /var/lib/wordpress/wp-content (themes/plugins are symlinks back to
  /usr/share/wordpress/wp-content); ``php -S`` needs a router to serve it.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
ROUTER = HERE / "router.php"
SEED = HERE / "seed.php"
MU_PLUGIN_SRC = HERE / "mu-plugin"

WP_ROOT = Path("/usr/share/wordpress")
WP_CONTENT = Path("/var/lib/wordpress/wp-content")
WP_CONFIG_DIR = Path("/etc/wordpress")

SITE_TITLE = "Research Library Test Site"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "wpmigrate-admin-password"
ADMIN_EMAIL = "library-admin@example.org"
DB_NAME = "wordpress"
THEMES = ("twentytwentythree", "twentytwentyone")

# One list, shared with .ci/run, which installs exactly these.
APT_PACKAGES = " ".join(
    line.strip()
    for line in (HERE / "debian-packages.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
)

# The shared wp-content dir is used by one site at a time; others get a private copy.
_LOCK_PATH = Path(tempfile.gettempdir()) / "wpmigrate-wordpress-content.lock"
_STATE_PATH = Path(tempfile.gettempdir()) / "wpmigrate-wordpress-content.state.json"


class WordPressError(RuntimeError):
    """Starting or driving the test site failed."""


# --------------------------------------------------------------------------- helpers


def _which(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) or next(
            (
                str(Path(d) / name)
                for d in ("/usr/sbin", "/usr/bin", "/sbin")
                if (Path(d) / name).exists()
            ),
            None,
        )
        if found:
            return found
    return None


def missing_requirements() -> list[str]:
    """What is missing to run the site here (empty list = all good)."""
    missing = []
    php = _which("php")
    if not php:
        missing.append("php (php-cli)")
    if not _which("mariadbd", "mysqld"):
        missing.append("mariadbd (mariadb-server)")
    if not _which("mariadb-install-db", "mysql_install_db"):
        missing.append("mariadb-install-db (mariadb-server)")
    if not (WP_ROOT / "wp-load.php").exists():
        missing.append(f"{WP_ROOT}/wp-load.php (wordpress)")
    elif "WORDPRESS_CONFIG" not in (WP_ROOT / "wp-config.php").read_text(errors="replace"):
        missing.append(f"Debian's {WP_ROOT}/wp-config.php (config-<host>.php lookup)")
    for theme in THEMES:
        if not (WP_ROOT / "wp-content/themes" / theme).exists():
            missing.append(f"theme {theme}")
    if not WP_CONTENT.is_dir():
        missing.append(str(WP_CONTENT))
    if not os.access(WP_CONFIG_DIR, os.W_OK):
        missing.append(f"write access to {WP_CONFIG_DIR} (run as root)")
    if php:
        try:
            mods = (
                subprocess.run([php, "-m"], capture_output=True, text=True, timeout=30)
                .stdout.lower()
                .split()
            )
        except (OSError, subprocess.SubprocessError):
            mods = []
        for mod, pkg in (
            ("mysqli", "php-mysql"),
            ("gd", "php-gd"),
            ("xml", "php-xml"),
            ("mbstring", "php-mbstring"),
        ):
            if mod not in mods:
                missing.append(f"PHP extension {mod} ({pkg})")
    return missing


def php_str(value: str | os.PathLike[str]) -> str:
    """A PHP single-quoted string literal."""
    text = str(value)
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _mysql_handshake(sock_path: Path) -> bool:
    """True when the server on the unix socket sends its protocol-10 greeting."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(str(sock_path))
            data = s.recv(64)
            return len(data) > 4 and data[4] == 10
    except OSError:
        return False


def _child_setup() -> None:
    """Children die with us (Linux PR_SET_PDEATHSIG), even if we are SIGKILLed."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _list_tree(root: Path) -> tuple[list[str], list[str]]:
    files, dirs = [], []
    if root.is_dir():
        for base, dnames, fnames in os.walk(root):
            dirs.extend(str(Path(base) / d) for d in dnames)
            files.extend(str(Path(base) / f) for f in fnames)
    return files, dirs


def _cleanup_tree(root: Path, keep_files: set[str], keep_dirs: set[str]) -> None:
    """Delete files/dirs under root that are not in the keep sets (what we created)."""
    if not root.is_dir():
        return
    for base, dnames, fnames in os.walk(root, topdown=False):
        for f in fnames:
            p = str(Path(base) / f)
            if p not in keep_files:
                with contextlib.suppress(OSError):
                    os.unlink(p)
        for d in dnames:
            p = Path(base) / d
            if str(p) not in keep_dirs:
                with contextlib.suppress(OSError):
                    if p.is_symlink():
                        p.unlink()
                    else:
                        p.rmdir()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_dead_sites(base: Path) -> None:
    """Remove temp dirs and config files of sites whose owner and mariadbd are both gone."""
    for owner_file in base.glob("wpmigrate-wp-*/owner.json"):
        site_dir = owner_file.parent
        try:
            owner = json.loads(owner_file.read_text())
            mysqld_pid = int((site_dir / "mysqld.pid").read_text().strip() or 0)
        except (OSError, ValueError):
            owner, mysqld_pid = {}, 0
        if (
            not owner
            or _pid_alive(int(owner.get("pid", 0)))
            or (mysqld_pid and _pid_alive(mysqld_pid))
        ):
            continue
        config = owner.get("config")
        if config and Path(config).parent == WP_CONFIG_DIR:
            with contextlib.suppress(OSError):
                Path(config).unlink()
        shutil.rmtree(site_dir, ignore_errors=True)


def _undo_shared_state(state: dict[str, Any]) -> None:
    """Remove what a site using the shared wp-content dir left behind."""
    for path in state.get("remove_files", []):
        with contextlib.suppress(OSError):
            os.unlink(path)
    uploads = Path(state.get("uploads", WP_CONTENT / "uploads"))
    if "keep_files" in state:
        _cleanup_tree(uploads, set(state["keep_files"]), set(state.get("keep_dirs", [])))
    for path in state.get("remove_dirs_if_empty", []):
        with contextlib.suppress(OSError):
            os.rmdir(path)
    if state.get("remove_uploads_dir"):
        with contextlib.suppress(OSError):
            uploads.rmdir()


# --------------------------------------------------------------------------- the site


class WordPressSite:
    """A seeded WordPress 6.x site on http://127.0.0.1:<port>.

    Attributes after ``start()``: ``url``, ``port``, ``admin_user``, ``admin_password``,
    ``app_password``, ``manifest`` (see seed.php), ``content_dir``, ``timings``.
    """

    def __init__(
        self,
        port: int | None = None,
        *,
        content_dir: str | os.PathLike[str] | None = None,
        workers: int = 4,
        opcache: bool = True,
        theme: str = "twentytwentythree",
        verbose: bool = False,
    ) -> None:
        self.requested_port = port
        self.requested_content_dir = Path(content_dir) if content_dir else None
        self.workers = workers
        self.opcache = opcache
        self.initial_theme = theme
        self.verbose = verbose

        self.php_bin = _which("php") or "php"
        self.mysqld_bin = _which("mariadbd", "mysqld") or "mariadbd"
        self.install_db_bin = (
            _which("mariadb-install-db", "mysql_install_db") or "mariadb-install-db"
        )

        self.port: int = 0
        self.url: str = ""
        self.admin_user = ADMIN_USER
        self.admin_password = ADMIN_PASSWORD
        self.app_password: str = ""
        self.manifest: dict[str, Any] = {}
        self.timings: dict[str, float] = {}
        self.tmp: Path | None = None
        self.content_dir: Path = WP_CONTENT
        self.shared_content = False
        self.config_name = ""
        self.config_path: Path | None = None

        self._mysqld: subprocess.Popen[bytes] | None = None
        self._php: subprocess.Popen[bytes] | None = None
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._lock_fd: int | None = None
        self._state: dict[str, Any] = {}
        self._snippets = 0
        self._started = False
        self._stopped = False
        self._snapshot: Path | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ paths

    @property
    def socket_path(self) -> Path:
        assert self.tmp
        return self.tmp / "mysqld.sock"

    @property
    def manifest_path(self) -> Path:
        assert self.tmp
        return self.tmp / "manifest.json"

    @property
    def uploads_dir(self) -> Path:
        return self.content_dir / "uploads"

    @property
    def auth(self) -> tuple[str, str]:
        """(user, application password) for requests' ``auth=``."""
        return (self.admin_user, self.app_password)

    def rest_url(self, route: str = "/") -> str:
        return f"{self.url}/wp-json/{route.lstrip('/')}"

    def rest(
        self,
        route: str,
        *,
        auth: bool | tuple[str, str] = False,
        method: str = "GET",
        **kwargs: Any,
    ) -> requests.Response:
        """Request a REST route, e.g. ``site.rest('wp/v2/posts', params={...})``.

        ``auth=True`` sends the admin's application password; a ``(user, password)``
        tuple is sent as is.
        """
        if auth is True:
            kwargs["auth"] = self.auth
        elif auth:
            kwargs["auth"] = auth
        kwargs.setdefault("timeout", 60)
        return requests.request(method, self.rest_url(route), **kwargs)

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> WordPressSite:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> WordPressSite:
        if self._started:
            return self
        missing = missing_requirements()
        if missing:
            raise WordPressError("cannot start WordPress test site, missing: " + "; ".join(missing))
        self._started = True
        atexit.register(self.stop)
        t0 = time.monotonic()
        try:
            shm = Path("/dev/shm")
            base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
            with contextlib.suppress(OSError):
                _sweep_dead_sites(base or Path(tempfile.gettempdir()))
            self.tmp = Path(tempfile.mkdtemp(prefix="wpmigrate-wp-", dir=base))
            (self.tmp / "snippets").mkdir()
            self._write_owner()
            self._init_db()
            self.timings["mariadb_install_db"] = time.monotonic() - t0
            self._start_mysqld()
            self._setup_content_dir()
            self._start_php_server()
            self._write_config()
            self._start_watchdog()
            self._wait_mysqld()
            self.timings["servers"] = time.monotonic() - t0
            self._install()
            self.timings["wp_install"] = time.monotonic() - t0
            self._install_mu_plugin()
            self._seed()
            self.timings["seed"] = time.monotonic() - t0
            self._wait_http()
            self._take_snapshot()
            self.timings["total"] = time.monotonic() - t0
        except BaseException:
            self.stop()
            raise
        if self.verbose:
            print(
                f"WordPress test site ready at {self.url} in {self.timings['total']:.1f}s",
                file=sys.stderr,
            )
        return self

    def stop(self) -> None:
        with self._lock:
            if self._stopped or not self._started:
                return
            self._stopped = True
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        if self._watchdog is not None:
            self._kill(self._watchdog, 10)
        if self._php is not None:
            self._kill_group(self._php, 10)
        if self._mysqld is not None:
            self._kill(self._mysqld, 30)
        if self.config_path is not None:
            with contextlib.suppress(OSError):
                self.config_path.unlink()
        if self.shared_content:
            _undo_shared_state(self._state)
            with contextlib.suppress(OSError):
                _STATE_PATH.unlink()
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                os.close(self._lock_fd)
            self._lock_fd = None
        if self.tmp is not None and self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes], timeout: float) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait(10)

    @staticmethod
    def _kill_group(proc: subprocess.Popen[bytes], timeout: float) -> None:
        """php -S forks PHP_CLI_SERVER_WORKERS workers into its process group."""
        pgid = proc.pid  # started with start_new_session=True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except (ProcessLookupError, PermissionError):
                break
            time.sleep(0.05)
        else:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)

    # ------------------------------------------------------------------ mariadb

    def _root_opts(self) -> list[str]:
        return ["--user=root"] if os.geteuid() == 0 else []

    def _init_db(self) -> None:
        assert self.tmp
        datadir = self.tmp / "mysql"
        cmd = [
            self.install_db_bin,
            "--no-defaults",
            f"--datadir={datadir}",
            "--skip-test-db",
            "--skip-name-resolve",
            "--auth-root-authentication-method=socket",
            *self._root_opts(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise WordPressError(
                f"mariadb-install-db failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )

    def _start_mysqld(self) -> None:
        assert self.tmp
        cmd = [
            self.mysqld_bin,
            "--no-defaults",
            f"--datadir={self.tmp / 'mysql'}",
            f"--socket={self.socket_path}",
            f"--pid-file={self.tmp / 'mysqld.pid'}",
            f"--log-error={self.tmp / 'mysqld.err'}",
            f"--tmpdir={self.tmp}",
            "--skip-networking",
            "--skip-grant-tables",
            "--skip-name-resolve",
            "--skip-log-bin",
            "--performance-schema=OFF",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            "--innodb-buffer-pool-size=128M",
            "--innodb-log-file-size=64M",
            "--innodb-flush-log-at-trx-commit=0",
            "--innodb-doublewrite=0",
            "--max-allowed-packet=64M",
            *self._root_opts(),
        ]
        self._mysqld = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_child_setup,
        )

    def _wait_mysqld(self, timeout: float = 60) -> None:
        assert self.tmp and self._mysqld
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._mysqld.poll() is not None:
                log = _tail(self.tmp / "mysqld.err")
                raise WordPressError(f"mariadbd exited with {self._mysqld.returncode}:\n{log}")
            if self.socket_path.exists() and _mysql_handshake(self.socket_path):
                return
            time.sleep(0.05)
        log = _tail(self.tmp / "mysqld.err")
        raise WordPressError(f"mariadbd did not answer on {self.socket_path} in {timeout}s:\n{log}")

    # ------------------------------------------------------------------ php -S

    def _php_ini_opts(self) -> list[str]:
        assert self.tmp
        opts = [
            "-d",
            "display_errors=0",
            "-d",
            "log_errors=1",
            "-d",
            f"error_log={self.tmp / 'php-errors.log'}",
            "-d",
            "memory_limit=512M",
            "-d",
            "post_max_size=64M",
            "-d",
            "upload_max_filesize=64M",
        ]
        # php -S is the "cli-server" SAPI: it follows opcache.enable (on in Debian), not enable_cli.
        enable = 1 if self.opcache else 0
        opts += ["-d", f"opcache.enable={enable}", "-d", "opcache.revalidate_freq=0"]
        return opts

    def _server_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            PHP_CLI_SERVER_WORKERS=str(self.workers),
            WPMIGRATE_WP_ROOT=str(WP_ROOT),
            WPMIGRATE_WP_CONTENT_DIR=str(self.content_dir),
            WPMIGRATE_WP_CONFIG=self.config_name,
        )
        return env

    def _start_php_server(self, attempts: int = 5) -> None:
        assert self.tmp
        last_error = ""
        for attempt in range(attempts):
            port = self.requested_port if (self.requested_port and attempt == 0) else free_port()
            if self.requested_port and attempt > 0:
                break
            self.port = port
            self.url = f"http://127.0.0.1:{port}"
            self.config_name = f"wpmigrate-test-{port}"
            log = open(self.tmp / "php-server.log", "ab")  # noqa: SIM115 - handed to the child
            try:
                self._php = subprocess.Popen(
                    [self.php_bin, *self._php_ini_opts(), "-S", f"127.0.0.1:{port}", str(ROUTER)],
                    cwd=WP_ROOT,
                    env=self._server_env(),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=_child_setup,
                )
            finally:
                log.close()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                if self._php.poll() is not None:
                    break
                if _port_open(port):
                    return
                time.sleep(0.02)
            if self._php.poll() is None:
                self._kill_group(self._php, 5)
            last_error = _tail(self.tmp / "php-server.log", 10)
            self._php = None
        raise WordPressError(f"php -S could not listen (port {self.port}):\n{last_error}")

    def _wait_http(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            if self._php is None or self._php.poll() is not None:
                raise WordPressError(f"php -S died:\n{_tail(self.tmp / 'php-server.log')}")  # type: ignore[operator]
            try:
                r = requests.get(self.rest_url("/"), timeout=10)
                if r.status_code == 200 and r.json().get("name") == SITE_TITLE:
                    return
                last = f"{r.status_code} {r.text[:500]}"
            except (requests.RequestException, ValueError) as exc:
                last = exc
            time.sleep(0.1)
        assert self.tmp
        raise WordPressError(
            f"{self.rest_url('/')} not ready after {timeout}s: {last}\n"
            f"php errors:\n{_tail(self.tmp / 'php-errors.log')}"
        )

    # ------------------------------------------------------------------ wordpress

    def _setup_content_dir(self) -> None:
        """Use /var/lib/wordpress/wp-content if no other site holds it, else a private copy."""
        assert self.tmp
        if self.requested_content_dir is not None:
            self.content_dir = self.requested_content_dir
        else:
            fd = os.open(_LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                fd = -1
            if fd >= 0:
                self._lock_fd = fd
                self.shared_content = True
                self.content_dir = WP_CONTENT
                if _STATE_PATH.exists():  # a previous run died without cleaning up
                    with contextlib.suppress(OSError, ValueError):
                        _undo_shared_state(json.loads(_STATE_PATH.read_text()))
                    with contextlib.suppress(OSError):
                        _STATE_PATH.unlink()
            else:
                self.content_dir = self._private_content_dir()
        uploads = self.uploads_dir
        mu = self.content_dir / "mu-plugins"
        if self.shared_content:
            files, dirs = _list_tree(uploads)
            self._state = {
                "pid": os.getpid(),
                "uploads": str(uploads),
                "keep_files": files,
                "keep_dirs": dirs,
                "remove_uploads_dir": not uploads.exists(),
                "remove_files": [str(mu / p.name) for p in sorted(MU_PLUGIN_SRC.glob("*.php"))],
                "remove_dirs_if_empty": [] if mu.exists() else [str(mu)],
            }
            _STATE_PATH.write_text(json.dumps(self._state))
        uploads.mkdir(parents=True, exist_ok=True)

    def _private_content_dir(self) -> Path:
        assert self.tmp
        content = self.tmp / "wp-content"
        content.mkdir()
        for name in ("themes", "plugins", "languages", "index.php"):
            src = WP_CONTENT / name
            if src.exists():
                (content / name).symlink_to(src)
        return content

    def _start_watchdog(self) -> None:
        """A child that outlives us only to clean up if we die without stop() (e.g. SIGKILL)."""
        assert self.tmp and self._php and self._mysqld
        args = {
            "owner": os.getpid(),
            "php_pgid": self._php.pid,
            "mysqld_pid": self._mysqld.pid,
            "tmp": str(self.tmp),
            "config": str(self.config_path) if self.config_path else "",
            "shared_state": str(_STATE_PATH) if self.shared_content else "",
        }
        fds = (self._lock_fd,) if self._lock_fd is not None else ()
        self._watchdog = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "_watchdog", json.dumps(args)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            pass_fds=fds,  # keeps the shared wp-content lock held until cleanup is done
        )

    def _write_owner(self) -> None:
        """Lets a later start clean up after us if we die without stop()."""
        assert self.tmp
        owner = {"pid": os.getpid(), "config": str(self.config_path) if self.config_path else None}
        (self.tmp / "owner.json").write_text(json.dumps(owner))

    def _write_config(self) -> None:
        assert self.tmp
        self.config_path = WP_CONFIG_DIR / f"config-{self.config_name}.php"
        self._write_owner()
        if self.shared_content:
            self._state["remove_files"].append(str(self.config_path))
            _STATE_PATH.write_text(json.dumps(self._state))
        salts = "\n".join(
            f"define( '{name}', 'wpmigrate-test-{name.lower()}-not-secret' );"
            for name in (
                "AUTH_KEY",
                "SECURE_AUTH_KEY",
                "LOGGED_IN_KEY",
                "NONCE_KEY",
                "AUTH_SALT",
                "SECURE_AUTH_SALT",
                "LOGGED_IN_SALT",
                "NONCE_SALT",
            )
        )
        self.config_path.write_text(
            f"""<?php
// Written by wpmigrate's tests/wordpress/harness.py (pid {os.getpid()}); removed at stop.
define( 'DB_NAME', {php_str(DB_NAME)} );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', {php_str("localhost:" + str(self.socket_path))} );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
$table_prefix = 'wp_';
{salts}
define( 'WP_HOME', {php_str(self.url)} );
define( 'WP_SITEURL', {php_str(self.url)} );
define( 'WP_CONTENT_DIR', {php_str(self.content_dir)} );
define( 'WP_CONTENT_URL', {php_str(self.url + "/wp-content")} );
define( 'WP_ENVIRONMENT_TYPE', 'local' );
define( 'WP_DEBUG', false );
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
define( 'FS_METHOD', 'direct' );
"""
        )
        os.chmod(self.config_path, 0o644)
        (self.tmp / "bootstrap.php").write_text(
            f"""<?php
// CLI bootstrap: pick our Debian config file and pretend to be a request to the site.
$_SERVER['WORDPRESS_CONFIG'] = {php_str(self.config_name)};
$_SERVER['HTTP_HOST'] = {php_str(f"127.0.0.1:{self.port}")};
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['SERVER_PORT'] = '{self.port}';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
if ( getenv( 'WPMIGRATE_WP_INSTALLING' ) ) {{
    define( 'WP_INSTALLING', true );
}}
require_once {php_str(WP_ROOT / "wp-load.php")};
"""
        )

    def _install(self) -> None:
        assert self.tmp
        code = f"""
$wpmigrate_db = new mysqli( null, 'root', '', '', 0, {php_str(self.socket_path)} );
$wpmigrate_db->query( 'CREATE DATABASE IF NOT EXISTS `{DB_NAME}`
    CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci' );
$wpmigrate_db->close();
require {php_str(self.tmp / "bootstrap.php")};
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
add_filter( 'pre_http_request', function () {{ return new WP_Error( 'offline', 'offline' ); }} );
add_filter( 'pre_wp_mail', '__return_true' );
$result = wp_install( {php_str(SITE_TITLE)}, {php_str(ADMIN_USER)}, {php_str(ADMIN_EMAIL)},
    true, '', {php_str(ADMIN_PASSWORD)}, 'en_US' );
if ( is_wp_error( $result ) ) {{ fwrite( STDERR, $result->get_error_message() ); exit( 1 ); }}
require_once {php_str(SEED)};
wpmigrate_install_settings();
switch_theme( {php_str(self.initial_theme)} );
echo 'installed';
"""
        out = self._run_php_file(code, env={"WPMIGRATE_WP_INSTALLING": "1"}, bootstrap=False)
        if "installed" not in out:
            raise WordPressError(f"wp_install did not finish: {out[-2000:]}")

    def _install_mu_plugin(self) -> None:
        mu = self.content_dir / "mu-plugins"
        mu.mkdir(exist_ok=True)
        for src in sorted(MU_PLUGIN_SRC.glob("*.php")):
            shutil.copyfile(src, mu / src.name)

    def _seed(self) -> None:
        data = self.call_json(f"require_once {php_str(SEED)}; return wpmigrate_seed_site();")
        secrets = data.pop("secrets")
        self.app_password = secrets["app_password"]
        self.manifest = data
        self.manifest_path.write_text(json.dumps(data, indent=2, ensure_ascii=False))

    def _take_snapshot(self) -> None:
        dump = _which("mariadb-dump", "mysqldump")
        if not dump:
            return
        assert self.tmp
        target = self.tmp / "seed.sql"
        with open(target, "wb") as fh:
            proc = subprocess.run(
                [
                    dump,
                    "--no-defaults",
                    f"--socket={self.socket_path}",
                    "-uroot",
                    "--single-transaction",
                    DB_NAME,
                ],
                stdout=fh,
                stderr=subprocess.PIPE,
                timeout=120,
            )
        if proc.returncode == 0:
            self._snapshot = target

    # ------------------------------------------------------------------ PHP

    def _run_php_file(
        self,
        code: str,
        *,
        env: dict[str, str] | None = None,
        bootstrap: bool = True,
        timeout: float = 600,
    ) -> str:
        if not self.tmp or (self._started and self._stopped):
            raise WordPressError("site is not running")
        body = code.strip()
        if body.startswith("<?php"):
            body = body[5:]
        head = (
            f"<?php\nrequire {php_str(self.tmp / 'bootstrap.php')};\n" if bootstrap else "<?php\n"
        )
        self._snippets += 1
        path = self.tmp / "snippets" / f"snippet-{self._snippets:04d}.php"
        path.write_text(head + body + "\n")
        run_env = dict(os.environ)
        run_env.update(env or {})
        opts = ["-d", "display_errors=stderr", "-d", "log_errors=0", "-d", "memory_limit=2G"]
        proc = subprocess.run(
            [self.php_bin, *opts, str(path)],
            cwd=WP_ROOT,
            env=run_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            raise WordPressError(
                f"PHP snippet failed (exit {proc.returncode}):\n"
                f"--- stderr ---\n{proc.stderr[-4000:]}\n"
                f"--- stdout ---\n{proc.stdout[-2000:]}\n--- code ({path}) ---\n{body[:2000]}"
            )
        return proc.stdout

    def php(self, code: str, *, timeout: float = 600) -> str:
        """Run PHP with wp-load.php loaded (CLI, our config) and return stdout.

        ``code`` may start with ``<?php``.  Raises ``WordPressError`` with stderr on failure.
        """
        return self._run_php_file(code, timeout=timeout)

    def call_json(self, body: str, *, timeout: float = 600) -> Any:
        """Run a PHP function body that ``return``s a value; give back the decoded JSON."""
        marker = "@@WPMIGRATE-JSON@@"
        code = (
            f"$wpmigrate_result = ( function () {{ {body} }} )();\n"
            f'echo "\\n{marker}" . wp_json_encode( $wpmigrate_result,\n'
            "    JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );\n"
        )
        out = self._run_php_file(code, timeout=timeout)
        if marker not in out:
            raise WordPressError(f"no JSON result from PHP:\n{out[-2000:]}")
        return json.loads(out.rsplit(marker, 1)[1])

    # ------------------------------------------------------------------ scenario helpers

    def export_wxr(
        self, path: str | os.PathLike[str], *, content: str = "all", **filters: str
    ) -> Path:
        """Write a WXR export made by core's export_wp() to ``path``.

        ``filters`` are export_wp()'s other arguments, as Tools > Export sets them
        (``start_date="2024-01"``, ``end_date``, ``status``, ``category``, ``author``).
        """
        target = Path(path).resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        args = "".join(f", {php_str(k)} => {php_str(v)}" for k, v in filters.items())
        size = self.call_json(
            f"""
            require_once ABSPATH . 'wp-admin/includes/export.php';
            wp_set_current_user( 1 );
            ob_start();
            export_wp( array( 'content' => {php_str(content)}{args} ) );
            $xml = ob_get_clean();
            file_put_contents( {php_str(target)}, $xml );
            return strlen( $xml );
            """
        )
        if not size:
            raise WordPressError("export_wp() produced no output")
        return target

    def set_rest_enabled(self, enabled: bool) -> None:
        """False: anonymous REST requests get 401 rest_cannot_access (authenticated still work)."""
        value = "0" if enabled else "1"
        self.call_json(f"update_option( 'wpmigrate_test_rest_disabled', '{value}' ); return true;")

    def set_event_plugins(self, active: bool, *, ai1ec_in_rest: bool = False) -> None:
        """Switch the stand-ins for The Events Calendar and All-in-One Event Calendar on or off.

        Off (the seeded state): the event posts stay in the database, but their post types,
        the `tribe/events/v1` REST route and the ai1ec iCal export are absent, so the site
        looks as it did before events were seeded. `ai1ec_in_rest` also puts `ai1ec_event`
        into wp/v2 (the real plugin keeps it out).
        """
        on, rest = ("1" if active else "0"), ("1" if ai1ec_in_rest and active else "0")
        self.call_json(
            f"update_option( 'wpmigrate_test_event_plugins', '{on}' );"
            f"update_option( 'wpmigrate_test_ai1ec_in_rest', '{rest}' ); return true;"
        )

    def set_theme(self, stylesheet: str) -> None:
        """Switch theme: 'twentytwentythree' (block) or 'twentytwentyone' (classic)."""
        got = self.call_json(
            f"""
            $theme = wp_get_theme( {php_str(stylesheet)} );
            if ( ! $theme->exists() ) {{
                throw new RuntimeException( 'no such theme: ' . {php_str(stylesheet)} );
            }}
            switch_theme( {php_str(stylesheet)} );
            return get_stylesheet();
            """
        )
        if got != stylesheet:
            raise WordPressError(f"theme switch failed: active theme is {got}")

    def apply_edits(self) -> dict[str, Any]:
        """The sync scenario (once per seeded state): modify 10, delete 4, trash 3, add 5.

        Returns ``{"modified": [ids], "deleted": [...], "trashed": [...], "added": [...],
        "by_type": {post_type: {change: [ids]}}}``.
        """
        return self.call_json(f"require_once {php_str(SEED)}; return wpmigrate_apply_edits();")

    def seed_bulk(self, n: int) -> list[int]:
        """Add ``n`` published publications (with terms and ACF fields); returns their ids."""
        if n <= 0:
            return []
        return self.call_json(
            f"require_once {php_str(SEED)}; return wpmigrate_seed_bulk( {int(n)} );",
            timeout=max(600, n * 0.5),
        )

    def reset(self) -> None:
        """Restore the database to the freshly seeded state (undoes edits, bulk, theme, REST-off).

        Files added to uploads after seeding are not removed.
        """
        client = _which("mariadb", "mysql")
        if not self._snapshot or not client:
            raise WordPressError("no database snapshot (mariadb-dump / mariadb client missing?)")
        base = [client, "--no-defaults", f"--socket={self.socket_path}", "-uroot"]
        subprocess.run(
            [
                *base,
                "-e",
                f"DROP DATABASE `{DB_NAME}`; CREATE DATABASE `{DB_NAME}` CHARACTER SET utf8mb4",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        with open(self._snapshot, "rb") as fh:
            proc = subprocess.run([*base, DB_NAME], stdin=fh, capture_output=True, timeout=300)
        if proc.returncode != 0:
            raise WordPressError(f"restore failed: {proc.stderr.decode(errors='replace')}")

    def describe(self) -> str:
        mode = "shared" if self.shared_content else "private"
        lines = [
            f"URL:            {self.url}",
            f"REST:           {self.rest_url('/')}",
            f"Admin:          {self.url}/wp-admin/  user {self.admin_user!r}"
            f" password {self.admin_password!r}",
            f"App password:   {self.app_password}  (HTTP Basic with user {self.admin_user!r})",
            f"Manifest:       {self.manifest_path}",
            f"wp-content:     {self.content_dir} ({mode})",
            f"Config:         {self.config_path}",
            f"Started in:     {self.timings.get('total', 0):.1f}s "
            + "("
            + ", ".join(f"{k} {v:.1f}s" for k, v in self.timings.items() if k != "total")
            + ")",
        ]
        return "\n".join(lines)


# --------------------------------------------------------------------------- script


def _watchdog_main(spec: str) -> int:
    """Wait for the owner to exit; if it did not call stop(), kill its servers and clean up."""
    args = json.loads(spec)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))  # stop() terminates us first
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    owner = int(args["owner"])
    while os.getppid() == owner and _pid_alive(owner):
        time.sleep(0.5)
    php_pgid, mysqld_pid = int(args["php_pgid"]), int(args["mysqld_pid"])

    def running() -> bool:
        try:
            os.killpg(php_pgid, 0)
            return True
        except OSError:
            return _pid_alive(mysqld_pid)

    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(OSError):
            os.killpg(php_pgid, sig)
        with contextlib.suppress(OSError):
            os.kill(mysqld_pid, sig)
        deadline = time.monotonic() + 20
        while running() and time.monotonic() < deadline:
            time.sleep(0.1)
        if not running():
            break
    if args.get("config"):
        with contextlib.suppress(OSError):
            os.unlink(args["config"])
    if args.get("shared_state"):
        state_path = Path(args["shared_state"])
        with contextlib.suppress(OSError, ValueError):
            _undo_shared_state(json.loads(state_path.read_text()))
            state_path.unlink()
    shutil.rmtree(args["tmp"], ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_watchdog"]:
        return _watchdog_main(argv[1])
    parser = argparse.ArgumentParser(description="Run the wpmigrate WordPress test site.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="start the site and wait for Ctrl-C")
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--bulk", type=int, default=0, help="add N bulk publications")
    serve.add_argument("--theme", choices=THEMES, default="twentytwentythree")
    serve.add_argument("--workers", type=int, default=4)
    serve.add_argument("--no-opcache", action="store_true")
    serve.add_argument("--edits", action="store_true", help="also apply the sync-scenario edits")
    sub.add_parser("check", help="list missing requirements")
    args = parser.parse_args(argv)

    if args.command == "check":
        missing = missing_requirements()
        print("\n".join(missing) if missing else "all requirements present")
        return 1 if missing else 0

    site = WordPressSite(
        args.port, workers=args.workers, opcache=not args.no_opcache, theme=args.theme
    )

    def _terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    # Explicit handlers: a background job inherits SIGINT as "ignored".
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    try:
        site.start()
        if args.bulk:
            t = time.monotonic()
            ids = site.seed_bulk(args.bulk)
            print(f"bulk: added {len(ids)} publications in {time.monotonic() - t:.1f}s")
        if args.edits:
            print("edits:", json.dumps(site.apply_edits()))
        print(site.describe(), flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nstopping…", file=sys.stderr)
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
