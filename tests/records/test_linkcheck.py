"""Link and image checks against a real HTTP server on 127.0.0.1; nothing reaches another host."""

from __future__ import annotations

from pathlib import Path

from link_server import gif_header, jpeg_header, link_server, png_header  # noqa: F401

from desktop.records.checks import all_problems, folder_problems
from desktop.records.linkcheck import IMAGE, PAGE, LinkChecker, image_size
from desktop.records.model import WARNING
from desktop.records.scan import summarize_file

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_fbf05e2be9931d54.txt"


def checker(tmp_path: Path, **options) -> LinkChecker:
    options.setdefault("timeout", 5.0)
    return LinkChecker(tmp_path / "cache" / "links.sqlite3", **options)


def test_headers_give_the_real_size():
    assert image_size(png_header(640, 480)) == (640, 480)
    assert image_size(gif_header(31, 7)) == (31, 7)
    assert image_size(jpeg_header(1024, 576)) == (1024, 576)
    assert image_size(b"<html>") is None


def test_each_answer_is_told_apart(tmp_path, link_server):
    links = {
        name: link_server.url(path)
        for name, path in {
            "ok": "/ok",
            "moved": "/moved/2",
            "gone": "/gone",
            "broken": "/broken",
            "no_head": "/no-head",
            "reset": "/reset",
            "loop": "/moved/9",
        }.items()
    }
    results = checker(tmp_path).check((url, PAGE) for url in links.values())
    ok, moved, gone, broken, no_head, reset, loop = (results[links[name]] for name in links)
    assert (ok.status, ok.broken, ok.redirects) == (200, False, 0)
    assert (moved.status, moved.redirects, moved.final_url) == (200, 3, link_server.url("/ok"))
    assert (gone.status, gone.broken) == (404, True) and (broken.status, broken.broken) == (500, True)
    assert (no_head.status, no_head.broken) == (200, False)
    assert link_server.hits["/no-head"] == 2  # HEAD refused, then a ranged GET
    assert reset.broken and reset.error
    assert loop.broken and "redirects" in loop.error


def test_a_slow_server_is_a_timeout(tmp_path, link_server):
    result = checker(tmp_path, timeout=0.5).check([(link_server.url("/slow"), PAGE)])
    assert result[link_server.url("/slow")].error == "timed out"


def test_failures_are_named_as_an_editor_reads_them():
    import socket
    import ssl

    from desktop.records.linkcheck import _why

    # The suite may not look names up (nothing leaves 127.0.0.1), so these are the errors urllib raises.
    assert _why(socket.gaierror(-2, "Name or service not known")) == "DNS lookup failed"
    assert _why(ssl.SSLCertVerificationError(1, "certificate verify failed")).startswith("TLS error")
    assert _why(TimeoutError()) == "timed out"


def test_a_second_check_within_the_cache_age_makes_no_request(tmp_path, link_server):
    urls = [
        (link_server.url("/ok"), PAGE),
        (link_server.url("/gone"), PAGE),
        (link_server.url("/image/10x10.png"), IMAGE),
    ]
    first = checker(tmp_path).check(urls)
    hits = sum(link_server.hits.values())
    again = checker(tmp_path)
    assert again.check(urls) == first
    assert (again.requests, sum(link_server.hits.values())) == (0, hits)
    stale = checker(tmp_path, max_age=0)
    stale.check(urls)
    assert stale.requests == 3 and sum(link_server.hits.values()) == hits + 3


def test_requests_to_one_host_are_limited(tmp_path, link_server, monkeypatch):
    import threading

    from desktop.records import linkcheck

    busy, most = [0], [0]
    lock = threading.Lock()
    request = linkcheck.LinkChecker._request

    def counting(self, url, method):
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        try:
            return request(self, url, method)
        finally:
            with lock:
                busy[0] -= 1

    monkeypatch.setattr(linkcheck.LinkChecker, "_request", counting)
    urls = [(link_server.url(f"/ok?n={n}"), PAGE) for n in range(12)]
    checker(tmp_path, per_host=2, overall=8).check(urls)
    assert most[0] <= 2 and link_server.hits["/ok"] == 12


