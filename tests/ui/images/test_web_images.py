"""No test reaches the internet, and the "Load Web Images" preference decides whether the desk does."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from http_fixtures import ImageServer, image_server_fixture  # noqa: F401 - fixture
from PySide6.QtCore import QUrl
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest
from PySide6.QtWidgets import QMenu

from desktop.ui.images.reasons import WEB_IMAGES_OFF
from desktop.ui.settings import LOAD_WEB_IMAGES, DeskSettings

# TEST-NET-1 (RFC 5737): documentation addresses, never routed; the guard refuses them before any packet.
OUTSIDE_HOST = "192.0.2.10"


# --- the suite-wide guard -------------------------------------------------------------------


def test_guard_refuses_a_python_connection_beyond_loopback(network_guard):
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as raw,
        pytest.raises(OSError, match="only connect to 127.0.0.1"),
    ):
        raw.connect((OUTSIDE_HOST, 80))
    with pytest.raises(socket.gaierror):
        socket.create_connection(("example.com", 443), timeout=1)
    assert network_guard.take() == [f"socket connect to {OUTSIDE_HOST}", "DNS lookup of example.com"]
    with socket.create_server(("127.0.0.1", 0)) as server:  # loopback stays open to tests
        socket.create_connection(server.getsockname(), timeout=1).close()
    assert network_guard.violations == []


def test_guard_refuses_a_qt_request_beyond_loopback(qtbot, network_guard, image_server: ImageServer):
    manager = QNetworkAccessManager()
    local = manager.get(QNetworkRequest(QUrl(image_server.url("/red.png"))))
    outside = manager.get(QNetworkRequest(QUrl(f"http://{OUTSIDE_HOST}/x.png")))
    qtbot.waitUntil(lambda: local.isFinished() and outside.isFinished(), timeout=5_000)
    assert local.error() == QNetworkReply.NetworkError.NoError
    assert outside.error() != QNetworkReply.NetworkError.NoError
    assert network_guard.take() == [f"Qt connection to http://{OUTSIDE_HOST}/x.png"]
    manager.clearConnectionCache()


# --- the preference -------------------------------------------------------------------------


def record_with_image(folder: Path, url: str) -> Path:
    path = folder / "with-image.md"
    path.write_text(
        "---\n"
        'title: "A story with a picture"\n'
        "quality: 50\n"
        "published: false\n"
        "images:\n"
        f'  - url: "{url}"\n'
        "    width: 320\n"
        "    height: 200\n"
        "---\n",
        encoding="utf-8",
    )
    return path


def tile_states(window) -> list[tuple[str, str]]:
    return [(t.state, t.reason) for t in window.reviewPane.imageStrip.thumbnails()]


def test_seed_images_stay_unrequested_while_web_images_are_off(desk, qtbot, network_guard):
    strip = desk.reviewPane.imageStrip
    assert not desk.registry["actionLoadWebImages"].isChecked()
    assert strip.loader().downloads_in_flight() == 0
    qtbot.waitUntil(lambda: tile_states(desk) == [("failed", WEB_IMAGES_OFF)], timeout=5_000)
    tile = strip.thumbnails()[0]
    assert tile.status_text() == "Web images are off"
    assert "View &gt; Load Web Images" in tile.toolTip()
    assert network_guard.violations == []


def test_load_web_images_toggles_the_strip_and_is_remembered(open_desk, qtbot, tmp_path, image_server: ImageServer):
    folder = tmp_path / "records"
    folder.mkdir()
    record_with_image(folder, image_server.url("/red.png"))
    window = open_desk(folder)
    action = window.registry["actionLoadWebImages"]
    assert action in window.findChild(QMenu, "menuView").actions()
    assert action.isCheckable() and not action.isChecked()
    qtbot.waitUntil(lambda: tile_states(window) == [("failed", WEB_IMAGES_OFF)], timeout=5_000)
    assert image_server.hits.get("/red.png", 0) == 0

    action.trigger()  # View > Load Web Images: the record shown loads its image at once
    qtbot.waitUntil(lambda: tile_states(window) == [("loaded", "")], timeout=5_000)
    assert image_server.hits["/red.png"] == 1
    window.close()

    again = open_desk(folder)  # the next launch remembers the choice
    assert again.registry["actionLoadWebImages"].isChecked()
    qtbot.waitUntil(lambda: tile_states(again) == [("loaded", "")], timeout=5_000)

    again.registry["actionLoadWebImages"].trigger()  # off: the tile says so rather than keeping the picture
    qtbot.waitUntil(lambda: tile_states(again) == [("failed", WEB_IMAGES_OFF)], timeout=5_000)
    again.close()
    assert DeskSettings().value(LOAD_WEB_IMAGES) is False


def test_turning_web_images_off_stops_a_download_in_flight(
    open_desk, qtbot, tmp_path, image_server: ImageServer, web_images_on
):
    folder = tmp_path / "records"
    folder.mkdir()
    record_with_image(folder, image_server.url("/slow.png"))
    window = open_desk(folder)
    loader = window.reviewPane.imageStrip.loader()
    qtbot.waitUntil(lambda: loader.downloads_in_flight() == 1, timeout=5_000)
    window.registry["actionLoadWebImages"].trigger()
    assert loader.downloads_in_flight() == 0
    qtbot.waitUntil(lambda: tile_states(window) == [("failed", WEB_IMAGES_OFF)], timeout=5_000)


def test_a_loaded_image_is_checked_against_its_declared_size_without_an_online_check(
    open_desk, qtbot, tmp_path, image_server: ImageServer, web_images_on
):
    # Red is 320 x 200 but declared 640 x 400; green is 120 x 80, as declared, but below the minimum.
    folder = tmp_path / "records"
    folder.mkdir()
    path = folder / "two-images.md"
    path.write_text(
        "---\n"
        'title: "A story with two pictures"\n'
        "quality: 50\n"
        "published: false\n"
        "images:\n"
        f'  - url: "{image_server.url("/red.png")}"\n'
        "    width: 640\n"
        "    height: 400\n"
        f'  - url: "{image_server.url("/green.png")}"\n'
        "    width: 120\n"
        "    height: 80\n"
        "---\n",
        encoding="utf-8",
    )
    window = open_desk(folder)
    assert not window.registry["actionCheckLinks"].isChecked()
    qtbot.waitUntil(lambda: [state for state, _ in tile_states(window)] == ["loaded", "loaded"], timeout=5_000)
    qtbot.waitUntil(lambda: len(window.model.warnings_of(str(path))) == 2, timeout=5_000)
    found = {(p.line, p.message) for p in window.model.warnings_of(str(path))}
    assert found == {
        (6, f"image {image_server.url('/red.png')} is 320 x 200, not 640 x 400 as the record says"),
        (9, f"image {image_server.url('/green.png')} is 120 x 80, smaller than 200 pixels"),
    }
    view = window.reviewPane.problemsView
    shown = [view.item(row).text() for row in range(view.count())]
    assert any("is 320 x 200, not 640 x 400" in line and line.startswith("Warning") for line in shown), shown
    assert window.model.has_warnings(window.model.row_for_path(str(path)))
    assert window.registry["actionApproveNext"].isEnabled(), "a warning does not stop approval"
    assert image_server.hits == {"/red.png": 1, "/green.png": 1}, "measured from the thumbnails, no extra request"
