"""The review pane's image strip against a real HTTP server and real files: what an editor sees for each image."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from http_fixtures import ImageServer, closed_port, image_bytes, image_server_fixture  # noqa: F401 - fixture
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from desktop.ui.images import loader as image_loading
from desktop.ui.images import strip as images_module
from desktop.ui.images.decode import decode_image
from desktop.ui.images.loader import ImageLoader
from desktop.ui.images.reasons import (
    FILE_NOT_FOUND,
    NOT_AN_IMAGE,
    NOT_FOUND,
    OFFLINE,
    OUTSIDE_FOLDER,
    TIMED_OUT,
    TOO_LARGE,
    UNSAFE_REDIRECT,
    UNSUPPORTED_LINK,
)
from desktop.ui.images.sources import resolve_image_source
from desktop.ui.images.strip import ImageStrip, ImageThumbnail
from desktop.ui.images.viewer import ImageViewer


@pytest.fixture(autouse=True)
def _web_images_on(web_images_on):
    """Every image here comes from the 127.0.0.1 server or a temporary folder."""


HOSTILE_TITLE = 'Look <b>bold</b> <img src="http://evil.example/x.png"> & more'


@pytest.fixture
def loader(qapp, tmp_path):
    loader = ImageLoader(cache_dir=tmp_path / "image-cache")
    yield loader
    loader.shutdown()
    loader.deleteLater()


def hosted_strip(qtbot, loader: ImageLoader) -> ImageStrip:
    """A strip inside a window, as in the review pane (a fixed-height top-level window makes Qt warn offscreen)."""
    host = QWidget()
    host.setObjectName("stripHost")
    layout = QVBoxLayout(host)
    strip = ImageStrip(loader, host)
    layout.addWidget(strip)
    qtbot.addWidget(host)
    host.resize(720, 200)
    host.show()
    strip.host = host  # qtbot holds widgets weakly; the host (and so the strip) lives as long as the test
    return strip


@pytest.fixture
def strip(qtbot, loader):
    strip = hosted_strip(qtbot, loader)
    yield strip
    strip.clear()


def wait_settled(qtbot, strip: ImageStrip, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: all(t.state != "loading" for t in strip.thumbnails()), timeout=timeout)


def states(strip: ImageStrip) -> list[tuple[str, str]]:
    return [(t.state, t.reason) for t in strip.thumbnails()]


def centre_colour(thumbnail: ImageThumbnail) -> QColor:
    pixmap = thumbnail.pixmap()
    assert pixmap is not None
    image = pixmap.toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2)


# --- Loading over HTTP --------------------------------------------------------------------------


def test_each_http_outcome_gets_its_own_placeholder(qtbot, strip, image_server: ImageServer):
    strip.set_images(
        [
            {"url": image_server.url("/red.png"), "width": 320, "height": 200},
            {"url": image_server.url("/blue.jpg")},
            {"url": image_server.url("/missing.jpg")},
            {"url": image_server.url("/error.png")},
            {"url": image_server.url("/page.jpg")},
            {"url": image_server.url("/huge-header.png")},
            {"url": f"http://127.0.0.1:{closed_port()}/gone.png"},
        ],
        None,
    )
    assert [t.state for t in strip.thumbnails()] == ["loading"] * 7
    wait_settled(qtbot, strip)
    assert states(strip) == [
        ("loaded", ""),
        ("loaded", ""),
        ("failed", NOT_FOUND),
        ("failed", "HTTP 500"),
        ("failed", NOT_AN_IMAGE),
        ("failed", TOO_LARGE),
        ("failed", OFFLINE),
    ]
    red, blue = strip.thumbnails()[:2]
    # Decoded down to the thumbnail box with the aspect kept, never the full 320 x 200.
    assert red.pixmap().size() == QSize(160, 100)
    assert blue.pixmap().size() == QSize(133, 100)
    assert centre_colour(red).name() == "#d03030"
    assert red.result.real_size == (320, 200)
    assert strip.loader().pending() == 0


def test_redirects_are_followed_only_to_the_web(qtbot, strip, image_server):
    strip.set_images(
        [
            {"url": image_server.url("/redirect-to-red")},
            {"url": image_server.url("/redirect-to-file")},
            {"url": image_server.url("/redirect-loop")},
        ],
        None,
    )
    wait_settled(qtbot, strip)
    assert states(strip) == [("loaded", ""), ("failed", UNSAFE_REDIRECT), ("failed", image_loading.TOO_MANY_REDIRECTS)]
    # The first request and MAX_REDIRECTS followed; Qt may resend any of them once when the server's
    # "Connection: close" races its next request (a CI run saw 8 hits), so the bound allows one resend per hop.
    assert image_server.hits["/redirect-loop"] <= 2 * (image_loading.MAX_REDIRECTS + 1)


def test_a_strip_without_a_shared_loader_makes_its_own(qtbot, image_server):
    host = QWidget()
    layout = QVBoxLayout(host)
    strip = ImageStrip(parent=host)
    layout.addWidget(strip)
    qtbot.addWidget(host)
    host.show()
    try:
        assert strip.loader().parent() is strip
        assert strip.loader().cache_directory() == image_loading.default_cache_dir()
        strip.set_images([{"url": image_server.url("/green.png")}], None)
        wait_settled(qtbot, strip)
        assert states(strip) == [("loaded", "")]
    finally:
        strip.clear()
        strip.loader().shutdown()


def test_declared_content_length_over_the_limit_is_aborted_early(qtbot, strip, image_server):
    strip.set_images([{"url": image_server.url("/huge-length.jpg")}], None)
    wait_settled(qtbot, strip)
    assert states(strip) == [("failed", TOO_LARGE)]
    # The server sent 1 KB of a declared 50 MB and saw the client hang up, long before its 5 s bound.
    qtbot.waitUntil(lambda: "/huge-length.jpg" in image_server.aborted, timeout=3000)


def test_a_silent_server_times_out(qtbot, qapp, tmp_path, image_server):
    loader = ImageLoader(cache_dir=tmp_path / "cache", transfer_timeout_ms=300)
    strip = hosted_strip(qtbot, loader)
    try:
        strip.set_images([{"url": image_server.url("/stall.png")}], None)
        wait_settled(qtbot, strip, timeout=4000)
        assert states(strip) == [("failed", TIMED_OUT)]
    finally:
        strip.clear()
        loader.shutdown()


def test_moving_on_aborts_the_pending_download_and_its_result_never_appears(qtbot, strip, image_server):
    strip.set_images([{"url": image_server.url("/slow.png"), "title": "old record"}], None)
    qtbot.waitUntil(lambda: image_server.hits.get("/slow.png") == 1, timeout=3000)
    assert strip.loader().downloads_in_flight() == 1
    seen: list[tuple[int, str]] = []
    strip.imageStateChanged.connect(lambda index, state: seen.append((index, state)))

    strip.set_images([{"url": image_server.url("/green.png"), "title": "new record"}], None)

    qtbot.waitUntil(lambda: "/slow.png" in image_server.aborted, timeout=3000)
    wait_settled(qtbot, strip)
    qtbot.wait(300)  # room for a stray late answer to arrive, if one were coming
    assert seen == [(0, "loaded")]
    (thumbnail,) = strip.thumbnails()
    assert thumbnail.entry.title == "new record"
    assert centre_colour(thumbnail).name() == "#30a040"
    assert strip.loader().pending() == 0


def test_a_decode_finishing_after_the_editor_moved_on_is_dropped(qtbot, strip, image_server):
    loader = strip.loader()
    pool = loader.thread_pool()
    release = threading.Event()
    for _ in range(pool.maxThreadCount()):  # hold every decode thread so the old decode waits in the queue
        pool.start(lambda: release.wait(5))
    try:
        strip.set_images([{"url": image_server.url("/red.png")}], None)
        qtbot.waitUntil(lambda: loader.decodes_in_flight() == 1, timeout=3000)
        old_generation = strip.generation()
        seen: list[tuple[int, str]] = []
        strip.imageStateChanged.connect(lambda index, state: seen.append((index, state)))
        strip.set_images([{"url": image_server.url("/green.png")}], None)
        assert strip.generation() > old_generation
    finally:
        release.set()
    wait_settled(qtbot, strip)
    qtbot.waitUntil(lambda: pool.activeThreadCount() == 0 and loader.pending() == 0, timeout=3000)
    qtbot.wait(100)
    assert seen == [(0, "loaded")]
    assert centre_colour(strip.thumbnails()[0]).name() == "#30a040"


def test_decoding_runs_off_the_ui_thread(qtbot, strip, image_server, tmp_path, monkeypatch):
    decoded_on: list[int] = []
    real_decode = image_loading.decode_image

    def recording_decode(payload, fit):
        decoded_on.append(threading.get_ident())
        return real_decode(payload, fit)

    monkeypatch.setattr(image_loading, "decode_image", recording_decode)
    (tmp_path / "local.png").write_bytes(image_bytes(50, 50, "#30a040"))
    strip.set_images([{"url": image_server.url("/red.png")}, {"url": "local.png"}], tmp_path)
    wait_settled(qtbot, strip)
    assert [t.state for t in strip.thumbnails()] == ["loaded", "loaded"]
    assert len(decoded_on) == 2 and threading.get_ident() not in decoded_on


def test_clear_cancels_everything_and_shows_the_empty_state(qtbot, strip, image_server):
    strip.set_images([{"url": image_server.url("/slow.png")}], None)
    qtbot.waitUntil(lambda: image_server.hits.get("/slow.png") == 1, timeout=3000)
    strip.clear()
    assert strip.thumbnails() == []
    assert strip.loader().pending() == 0
    qtbot.waitUntil(lambda: "/slow.png" in image_server.aborted, timeout=3000)
    empty = strip.findChild(QLabel, "imageStripEmpty")
    assert empty.isVisible() and empty.text() == "No images"


def test_images_go_through_the_disk_cache(qtbot, strip, image_server):
    url = image_server.url("/cacheable-once.png")
    strip.set_images([{"url": url}], None)
    wait_settled(qtbot, strip)
    assert strip.thumbnails()[0].state == "loaded"
    assert not strip.thumbnails()[0].result.from_cache
    assert any(strip.loader().cache_directory().rglob("*.d")), "nothing written to the disk cache"

    strip.set_images([{"url": url}], None)
    wait_settled(qtbot, strip)
    assert strip.thumbnails()[0].state == "loaded"
    assert strip.thumbnails()[0].result.from_cache
    assert image_server.hits["/cacheable-once.png"] == 1


def test_default_cache_lives_in_the_users_cache_folder(qapp):
    import os

    cache_home = Path(os.environ["XDG_CACHE_HOME"]).resolve()
    assert image_loading.default_cache_dir().resolve().is_relative_to(cache_home)
    assert image_loading.default_cache_dir().name == "images"


# --- Local files and refused links --------------------------------------------------------------


def test_relative_paths_load_from_the_record_folder_and_nothing_outside_it(qtbot, strip, tmp_path):
    folder = tmp_path / "records"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "local.png").write_bytes(image_bytes(200, 100, "#30a040"))
    (folder / "img" / "fake.jpg").write_text("<html>not a picture</html>")
    (tmp_path / "secret.png").write_bytes(image_bytes(10, 10, "#000000"))
    strip.set_images(
        [
            {"url": "img/local.png", "width": 200, "height": 100},
            {"url": (folder / "img" / "local.png").as_uri()},
            {"url": "img/fake.jpg"},
            {"url": "img/absent.png"},
            {"url": "../secret.png"},
            {"url": str(tmp_path / "secret.png")},
            {"url": (tmp_path / "secret.png").as_uri()},
            {"url": "javascript:alert(1)"},
            {"url": "data:image/png;base64,iVBORw0KGgo="},
            {"url": "ftp://example.com/a.png"},
        ],
        folder,
    )
    wait_settled(qtbot, strip)
    assert states(strip) == [
        ("loaded", ""),
        ("loaded", ""),
        ("failed", NOT_AN_IMAGE),
        ("failed", FILE_NOT_FOUND),
        ("failed", OUTSIDE_FOLDER),
        ("failed", OUTSIDE_FOLDER),
        ("failed", OUTSIDE_FOLDER),
        ("failed", UNSUPPORTED_LINK),
        ("failed", UNSUPPORTED_LINK),
        ("failed", UNSUPPORTED_LINK),
    ]
    assert strip.thumbnails()[0].pixmap().size() == QSize(160, 80)


def test_a_symlink_out_of_the_record_folder_is_refused(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (tmp_path / "outside.png").write_bytes(b"x")
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    assert resolve_image_source("link.png", folder).reason == OUTSIDE_FOLDER
    assert resolve_image_source("link.png", None).reason == OUTSIDE_FOLDER
    assert resolve_image_source("//cdn.example.com/a.png", folder).kind == "http"
    assert resolve_image_source("JavaScript:alert(1)", folder).reason == UNSUPPORTED_LINK


def test_malformed_entries_never_crash_and_say_what_is_wrong(qtbot, strip, tmp_path):
    (tmp_path / "ok.png").write_bytes(image_bytes(40, 40, "#3050c0"))
    strip.set_images(
        [None, 5, "ok.png", {"url": 5}, {"url": "ok.png", "width": "wide", "height": True, "title": {"a": 1}}, {}, []],
        tmp_path,
    )
    wait_settled(qtbot, strip)
    assert [t.state for t in strip.thumbnails()] == [
        "failed",
        "failed",
        "loaded",
        "failed",
        "loaded",
        "failed",
        "failed",
    ]
    assert strip.thumbnails()[3].reason == "No link"
    assert strip.thumbnails()[4].entry.declared is None and strip.thumbnails()[4].entry.title == ""
    for value in (None, "not a list", 7, {"url": "ok.png"}):
        strip.set_images(value, tmp_path)
        wait_settled(qtbot, strip)
    assert [t.state for t in strip.thumbnails()] == ["loaded"]  # a lone mapping is taken as one image


def test_empty_list_shows_a_calm_empty_state(qtbot, strip):
    height = strip.height()
    strip.set_images([], Path("."))
    empty = strip.findChild(QLabel, "imageStripEmpty")
    assert empty.isVisible() and empty.text() == "No images"
    assert not strip.findChild(QScrollArea, "imageStripScroll").isVisible()
    assert strip.height() == height  # the pane below does not jump between records


def test_decode_checks_the_header_before_decoding(qapp):
    from http_fixtures import png_header_claiming

    result = decode_image(png_header_claiming(30000, 30000), QSize(160, 100))
    assert result.reason == TOO_LARGE and result.real_size == (30000, 30000)
    assert decode_image(b"GIF89a-not-really", None).reason == NOT_AN_IMAGE
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    assert decode_image(svg, None).reason.startswith("Unsupported format")


# --- Plain text, tooltips, keyboard and the viewer --------------------------------------------


def test_record_text_is_never_rendered_as_rich_text(qtbot, strip, image_server):
    strip.set_images([{"url": image_server.url("/red.png") + "?a=<b>x</b>", "title": HOSTILE_TITLE}], None)
    wait_settled(qtbot, strip)
    thumbnail = strip.thumbnails()[0]
    tooltip = thumbnail.toolTip()
    assert "&lt;b&gt;bold&lt;/b&gt;" in tooltip and "&lt;img" in tooltip
    assert "<b>" not in tooltip and "<img" not in tooltip
    assert image_server.url("/red.png") in tooltip
    assert HOSTILE_TITLE in thumbnail.accessibleName()
    viewer = strip.open_viewer(0)
    title = viewer.findChild(QLabel, "imageViewerTitle")
    assert title.text() == HOSTILE_TITLE and title.textFormat() == Qt.TextFormat.PlainText
    for label in viewer.findChildren(QLabel):
        if label.objectName():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()


def test_clicking_a_thumbnail_opens_the_viewer_with_link_and_sizes(qtbot, strip, image_server):
    url = image_server.url("/red.png")
    strip.set_images([{"url": url, "width": 1024, "height": 576, "title": "Red"}], None)
    wait_settled(qtbot, strip)
    with qtbot.waitSignal(strip.viewerOpened, timeout=2000) as opened:
        qtbot.mouseClick(strip.thumbnails()[0], Qt.MouseButton.LeftButton)
    viewer = opened.args[0]
    assert isinstance(viewer, ImageViewer) and viewer.objectName() == "imageViewer"
    assert viewer.isVisible()
    link = viewer.findChild(QLineEdit, "imageUrl")
    assert link.text() == url and link.isReadOnly()
    real_size = viewer.findChild(QLabel, "imageRealSize").text()
    assert real_size.startswith("320 × 200 px") and "PNG" in real_size and "KB" in real_size
    assert viewer.findChild(QLabel, "imageDeclaredSize").text() == "1024 × 576"
    mismatch = viewer.findChild(QLabel, "imageSizeMismatch")
    assert mismatch.isVisible() and "1024 × 576" in mismatch.text() and "320 × 200" in mismatch.text()
    # The sharper decode replaces the thumbnail-sized preview.
    qtbot.waitUntil(lambda: viewer.shown_pixmap() is not None and viewer.shown_pixmap().width() == 320, timeout=3000)
    viewer.copy_link()
    assert QGuiApplication.clipboard().text() == url
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not viewer.isVisible(), timeout=2000)
    assert strip.viewer() is None


def test_viewer_for_matching_sizes_and_for_a_failed_image(qtbot, strip, image_server):
    strip.set_images(
        [
            {"url": image_server.url("/red.png"), "width": 320, "height": 200},
            {"url": image_server.url("/missing.jpg"), "width": 10, "height": 10},
        ],
        None,
    )
    wait_settled(qtbot, strip)
    viewer = strip.open_viewer(0)
    assert not viewer.findChild(QLabel, "imageSizeMismatch").isVisible()
    viewer.reject()
    viewer = strip.open_viewer(1)
    assert viewer.findChild(QLabel, "imageRealSize").text() == f"Unknown: {NOT_FOUND}"
    assert viewer.findChild(QLabel, "imageDeclaredSize").text() == "10 × 10"
    assert viewer.findChild(QLabel, "imageViewerPicture").text().endswith(NOT_FOUND)
    assert viewer.findChild(QLineEdit, "imageUrl").text() == image_server.url("/missing.jpg")
    strip.set_images([], None)  # moving on closes the old record's viewer
    assert not viewer.isVisible()


def test_keyboard_tab_order_arrows_and_activation(qtbot, strip, image_server):
    strip.set_images([{"url": image_server.url(p)} for p in ("/red.png", "/green.png", "/missing.jpg")], None)
    wait_settled(qtbot, strip)
    first, second, third = strip.thumbnails()
    assert all(t.focusPolicy() == Qt.FocusPolicy.StrongFocus for t in strip.thumbnails())
    assert first.nextInFocusChain() is second and second.nextInFocusChain() is third
    strip.activateWindow()
    first.setFocus()
    qtbot.waitUntil(first.hasFocus, timeout=2000)
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    assert second.hasFocus()
    qtbot.keyClick(second, Qt.Key.Key_Right)
    assert third.hasFocus()
    qtbot.keyClick(third, Qt.Key.Key_Left)
    assert second.hasFocus()
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Space):
        with qtbot.waitSignal(strip.imageActivated, timeout=2000) as activated:
            qtbot.keyClick(second, key)
        assert activated.args == [1]
        assert strip.viewer() is not None
        strip.viewer().reject()


def test_tab_goes_through_the_tiles_where_the_strip_stands(qtbot, loader, tmp_path):
    window = QWidget()
    layout = QVBoxLayout(window)
    before, strip, after = QLineEdit(), ImageStrip(loader), QLineEdit()
    before.setObjectName("before")
    after.setObjectName("after")
    for widget in (before, strip, after):  # laid out (and so chained) in reading order, as the review pane does
        layout.addWidget(widget)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)

    def tab_stops() -> list[str]:
        before.setFocus()
        stops = []
        for _ in range(4):
            window.focusNextChild()
            stops.append(QApplication.focusWidget().objectName())
        return stops

    try:
        assert tab_stops() == ["after", "before", "after", "before"]  # an empty strip takes no Tab stop
        for count in (2, 3):  # each record's new tiles take the strip's place, not the end of the chain
            strip.set_images([{"url": f"img-{i}.png"} for i in range(count)], tmp_path)
            tiles = [f"imageThumbnail{i}" for i in range(count)]
            assert tab_stops() == [*tiles, "after", "before", *tiles][:4]
    finally:
        strip.clear()


def test_a_record_with_hundreds_of_images_shows_the_first_ones(qtbot, strip, tmp_path):
    strip.set_images([{"url": f"missing-{i}.png"} for i in range(500)], tmp_path)
    assert len(strip.thumbnails()) == images_module.MAX_THUMBNAILS
    more = [label for label in strip.findChildren(QLabel) if label.text().startswith("+")]
    assert more and more[0].text() == f"+{500 - images_module.MAX_THUMBNAILS} more" and more[0].isVisible()
    wait_settled(qtbot, strip)


def test_a_right_click_does_not_open_the_viewer(qtbot, strip, image_server):
    strip.set_images([{"url": image_server.url("/red.png")}], None)
    wait_settled(qtbot, strip)
    thumbnail = strip.thumbnails()[0]
    with qtbot.assertNotEmitted(strip.imageActivated):
        qtbot.mouseClick(thumbnail, Qt.MouseButton.RightButton, pos=QPoint(10, 10))


def test_decode_threads_make_no_qt_connection_or_signal(qtbot, strip, image_server, tmp_path, monkeypatch):
    """A pool thread holds the GIL through every Qt call it makes; a signal or connection there
    can deadlock with the UI thread (it did: a hang in QImageReader::format()'s plugin probe).
    So the decode threads only read pixels, and results come back through Python alone."""
    qt_calls: set[str] = set()
    real_job = image_loading._decode_job

    def record(frame, event, arg):
        if event == "c_call" and type(getattr(arg, "__self__", None)).__module__.startswith(("PySide6", "shiboken6")):
            qt_calls.add(arg.__qualname__)

    def traced_job(*args):
        sys.setprofile(record)  # this thread only
        try:
            return real_job(*args)
        finally:
            sys.setprofile(None)

    monkeypatch.setattr(image_loading, "_decode_job", traced_job)
    (tmp_path / "local.png").write_bytes(image_bytes(50, 50, "#30a040"))
    strip.set_images(
        [{"url": image_server.url("/red.png")}, {"url": "local.png"}, {"url": image_server.url("/page.jpg")}], tmp_path
    )
    wait_settled(qtbot, strip)
    assert [t.state for t in strip.thumbnails()] == ["loaded", "loaded", "failed"]
    assert "QImageReader.read" in qt_calls  # the profile saw the decodes
    forbidden = {
        call
        for call in qt_calls
        if call.endswith((".emit", ".connect", ".disconnect")) or call == "QImageReader.format"
    }
    assert forbidden == set()