def record_with_links(folder: Path, server) -> Path:
    text = SEED.read_text(encoding="utf-8")
    text = text.replace(
        "https://www.thestreet.com/streetlightning/news/jim-cramer-amazon-facial-recognition-rekognition",
        server.url("/moved/1"),
        1,
    )
    text = text.replace(
        "https://imageproxy.themaven.net/https%3A%2F%2Fimages.saymedia-content.com%2F.image%2F"
        "MTcxOTIxMjQ0MTY4Mzk4MTQ2%2Famazon1.jpg?w=1024&q=40&h=576&auto=format&fit=max",
        server.url("/image/512x288.png"),
        1,
    )
    # Every other address of the seed points at the local server too: dead, fine, or an image.
    for old, new in (("https://techcrunch.com/2020/06/10/amazon-rekognition-moratorium/", server.url("/gone")),):
        text = text.replace(old, new)
    import re

    text = re.sub(
        r'(url|webUrl|ampWebUrl|cdnAmpWebUrl): "https://[^"]+"',
        lambda match: f'{match.group(1)}: "{server.url("/image/1200x630.jpg" if match.group(1) == "url" else "/ok")}"',
        text,
    )
    path = folder / "links.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_record_s_links_become_warnings_on_their_lines(tmp_path, link_server):
    folder = tmp_path / "records"
    folder.mkdir()
    path = record_with_links(folder, link_server)
    summary = summarize_file(path)
    problems = all_problems(summary, folder_problems([summary], online=True, checker=checker(tmp_path)))
    assert all(problem.level == WARNING for problem in problems)
    messages = {(problem.line, problem.message) for problem in problems}
    assert (6, f"link {link_server.url('/moved/1')} has moved to {link_server.url('/ok')} (2 redirects)") in messages
    image = link_server.url("/image/512x288.png")
    assert (23, f"image {image} is 512 x 288, not 1024 x 576 as the record says") in messages
    assert (33, f"link {link_server.url('/gone')} answers 404 Not Found") in messages
    assert not any(problem.code == "image" and problem.line != 23 for problem in problems)  # declared 1200 x 630 fit


def test_without_online_no_request_is_made(tmp_path, link_server):
    path = record_with_links(tmp_path, link_server)
    summary = summarize_file(path)
    folder_problems([summary], online=False)
    assert sum(link_server.hits.values()) == 0


def test_a_page_given_as_an_image_and_a_tiny_image_are_warned_about(tmp_path, link_server):
    from desktop.records.checks import Link, link_problems

    results = checker(tmp_path).check(
        [(link_server.url("/not-an-image"), IMAGE), (link_server.url("/image/40x30.gif"), IMAGE)]
    )
    page = Link(link_server.url("/not-an-image"), IMAGE, "$.images[0].url", 20, 10, (40, 30))
    tiny = Link(link_server.url("/image/40x30.gif"), IMAGE, "$.images[1].url", 25, 10, (40, 30))
    [not_image] = link_problems(page, results[page.url])
    assert "is not an image (text/html)" in not_image.message
    [small] = link_problems(tiny, results[tiny.url], min_image_size=100)
    assert small.message.endswith("is 40 x 30, smaller than 100 pixels")


def test_one_slow_host_does_not_hold_back_the_others(tmp_path, link_server):
    import time

    slow = [(link_server.url(f"/slow?{n}"), PAGE) for n in range(4)]
    # The same server under a second host name: another host to the checker's limits.
    fast = [(link_server.url(path).replace("127.0.0.1", "localhost"), PAGE) for path in ("/ok", "/gone")]
    links_checker = checker(tmp_path, overall=3, per_host=2, max_age=0)
    started, first_two = time.monotonic(), []

    def progress(done: int, total: int) -> None:
        if done == 2:
            first_two.append(time.monotonic() - started)
            links_checker.cancel()  # the slow links still waiting are not needed for this

    results = links_checker.check(slow + fast, progress)
    assert first_two and first_two[0] < 1.5  # the slow host's answers take 3 s each
    assert {url for url, _ in fast} <= set(results)
