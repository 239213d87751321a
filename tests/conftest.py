"""Test setup shared by every test: offscreen Qt, and settings and caches kept out of the user's home."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set before anything imports Qt: the tests never need (or may have) a screen.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
_SANDBOX = Path(tempfile.mkdtemp(prefix="newsdesk-tests-"))
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_CACHE_HOME"] = str(_SANDBOX / "cache")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEED_RECORD = SEEDS / "000_fbf05e2be9931d54.txt"


def pytest_collection_modifyitems(config, items):
    # Everything under tests/ui drives real widgets; `-m "not gui"` runs the Qt-free core alone.
    for item in items:
        if "ui" in Path(str(item.fspath)).relative_to(REPO / "tests").parts[:1]:
            item.add_marker(pytest.mark.gui)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_SANDBOX, ignore_errors=True)


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path_factory, monkeypatch) -> Path:
    """Each test its own user data folder: a journal of unsaved edits left by one test (to the
    bundled seeds, say) must not be offered for restoring in the next."""
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    return data


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of `seeds/` that a test may edit freely."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    """A private copy of the seed record."""
    target = tmp_path / SEED_RECORD.name
    shutil.copyfile(SEED_RECORD, target)
    return target


# --- No test talks to the internet -----------------------------------------------------------
# Records point at real web images and links; a test that followed one would depend on the
# network and leak traffic. Every connection a test makes must go to the loopback interface:
# Python's sockets are checked here, and Qt's network stack (which does not use them) through
# an application proxy factory that Qt asks before every connection it opens.

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_loopback(host: object) -> bool:
    if host is None or host == "":
        return True  # a passive or local lookup (bind to any address), not a connection
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    text = str(host).strip("[]").lower()
    if text in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


class NetworkGuard:
    """Refuses, and remembers, every attempt to reach a host other than the loopback interface."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self._qt_factory = None
        self._sink: socket.socket | None = None

    def refuse(self, what: str) -> None:
        self.violations.append(what)

    # Python sockets ------------------------------------------------------------------------
    def patch_sockets(self, monkeypatch: pytest.MonkeyPatch) -> None:
        guard = self
        real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
        real_getaddrinfo, real_gethostbyname = socket.getaddrinfo, socket.gethostbyname

        def check_address(address: object, what: str) -> None:
            if isinstance(address, tuple) and address and not is_loopback(address[0]):
                guard.refuse(f"{what} {address[0]}")
                raise OSError(f"tests may only connect to 127.0.0.1, not {address[0]}")

        def connect(self, address):
            check_address(address, "socket connect to")
            return real_connect(self, address)

        def connect_ex(self, address):
            check_address(address, "socket connect to")
            return real_connect_ex(self, address)

        def getaddrinfo(host, *args, **kwargs):
            if not is_loopback(host):
                guard.refuse(f"DNS lookup of {host}")
                raise socket.gaierror(socket.EAI_NONAME, f"tests may not look up {host}")
            return real_getaddrinfo(host, *args, **kwargs)

        def gethostbyname(host):
            if not is_loopback(host):
                guard.refuse(f"DNS lookup of {host}")
                raise socket.gaierror(socket.EAI_NONAME, f"tests may not look up {host}")
            return real_gethostbyname(host)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket, "gethostbyname", gethostbyname)

    # Qt's network stack --------------------------------------------------------------------
    def install_qt_guard(self) -> None:
        """Once Qt's network module is loaded: route every non-loopback connection to a dead port.

        Qt resolves nothing itself when it goes through a proxy, and the proxy here is a port on
        127.0.0.1 that nothing listens on, so the refused request never leaves the machine.
        """
        if self._qt_factory is not None or "PySide6.QtNetwork" not in sys.modules:
            return
        from PySide6.QtNetwork import QNetworkProxy, QNetworkProxyFactory

        self._sink = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sink.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        sink_port = self._sink.getsockname()[1]
        guard = self

        class LoopbackOnly(QNetworkProxyFactory):
            def queryProxy(self, query):
                host = query.peerHostName() or query.url().host()
                if is_loopback(host):
                    return [QNetworkProxy(QNetworkProxy.ProxyType.NoProxy)]
                guard.refuse(f"Qt connection to {query.url().toString() or host}")
                return [QNetworkProxy(QNetworkProxy.ProxyType.HttpProxy, "127.0.0.1", sink_port)]

        self._qt_factory = LoopbackOnly()
        QNetworkProxyFactory.setApplicationProxyFactory(self._qt_factory)

    def take(self) -> list[str]:
        found, self.violations = self.violations, []
        return found


class SmallDisk:
    """A real, tiny file system (tmpfs) mounted in a test's folder: full and read-only as the kernel
    makes them, with the errors a user's disk gives, not as a mock says."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._filler = path / "filler.bin"

    def fill(self, leave: int) -> None:
        """Take all but about `leave` bytes of the free space."""
        free = os.statvfs(self.path).f_bavail * os.statvfs(self.path).f_frsize
        with open(self._filler, "ab") as handle:
            handle.write(b"\0" * max(0, free - leave))
        assert os.statvfs(self.path).f_bavail * os.statvfs(self.path).f_frsize <= leave

    def make_room(self) -> None:
        self._filler.unlink(missing_ok=True)

    def read_only(self, read_only: bool = True) -> None:
        option = "remount,ro" if read_only else "remount,rw"
        subprocess.run(["mount", "-o", option, str(self.path)], check=True, capture_output=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A 512 KB tmpfs at tmp_path/disk. Needs the right to mount (root, as on CI); skipped without it."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=512k", "newsdesk-test", str(mount_point)],
            capture_output=True,
            text=True,
        )
        if shutil.which("mount")
        else None
    )
    if mounted is None or mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here ({mounted.stderr.strip() if mounted else 'no mount'})")
    try:
        yield SmallDisk(mount_point)
    finally:
        # Lazily: a watcher of the window under test may still hold the folder open for a moment.
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


_NETWORK_GUARD = NetworkGuard()


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    """Fails the test that tried to reach any host but 127.0.0.1 (the attempt itself is refused)."""
    _NETWORK_GUARD.install_qt_guard()
    _NETWORK_GUARD.patch_sockets(monkeypatch)
    _NETWORK_GUARD.take()
    yield _NETWORK_GUARD
    _NETWORK_GUARD.install_qt_guard()  # a test that first loaded Qt's network module guards the next ones
    attempts = _NETWORK_GUARD.take()
    if attempts:
        pytest.fail("this test tried to reach the network beyond 127.0.0.1: " + "; ".join(attempts), pytrace=False)
