"""Edit > Preferences: the settings an editor changes (decline reasons, link checks, web images).

The dialog only edits values; `Preferences` is what it hands back, and the window applies it
through the same actions the menus use, so a preference and its menu item never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.settings import (
    CHECK_LINKS,
    DEFAULTS,
    LINK_MAX_AGE_HOURS,
    LOAD_WEB_IMAGES,
    MAX_DECLINE_REASONS,
    MIN_IMAGE_SIZE,
    DeskSettings,
    default_decline_reasons,
)

MAX_LINK_AGE_HOURS = 24 * 90
MAX_IMAGE_SIDE = 10_000


@dataclass(frozen=True)
class Preferences:
    decline_reasons: tuple[str, ...]
    check_links: bool
    link_max_age_hours: int
    min_image_size: int
    load_web_images: bool

    @classmethod
    def stored(cls, settings: DeskSettings) -> Preferences:
        return cls(
            tuple(settings.decline_reasons()),
            bool(settings.value(CHECK_LINKS)),
            settings.value(LINK_MAX_AGE_HOURS),
            settings.value(MIN_IMAGE_SIZE),
            bool(settings.value(LOAD_WEB_IMAGES)),
        )

    @classmethod
    def defaults(cls) -> Preferences:
        return cls(
            tuple(default_decline_reasons()),
            DEFAULTS[CHECK_LINKS],
            DEFAULTS[LINK_MAX_AGE_HOURS],
            DEFAULTS[MIN_IMAGE_SIZE],
            DEFAULTS[LOAD_WEB_IMAGES],
        )

    def store(self, settings: DeskSettings) -> None:
        settings.set_decline_reasons(list(self.decline_reasons))
        settings.set_value(CHECK_LINKS, self.check_links)
        settings.set_value(LINK_MAX_AGE_HOURS, self.link_max_age_hours)
        settings.set_value(MIN_IMAGE_SIZE, self.min_image_size)
        settings.set_value(LOAD_WEB_IMAGES, self.load_web_images)
        settings.sync()


class PreferencesDialog(QDialog):
    def __init__(self, current: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")

        reasons_box = QGroupBox("Decline reasons")
        self.reasonsEdit = QPlainTextEdit()
        self.reasonsEdit.setObjectName("declineReasonsEdit")
        self.reasonsEdit.setAccessibleName("Decline reasons, one per line")
        self.reasonsEdit.setTabChangesFocus(True)  # Tab leaves the list, as in every other field
        self.reasonsEdit.setFixedHeight(self.reasonsEdit.fontMetrics().lineSpacing() * (MAX_DECLINE_REASONS + 1) + 12)
        self.reasonsHint = QLabel()
        self.reasonsHint.setObjectName("declineReasonsHint")
        self.reasonsHint.setTextFormat(Qt.TextFormat.PlainText)
        self.reasonsHint.setWordWrap(True)
        self.reasonsEdit.textChanged.connect(self._update_hint)
        reasons_layout = QVBoxLayout(reasons_box)
        reasons_layout.addWidget(self.reasonsEdit)
        reasons_layout.addWidget(self.reasonsHint)

        checks_box = QGroupBox("Checks")
        self.checkLinksBox = QCheckBox("Check &links online (asks every link and image of the folder)")
        self.checkLinksBox.setObjectName("checkLinksBox")
        self.maxAgeSpin = QSpinBox()
        self.maxAgeSpin.setObjectName("linkMaxAgeSpin")
        self.maxAgeSpin.setRange(0, MAX_LINK_AGE_HOURS)
        self.maxAgeSpin.setSuffix(" hours")
        self.maxAgeSpin.setSpecialValueText("every check")  # 0: an answer is never reused
        self.maxAgeSpin.setAccessibleName("Ask a link again after this many hours")
        self.minSizeSpin = QSpinBox()
        self.minSizeSpin.setObjectName("minImageSizeSpin")
        self.minSizeSpin.setRange(1, MAX_IMAGE_SIDE)
        self.minSizeSpin.setSuffix(" pixels")
        self.minSizeSpin.setAccessibleName("Warn about images whose shorter side is smaller than this")
        self.webImagesBox = QCheckBox("Load &web images (off: nothing is requested from the internet)")
        self.webImagesBox.setObjectName("webImagesBox")
        checks = QFormLayout(checks_box)
        checks.addRow(self.checkLinksBox)
        checks.addRow("Ask a link again &after:", self.maxAgeSpin)
        checks.addRow("Warn about images &smaller than:", self.minSizeSpin)
        checks.addRow(self.webImagesBox)
        for label, field in (
            (checks.labelForField(self.maxAgeSpin), self.maxAgeSpin),
            (checks.labelForField(self.minSizeSpin), self.minSizeSpin),
        ):
            if isinstance(label, QLabel):
                label.setBuddy(field)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.show_values(Preferences.defaults())
        )

        layout = QVBoxLayout(self)
        layout.addWidget(reasons_box)
        layout.addWidget(checks_box)
        layout.addWidget(buttons)
        self.show_values(current)
        self.reasonsEdit.setFocus()

    def show_values(self, values: Preferences) -> None:
        self.reasonsEdit.setPlainText("\n".join(values.decline_reasons))
        self.checkLinksBox.setChecked(values.check_links)
        self.maxAgeSpin.setValue(values.link_max_age_hours)
        self.minSizeSpin.setValue(values.min_image_size)
        self.webImagesBox.setChecked(values.load_web_images)

    def values(self) -> Preferences:
        return Preferences(
            tuple(self._reasons()),
            self.checkLinksBox.isChecked(),
            self.maxAgeSpin.value(),
            self.minSizeSpin.value(),
            self.webImagesBox.isChecked(),
        )

    def _reasons(self) -> list[str]:
        lines = [line.strip() for line in self.reasonsEdit.toPlainText().splitlines()]
        return [line for line in lines if line]

    def _update_hint(self) -> None:
        reasons = self._reasons()
        keys = min(len(reasons), MAX_DECLINE_REASONS)
        text = (
            f"One per line. Alt+1 to Alt+{keys} (1 to {keys} in the table) decline with the reason on that line."
            if keys > 1
            else "One per line. Alt+1 (1 in the table) declines with it."
            if keys
            else "No reasons: Decline & Next declines without one."
        )
        if len(reasons) > MAX_DECLINE_REASONS:
            text += f" Only the first {MAX_DECLINE_REASONS} have a key; the rest are not kept."
        self.reasonsHint.setText(text)
