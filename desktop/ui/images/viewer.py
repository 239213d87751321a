"""A larger look at one record image: the picture scaled to fit, its link, and its real and declared size."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.images.decode import ImageResult
from desktop.ui.images.loader import ImageLoader, ImageRequest
from desktop.ui.images.sources import ImageEntry, ImageSource, format_size
from desktop.ui.widgets.text import breakable_url, plain_label, plain_tooltip

# Decoded at most this large for the viewer; the dialog scales it down further to fit.
VIEWER_DECODE_SIZE = QSize(2400, 1800)


def _file_size(byte_count: int) -> str:
    if byte_count <= 0:
        return ""
    if byte_count < 1024 * 1024:
        return f"{max(1, round(byte_count / 1024))} KB"
    return f"{byte_count / (1024 * 1024):.1f} MB"


class ImageViewer(QDialog):
    """Shows one image of the current record. Everything taken from the record is plain text."""

    def __init__(
        self,
        entry: ImageEntry,
        source: ImageSource,
        result: ImageResult | None,
        status: str,
        loader: ImageLoader,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setAccessibleName("Image viewer")
        self.setWindowTitle(f"Image – {source.label}" if source.label else "Image")
        self._loader = loader
        self._request: ImageRequest | None = None
        self._full: QPixmap | None = None
        self.entry = entry
        self.result = result

        self.picture = QLabel(self)
        self.picture.setObjectName("imageViewerPicture")
        self.picture.setAccessibleName("Image")
        self.picture.setTextFormat(Qt.TextFormat.PlainText)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(240, 160)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.picture.setAutoFillBackground(True)

        self.title_label = plain_label(entry.title, name="imageViewerTitle", parent=self)
        self.title_label.setAccessibleName("Image title")
        self.title_label.setVisible(bool(entry.title))

        self.url_field = QLineEdit(entry.link_text, self)
        self.url_field.setObjectName("imageUrl")
        self.url_field.setAccessibleName("Image link")
        self.url_field.setReadOnly(True)
        self.url_field.setCursorPosition(0)
        self.url_field.setToolTip(plain_tooltip(breakable_url(entry.link_text)))
        copy_button = QPushButton("Copy Link", self)
        copy_button.setObjectName("imageViewerCopyLink")
        copy_button.setAutoDefault(False)
        copy_button.clicked.connect(self.copy_link)
        copy_button.setEnabled(bool(entry.link_text))
        link_row = QHBoxLayout()
        link_row.setContentsMargins(0, 0, 0, 0)
        link_row.addWidget(self.url_field, 1)
        link_row.addWidget(copy_button)

        real = result.real_size if result is not None else None
        if real and result is not None:
            details = [f"{format_size(real)} px", result.format.upper(), _file_size(result.byte_count)]
            real_text = "  ·  ".join(part for part in details if part)
        elif status:
            real_text = f"Unknown: {status}"
        else:
            real_text = "Unknown"
        self.real_size_label = plain_label(real_text, name="imageRealSize", parent=self)
        self.real_size_label.setWordWrap(False)
        self.real_size_label.setAccessibleName("Real size")
        declared_text = format_size(entry.declared) if entry.declared else "Not given in the record"
        self.declared_size_label = plain_label(declared_text, name="imageDeclaredSize", parent=self)
        self.declared_size_label.setWordWrap(False)
        self.declared_size_label.setAccessibleName("Declared size")
        mismatch = ""
        if real and entry.declared and tuple(real) != tuple(entry.declared):
            mismatch = (
                f"⚠ Sizes differ: the record declares {format_size(entry.declared)}, the image is {format_size(real)}."
            )
        self.mismatch_label = plain_label(mismatch, name="imageSizeMismatch", parent=self)
        self.mismatch_label.setWordWrap(False)
        self.mismatch_label.setAccessibleName("Size mismatch")
        self.mismatch_label.setVisible(bool(mismatch))
        warning = self.mismatch_label.palette()
        dark_theme = warning.color(QPalette.ColorRole.Window).lightness() < 128
        warning.setColor(QPalette.ColorRole.WindowText, QColor("#f0c36d" if dark_theme else "#8a5300"))
        self.mismatch_label.setPalette(warning)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Title:", self.title_label)
        form.addRow("Link:", link_row)
        form.addRow("Real size:", self.real_size_label)
        form.addRow("Declared:", self.declared_size_label)
        form.addRow("", self.mismatch_label)
        form.setRowVisible(self.mismatch_label, bool(mismatch))
        form.setRowVisible(self.title_label, bool(entry.title))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)

        if result is not None and result.ok and result.image is not None:
            # Show the thumbnail at once; the sharper decode replaces it when ready.
            self._set_picture(QPixmap.fromImage(result.image))
            # Loaded again rather than kept: the disk cache answers, and no strip holds full-size bytes.
            self._request = loader.load(source, VIEWER_DECODE_SIZE, self._on_full_decoded)
        else:
            self.picture.setText(f"⚠  {status}" if status else "No image")
        self._fit_to(real)

    def _fit_to(self, real: tuple[int, int] | None) -> None:
        """Open at a size showing the image 1:1 when the screen has room, else as large as it allows."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry().size() if screen is not None else QSize(1280, 800)
        room = QSize(int(available.width() * 0.8), int(available.height() * 0.8) - 200)
        wanted = QSize(*real).scaled(room, Qt.AspectRatioMode.KeepAspectRatio) if real else QSize(480, 160)
        if real and real[0] <= room.width() and real[1] <= room.height():
            wanted = QSize(*real)
        small = self.picture.minimumSize()
        # The layout sizes the dialog around the picture's minimum; lifted for one adjustSize().
        self.picture.setMinimumSize(wanted.expandedTo(small))
        self.adjustSize()
        self.picture.setMinimumSize(small)
        if self.width() < 560:
            self.resize(560, self.height())

    def copy_link(self) -> None:
        QGuiApplication.clipboard().setText(self.entry.link_text)

    def shown_pixmap(self) -> QPixmap | None:
        return self._full

    def _on_full_decoded(self, result: ImageResult) -> None:
        self._request = None
        if result.ok and result.image is not None:
            self._set_picture(QPixmap.fromImage(result.image))

    def _set_picture(self, pixmap: QPixmap) -> None:
        self._full = pixmap
        self._rescale()

    def _rescale(self) -> None:
        if self._full is None or self._full.isNull():
            return
        area = self.picture.contentsRect().size()
        if self._full.width() > area.width() or self._full.height() > area.height():
            shown = self._full.scaled(
                area, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        else:
            shown = self._full
        self.picture.setPixmap(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def done(self, result: int) -> None:
        if self._request is not None:
            self._request.cancel()
            self._request = None
        super().done(result)
