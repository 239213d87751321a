"""The review pane's image strip: a row of thumbnails, each loaded and decoded off the UI thread
(loader.py), with why an image is missing said plainly on its tile.
"""

from __future__ import annotations

import itertools
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.images.decode import ImageResult
from desktop.ui.images.loader import ImageLoader, ImageRequest
from desktop.ui.images.reasons import NOT_AN_IMAGE, WEB_IMAGES_OFF
from desktop.ui.images.sources import ImageEntry, ImageSource, format_size, image_entries, resolve_image_source
from desktop.ui.images.viewer import ImageViewer
from desktop.ui.links import link_mark, link_mark_icon
from desktop.ui.widgets.text import breakable_url, plain_tooltip

THUMBNAIL_SIZE = QSize(160, 100)
MAX_THUMBNAILS = 40  # a record listing hundreds of images gets the first ones and a "+N more" note
LOADING = "Loading…"
READING = "Reading the record…"  # the pane has the table's summary, the file is on its way
NO_IMAGES = "No images"


# --- Widgets -----------------------------------------------------------------------------------


class ImageThumbnail(QWidget):
    """One fixed-size tile: the image scaled to fit, or a placeholder saying why there is none.

    `state` is "loading", "loaded" or "failed"; `reason` says why a tile failed.
    """

    activated = Signal(int)  # index in the strip: clicked, or Enter/Space while focused
    stepRequested = Signal(int, int)  # index, -1 or +1: Left/Right pressed while focused
    focused = Signal(QWidget)  # so the strip can scroll a tile reached by Tab into view
    CAPTION_HEIGHT = 18
    PADDING = 1  # room for the focus ring, little enough to line up with the heading above

    def __init__(self, index: int, entry: ImageEntry, source: ImageSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"imageThumbnail{index}")
        self.index = index
        self.entry = entry
        self.source = source
        self.state = "loading"
        self.reason = ""
        self.result: ImageResult | None = None
        self.link_result: Any = None  # what the online link check found at this image's address
        self._pixmap: QPixmap | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        pad = self.PADDING
        self.setFixedSize(THUMBNAIL_SIZE.width() + 2 * pad, THUMBNAIL_SIZE.height() + self.CAPTION_HEIGHT + 2 * pad)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        self._refresh_descriptions()

    @property
    def url(self) -> str:
        return self.entry.link_text

    def pixmap(self) -> QPixmap | None:
        return self._pixmap

    def set_result(self, result: ImageResult) -> None:
        self.result = result
        if result.ok:
            assert result.image is not None
            pixmap = QPixmap.fromImage(result.image)  # QPixmap only on the UI thread
            pixmap.setDevicePixelRatio(self.devicePixelRatioF())
            self._pixmap = pixmap
            self.state, self.reason = "loaded", ""
        else:
            self._pixmap = None
            self.state, self.reason = "failed", result.reason or NOT_AN_IMAGE
        self._refresh_descriptions()
        self.update()

    def set_link_result(self, result: Any) -> None:
        self.link_result = result
        self._refresh_descriptions()
        self.update()

    def status_text(self) -> str:
        if self.state == "loading":
            return LOADING
        if self.state == "failed":
            return self.reason
        return format_size(self.result.real_size if self.result else None)

    def _refresh_descriptions(self) -> None:
        name = self.entry.title or self.source.label or "image"
        self.setAccessibleName(f"Image {self.index + 1}: {name}")
        self.setAccessibleDescription(self.status_text())
        declared = f"Declared size: {format_size(self.entry.declared)}" if self.entry.declared else ""
        status = self.status_text() if self.state != "loaded" else f"Real size: {self.status_text()}"
        if self.reason == WEB_IMAGES_OFF:
            status += " (View > Load Web Images shows it)"
        kind, words = link_mark(self.link_result)
        checked = f"Link check: {words or kind}" if kind else ""
        self.setToolTip(
            plain_tooltip(self.entry.title, breakable_url(self.url) or "(no link)", status, declared, checked)
        )

    def caption(self) -> str:
        """Where the image comes from, its real size once known (the declared one is in the tooltip),
        and a link that the online check found gone or moved."""
        parts = [self.source.label or "(no link)"]
        if self.state == "loaded" and self.result is not None and self.result.real_size:
            parts.append(format_size(self.result.real_size))
        kind, words = link_mark(self.link_result)
        if words:
            parts.insert(0, words)
        return "  ·  ".join(parts)

    # Painting and input ---------------------------------------------------------------------

    def _image_rect(self) -> QRect:
        return QRect(self.PADDING, self.PADDING, THUMBNAIL_SIZE.width(), THUMBNAIL_SIZE.height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        palette = self.palette()
        box = self._image_rect()
        outline = QPainterPath()
        outline.addRoundedRect(QRectF(box), 4, 4)
        # Letterboxing and placeholders share one muted tone, so a failed tile does not shout.
        painter.fillPath(outline, palette.color(QPalette.ColorRole.AlternateBase))
        if self.state == "loaded" and self._pixmap is not None:
            logical = self._pixmap.deviceIndependentSize().toSize()
            if logical.width() > box.width() or logical.height() > box.height():
                logical = logical.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, logical.width(), logical.height())
            target.moveCenter(box.center())
            painter.save()
            painter.setClipPath(outline)
            painter.drawPixmap(target, self._pixmap)
            painter.restore()
        else:
            self._paint_placeholder(painter, box)
        kind, _ = link_mark(self.link_result)
        if kind:  # the online check's mark, in the tile's corner as in the related list
            mark = 16
            link_mark_icon(kind, mark, self.devicePixelRatioF()).paint(
                painter, QRect(box.right() - mark - 3, box.top() + 3, mark, mark)
            )
        if self.hasFocus():
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
        else:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        caption_font = QFont(self.font())
        caption_font.setPointSizeF(max(7.0, caption_font.pointSizeF() * 0.85))
        painter.setFont(caption_font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        caption_rect = QRect(box.left() + 1, box.bottom() + 2, box.width() - 2, self.CAPTION_HEIGHT)
        text = painter.fontMetrics().elidedText(self.caption(), Qt.TextElideMode.ElideMiddle, caption_rect.width())
        painter.drawText(caption_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        painter.end()

    def _paint_placeholder(self, painter: QPainter, box: QRect) -> None:
        palette = self.palette()
        # A refusal the editor chose (web images off) is a calm note, not a failure.
        failed = self.state == "failed" and self.reason != WEB_IMAGES_OFF
        inner = box.adjusted(10, 6, -10, -6)
        text_flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap)
        painter.setFont(self.font())
        text_height = painter.fontMetrics().boundingRect(inner, text_flags, self.status_text()).height()
        mark_height = painter.fontMetrics().height() + 2 if failed else 0
        # The mark and the words, centred together as one block.
        top = inner.top() + max(0, (inner.height() - mark_height - text_height) // 2)
        if failed:
            dark_theme = palette.color(QPalette.ColorRole.Base).lightness() < 128
            painter.setPen(QColor("#f2b8b5") if dark_theme else QColor("#b3261e"))
            painter.drawText(QRect(inner.left(), top, inner.width(), mark_height), Qt.AlignmentFlag.AlignCenter, "⚠")
        painter.setPen(palette.color(QPalette.ColorRole.Text if failed else QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            QRect(inner.left(), top + mark_height, inner.width(), inner.bottom() - top - mark_height),
            text_flags,
            self.status_text(),
        )

    def sizeHint(self) -> QSize:
        return self.size()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.activated.emit(self.index)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.activated.emit(self.index)
            event.accept()
            return
        # Handled here: the scroll area around the strip would otherwise take arrows to scroll.
        if (
            event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.stepRequested.emit(self.index, -1 if event.key() == Qt.Key.Key_Left else 1)
            event.accept()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.focused.emit(self)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()


class _EmptySlot(QLabel):
    """An empty, dashed thumbnail slot: the record has no images, and the strip keeps its place."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFixedSize(THUMBNAIL_SIZE)
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1, Qt.PenStyle.DashLine))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        painter.end()
        super().paintEvent(event)


class ImageStrip(QWidget):
    """A record's images as a horizontal row of thumbnails, loaded asynchronously.

    `setImages(images, base_dir)` shows a record's `images` value (any shape: bad entries become
    failed tiles, never errors). A new call or `clear()` cancels every load of the previous record,
    and a generation number makes sure no late result reaches the new tiles.
    """

    imageActivated = Signal(int)  # a thumbnail was clicked or activated from the keyboard
    imageStateChanged = Signal(int, str)  # index, "loaded" or "failed": for status bars and tests
    viewerOpened = Signal(QWidget)  # the ImageViewer dialog just shown

    def __init__(self, loader: ImageLoader | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageStrip")
        self.setAccessibleName("Images")
        self._loader = loader if loader is not None else ImageLoader(self)
        self._generation = 0
        self._thumbnails: list[ImageThumbnail] = []
        self._requests: list[ImageRequest] = []
        self._base_dir: Path | None = None
        self._images: Any = None
        self._viewer: QWidget | None = None
        self._link_results: dict = {}
        self._loader.webImagesChanged.connect(self._on_web_images_changed)

        self._empty = _EmptySlot(NO_IMAGES)
        self._empty.setObjectName("imageStripEmpty")
        empty_page = QWidget(self)
        empty_layout = QHBoxLayout(empty_page)
        empty_layout.setContentsMargins(ImageThumbnail.PADDING, ImageThumbnail.PADDING, 0, 0)
        empty_layout.addWidget(self._empty, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        empty_layout.addStretch(1)

        self._row = QWidget()
        self._row.setObjectName("imageStripRow")
        self._row_layout = QHBoxLayout(self._row)
        self._row_layout.setContentsMargins(0, 0, 0, 0)
        self._row_layout.setSpacing(6)
        self._row_layout.addStretch(1)
        self._more = QLabel(self._row)
        self._more.setTextFormat(Qt.TextFormat.PlainText)
        self._more.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._more.hide()

        self._scroll = QScrollArea(self)
        self._scroll.setObjectName("imageStripScroll")
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setWidgetResizable(True)
        self._scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the thumbnails
        self._scroll.setWidget(self._row)

        self._stack = QStackedWidget(self)
        self._stack.addWidget(empty_page)
        self._stack.addWidget(self._scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        # The same height with or without images, so the pane below does not jump between records.
        scrollbar = self._scroll.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(
            THUMBNAIL_SIZE.height() + ImageThumbnail.CAPTION_HEIGHT + 2 * ImageThumbnail.PADDING + scrollbar + 2
        )
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._stack.setCurrentIndex(0)

    # Public API ---------------------------------------------------------------------------

    def loader(self) -> ImageLoader:
        return self._loader

    def generation(self) -> int:
        return self._generation

    def thumbnails(self) -> list[ImageThumbnail]:
        return list(self._thumbnails)

    def set_link_results(self, results: dict) -> None:
        """What the online link check found, by address: each tile whose image was checked is marked."""
        self._link_results = results
        for thumbnail in self._thumbnails:
            thumbnail.set_link_result(results.get(thumbnail.url.strip()))

    def set_images(self, images: Any, base_dir: Path | str | None) -> None:
        """Show a record's `images` value; relative links resolve against `base_dir`, the record's folder."""
        self.clear()
        self._base_dir = Path(base_dir) if base_dir is not None else None
        self._images = images
        entries = image_entries(images)
        if not entries:
            return
        generation = self._generation
        shown = entries[:MAX_THUMBNAILS]
        fit = THUMBNAIL_SIZE * self.devicePixelRatioF()
        for index, entry in enumerate(shown):
            source = resolve_image_source(entry.link, self._base_dir)
            thumbnail = ImageThumbnail(index, entry, source, self._row)
            thumbnail.set_link_result(self._link_results.get(thumbnail.url.strip()))
            thumbnail.activated.connect(self._activate)
            thumbnail.stepRequested.connect(self._step)
            thumbnail.focused.connect(self._scroll_into_view)
            self._row_layout.insertWidget(index, thumbnail)
            self._thumbnails.append(thumbnail)
            self._requests.append(self._loader.load(source, fit, partial(self._on_loaded, generation, index)))
        if len(entries) > len(shown):
            self._more.setText(f"+{len(entries) - len(shown)} more")
            self._row_layout.insertWidget(len(shown), self._more)
            self._more.show()
        self._place_tiles_in_focus_chain()
        self._stack.setCurrentWidget(self._scroll)
        self._scroll.horizontalScrollBar().setValue(0)

    def show_reading(self) -> None:
        """No images yet because the record is still being read, which is not "No images"."""
        self.clear()
        self._empty.setText(READING)

    def clear(self) -> None:
        """Forget the current record's images: cancel their loads and close their viewer."""
        self._empty.setText(NO_IMAGES)
        self._generation += 1
        self._images = None
        for request in self._requests:
            request.cancel()
        self._requests.clear()
        self._close_viewer()
        for thumbnail in self._thumbnails:
            self._row_layout.removeWidget(thumbnail)
            thumbnail.hide()
            thumbnail.deleteLater()
        self._thumbnails.clear()
        self._row_layout.removeWidget(self._more)
        self._more.hide()
        self._stack.setCurrentIndex(0)

    def open_viewer(self, index: int) -> QWidget | None:
        """Show thumbnail `index` larger, in a window-modal ImageViewer dialog; returns the dialog."""
        if not 0 <= index < len(self._thumbnails):
            return None
        thumbnail = self._thumbnails[index]
        self._close_viewer()
        viewer = ImageViewer(
            thumbnail.entry, thumbnail.source, thumbnail.result, thumbnail.status_text(), self._loader, self.window()
        )
        viewer.finished.connect(partial(self._viewer_closed, viewer))
        self._viewer = viewer
        viewer.open()
        self.viewerOpened.emit(viewer)
        return viewer

    def viewer(self) -> QWidget | None:
        return self._viewer

    # Internals ----------------------------------------------------------------------------

    def _activate(self, index: int) -> None:
        self.imageActivated.emit(index)
        self.open_viewer(index)

    def _close_viewer(self) -> None:
        viewer, self._viewer = self._viewer, None  # closing emits finished, which calls _viewer_closed
        if viewer is not None:
            viewer.close()
            viewer.deleteLater()

    def _viewer_closed(self, viewer: QWidget, _result: int) -> None:
        if self._viewer is viewer:
            self._viewer = None
            viewer.deleteLater()

    def reload(self) -> None:
        """Show the same record's images again (they come from the cache): each is measured anew."""
        if self._images is not None:
            self.set_images(self._images, self._base_dir)

    def _on_web_images_changed(self, _enabled: bool) -> None:
        if any(thumbnail.source.kind == "http" for thumbnail in self._thumbnails):
            self.set_images(self._images, self._base_dir)

    def _on_loaded(self, generation: int, index: int, result: ImageResult) -> None:
        if generation != self._generation or index >= len(self._thumbnails):
            return  # a late answer for a record the editor has left
        thumbnail = self._thumbnails[index]
        thumbnail.set_result(result)
        self.imageStateChanged.emit(index, thumbnail.state)

    def _place_tiles_in_focus_chain(self) -> None:
        """Put the new tiles where the strip stands in the Tab order, left to right.

        New widgets join the end of the window's focus chain, and setTabOrder() ignores the strip
        itself (it takes no focus), so the tiles are chained after the nearest focusable widget
        before the strip.
        """
        anchor = self.previousInFocusChain()
        while (
            anchor is not None
            and anchor is not self
            and (not anchor.focusPolicy() & Qt.FocusPolicy.TabFocus or self.isAncestorOf(anchor))
        ):
            anchor = anchor.previousInFocusChain()
        chain = self._thumbnails if anchor is None or anchor is self else [anchor, *self._thumbnails]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _scroll_into_view(self, thumbnail: QWidget) -> None:
        self._scroll.ensureWidgetVisible(thumbnail, 8, 0)

    def _step(self, index: int, delta: int) -> None:
        target = index + delta
        if 0 <= target < len(self._thumbnails):
            self._thumbnails[target].setFocus(Qt.FocusReason.OtherFocusReason)
