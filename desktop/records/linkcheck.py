"""Link health: does each address of a record still answer, and is each image what it claims?

http(s) only, through urllib: a page is asked with HEAD, and with a ranged GET when the server
refuses HEAD (405, 501); an image always with a ranged GET of its first bytes, whose header gives
the real size (PNG, JPEG, GIF, WebP) without decoding it. Redirects are followed by hand to a limit,
so each hop is known and only http(s) hops are taken. Requests are limited per host and overall;
answers are kept with their date in the index of the folder checked (its own table in the same
database, see index.py; an sqlite file in the user's cache when no one folder is checked), and an
address checked within `max_age` seconds is not asked again. Qt-free; the window runs it on a
worker thread.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import socket
import sqlite3
import ssl
import struct
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..paths import user_cache_dir

PAGE = "page"
IMAGE = "image"

DEFAULT_LINK_MAX_AGE = 24 * 3600.0  # seconds; the command line and the window's settings show it in hours
DEFAULT_LINK_TIMEOUT = 10.0
MAX_REDIRECTS = 5
PER_HOST = 2
OVERALL = 8
# An image's header is in its first bytes (a JPEG's size can follow a large EXIF block).
SNIFF_BYTES = 64 * 1024
# Pixels past which a thumbnail viewer would refuse to decode the image.
MAX_PIXELS = 50_000_000
_USER_AGENT = "Newsdesk link check (+https://example.invalid/newsdesk)"


@dataclass(frozen=True)
class LinkResult:
    """What an address answered: status (None when there was no answer), where it ended after
    redirects, why it failed, and for an image its real size."""

    url: str
    kind: str = PAGE
    status: int | None = None
    reason: str = ""
    final_url: str = ""
    redirects: int = 0
    error: str = ""  # "DNS lookup failed", "timed out", "TLS error: ...", "connection reset", ...
    content_type: str = ""
    size: tuple[int, int] | None = None  # an image's width and height, read from its header
    checked_at: float = 0.0

    @property
    def broken(self) -> bool:
        return bool(self.error) or self.status is None or self.status >= 400

    def as_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> LinkResult:
        fields = json.loads(text)
        if fields.get("size") is not None:
            fields["size"] = tuple(fields["size"])
        return cls(**fields)


def default_cache_path() -> Path:
    return user_cache_dir() / "links.sqlite3"


def folder_cache_path(folder: str | Path) -> Path:
    """Where the answers about one folder's links are kept: in that folder's index."""
    from .index import index_path  # the index is the larger import, needed only here

    return index_path(folder)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the checker follows them itself, hop by hop
        return None


class LinkChecker:
    """Checks addresses with limits and a dated cache; `requests` counts what went on the wire."""

    def __init__(
        self,
        cache_path: Path | None = None,
        *,
        max_age: float = DEFAULT_LINK_MAX_AGE,
        timeout: float = DEFAULT_LINK_TIMEOUT,
        per_host: int = PER_HOST,
        overall: int = OVERALL,
        max_redirects: int = MAX_REDIRECTS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache_path = cache_path if cache_path is not None else default_cache_path()
        self.max_age = max_age
        self.timeout = timeout
        self.per_host = per_host
        self.overall = overall
        self.max_redirects = max_redirects
        self._clock = clock
        self._host_limits: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(self.per_host))
        self._limits_lock = threading.Lock()
        self._opener = urllib.request.build_opener(_NoRedirects())
        self.requests = 0
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Any thread: ask no more addresses; `check` returns what was answered so far."""
        self._cancelled.set()

    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(
        self, links: Iterable[tuple[str, str]], progress: Callable[[int, int], None] | None = None
    ) -> dict[str, LinkResult]:
        """{url: result} for (url, kind) pairs; cached answers younger than max_age are reused."""
        wanted = dict.fromkeys(links)
        cached = self._cached(wanted)
        results = dict(cached)
        missing = [(url, kind) for url, kind in wanted if url not in cached]
        done = len(results)
        if progress is not None:
            progress(done, len(wanted))
        if missing:
            lock = threading.Lock()

            def keep(result: LinkResult) -> None:
                nonlocal done
                with lock:
                    results[result.url] = result
                    done += 1
                    if progress is not None:
                        progress(done, len(wanted))

            self._check_by_host(missing, keep)
            self._store([results[url] for url, _ in missing if url in results])
        return results

    def _check_by_host(self, links: list[tuple[str, str]], keep: Callable[[LinkResult], None]) -> None:
        """Check `links` on `overall` threads, a worker only ever taking a link whose host has a free
        slot: handed out in order, one slow host's links would hold every worker waiting for that
        host's limit while the other hosts' links queue behind them."""
        pending: dict[str, deque[tuple[str, str]]] = defaultdict(deque)
        for url, kind in links:
            pending[_host(url)].append((url, kind))
        active: Counter[str] = Counter()
        turn = threading.Condition()

        def take() -> tuple[str, tuple[str, str]] | None:
            with turn:
                while pending and not self._cancelled.is_set():
                    free = [host for host in pending if active[host] < self.per_host]
                    if free:
                        host = min(free, key=lambda name: active[name])  # the least busy host goes first
                        link = pending[host].popleft()
                        if not pending[host]:
                            del pending[host]
                        active[host] += 1
                        return host, link
                    turn.wait(0.1)  # woken by a finished link; the timeout notices a cancel
                return None

        def work() -> None:
            while (taken := take()) is not None:
                host, link = taken
                try:
                    result = self._check_one(*link)
                finally:
                    with turn:
                        active[host] -= 1
                        turn.notify_all()
                if result is not None:
                    keep(result)

        workers = max(1, min(self.overall, len(links)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
            for future in [pool.submit(work) for _ in range(workers)]:
                future.result()

    # ------------------------------------------------------------------ the cache

    def _connect(self) -> sqlite3.Connection:
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.cache_path, timeout=10)
        connection.execute(
            "CREATE TABLE IF NOT EXISTS links (url TEXT, kind TEXT, checked_at REAL, result TEXT, "
            "PRIMARY KEY (url, kind))"
        )
        return connection

    def _cached(self, wanted: dict[tuple[str, str], None]) -> dict[str, LinkResult]:
        if self.max_age <= 0 or not wanted:
            return {}
        oldest = self._clock() - self.max_age
        found = {}
        try:
            connection = self._connect()
            try:
                for url, kind in wanted:
                    row = connection.execute(
                        "SELECT result FROM links WHERE url = ? AND kind = ? AND checked_at >= ?", (url, kind, oldest)
                    ).fetchone()
                    if row is not None:
                        found[url] = LinkResult.from_json(row[0])
            finally:
                connection.close()
        except (sqlite3.Error, OSError, ValueError, TypeError):
            return {}  # an unreadable cache costs requests, never the check
        return found

    def _store(self, results: list[LinkResult]) -> None:
        # A timeout says nothing lasting about the link: it is asked again next time.
        lasting = [result for result in results if result.error != "timed out"]
        if not lasting:
            return
        try:
            connection = self._connect()
            try:
                with connection:
                    connection.executemany(
                        "INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?)",
                        [(r.url, r.kind, r.checked_at, r.as_json()) for r in lasting],
                    )
            finally:
                connection.close()
        except (sqlite3.Error, OSError):
            pass

    # ------------------------------------------------------------------ one address

    def _host_limit(self, url: str) -> threading.Semaphore:
        with self._limits_lock:
            return self._host_limits[_host(url)]

    def _check_one(self, url: str, kind: str) -> LinkResult | None:
        if self._cancelled.is_set():
            return None
        checked_at = self._clock()
        current, redirects = url, 0
        while True:
            if urlsplit(current).scheme.lower() not in ("http", "https"):
                return LinkResult(
                    url,
                    kind,
                    final_url=current,
                    redirects=redirects,
                    checked_at=checked_at,
                    error="not an http(s) address",
                )
            with self._host_limit(current):
                answer = self._ask(current, kind)
            status, reason, headers, body, error = answer
            location = headers.get("Location") if headers is not None else None
            if status is not None and 300 <= status < 400 and location:
                redirects += 1
                current = urljoin(current, location)
                if redirects > self.max_redirects:
                    return LinkResult(
                        url,
                        kind,
                        status,
                        reason,
                        current,
                        redirects,
                        checked_at=checked_at,
                        error=f"more than {self.max_redirects} redirects",
                    )
                continue
            content_type = (headers.get("Content-Type", "") if headers is not None else "").split(";")[0].strip()
            size = image_size(body) if kind == IMAGE and body else None
            return LinkResult(url, kind, status, reason, current, redirects, error, content_type, size, checked_at)

    def _ask(self, url: str, kind: str):
        """(status, reason, headers, first bytes, error) of one request, falling back from HEAD."""
        methods = ("GET",) if kind == IMAGE else ("HEAD", "GET")
        answer = None
        for method in methods:
            answer = self._request(url, method)
            if answer[0] not in (405, 501):
                break
        return answer

    def _request(self, url: str, method: str):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": _USER_AGENT})
        if method == "GET":
            request.add_header("Range", f"bytes=0-{SNIFF_BYTES - 1}")
        with self._limits_lock:
            self.requests += 1
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = response.read(SNIFF_BYTES) if method == "GET" else b""
                return response.status, response.reason, response.headers, body, ""
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code, str(answer.reason or ""), answer.headers, b"", ""
        except urllib.error.URLError as failure:
            return None, "", None, b"", _why(failure.reason)
        except (OSError, http.client.HTTPException, ValueError) as failure:
            return None, "", None, b"", _why(failure)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _why(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "DNS lookup failed"
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {getattr(reason, 'reason', None) or reason}"
    if isinstance(reason, (ConnectionResetError, http.client.RemoteDisconnected, ConnectionAbortedError)):
        return "connection reset"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    return str(reason) or type(reason).__name__


# --------------------------------------------------------------------------- image headers

_JPEG_SIZE_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def image_size(head: bytes) -> tuple[int, int] | None:
    """(width, height) from an image's first bytes (PNG, JPEG, GIF, WebP), None when not an image."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and len(head) >= 24:
        return struct.unpack(">II", head[16:24])
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        return struct.unpack("<HH", head[6:10])
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _webp_size(head)
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(head)
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(head) >= 30:
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    return None


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    position = 2
    while position + 9 <= len(head):
        if head[position] != 0xFF:
            return None
        marker = head[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        length = struct.unpack(">H", head[position + 2 : position + 4])[0]
        if marker in _JPEG_SIZE_MARKERS:
            height, width = struct.unpack(">HH", head[position + 5 : position + 9])
            return width, height
        position += 2 + length
    return None
