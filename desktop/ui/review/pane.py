"""The review pane: everything about the current record, shown as plain text, never as markup."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QCursor, QFont, QFontDatabase, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.records import Document, Problem, RecordSummary, fields, problems_as_typed, scalar_text
from desktop.ui.images.strip import READING, ImageStrip
from desktop.ui.links import link_mark, link_mark_icon
from desktop.ui.review.source import NumberedSourceView
from desktop.ui.table.model import format_published, format_published_date
from desktop.ui.widgets.text import plain_label, plain_tooltip

URL_ROLE = Qt.ItemDataRole.UserRole + 1
TITLE_ROLE = Qt.ItemDataRole.UserRole + 2  # the title as written, before a link-state mark
LINK_STATE_ROLE = Qt.ItemDataRole.UserRole + 3  # "broken", "moved", "answers", or "" when not checked
NO_RELATED = "No related coverage listed."
MAX_SOURCE_CHARS = 2_000_000  # a runaway file must not make the Source tab crawl


def problem_line(problem: Problem) -> str:
    level = "" if problem.is_error else "Warning · "
    if problem.line is None:
        return level + problem.message
    return f"{level}line {problem.line}:{problem.column or 1}: {problem.message}"


OTHER_PATH_ROLE = Qt.ItemDataRole.UserRole + 1


def front_matter_source(document: Document) -> str:
    """The front matter exactly as on disk, fences included (the whole text when there is none)."""
    if document.text is None:
        text = document.raw.decode("utf-8", errors="replace")
    elif document.format is not None and document.front_end:
        end_of_fence = document.text.find("\n", document.front_end)
        text = document.text if end_of_fence < 0 else document.text[: end_of_fence + 1]
    else:
        text = document.text
    if len(text) > MAX_SOURCE_CHARS:
        text = text[:MAX_SOURCE_CHARS] + "\n… (the rest of this very large file is not shown)"
    return text


class LinkButton(QPushButton):
    """A link-looking button: its text is never parsed as HTML, and it only asks; the window opens."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._url = ""
        self.setFlat(True)
        self.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setStyleSheet(
            "QPushButton { border: none; padding: 0; text-align: left; color: palette(link); }"
            "QPushButton:focus { text-decoration: underline; }"
        )
        font = self.font()
        font.setUnderline(True)
        self.setFont(font)

    @property
    def url(self) -> str:
        return self._url

    def set_url(self, url: str) -> None:
        self._url = url
        self.setToolTip(plain_tooltip(url))
        self.setAccessibleDescription(url)
        self.setVisible(bool(url))
        self._elide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.width(), 200)
        elided = self.fontMetrics().elidedText(self._url, Qt.TextElideMode.ElideMiddle, width - 4)
        # A button takes "&b" in its text as the shortcut Alt+B: a link's "&" must stay a character.
        self.setText(elided.replace("&", "&&"))


class PaddedRowDelegate(QStyledItemDelegate):
    """Rows a little taller than their text, like the record table's: easier to read and to hit."""

    PADDING = 6

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + self.PADDING)


class RelatedList(QTreeWidget):
    """Other coverage of the story. Enter or double-click asks to open one; a menu copies its link."""

    openRequested = Signal(str)
    COLUMNS = ("Title", "Provider", "Published", "Quality")
    MAX_PROVIDER_WIDTH = 120  # a long outlet name is elided (its tooltip has it whole): titles come first

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("relatedList")
        self.setAccessibleName("Related coverage")
        self.setColumnCount(len(self.COLUMNS))
        self.setHeaderLabels(list(self.COLUMNS))
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setItemDelegate(PaddedRowDelegate(self))
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(self.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.headerItem().setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.activated.connect(lambda index: self._open(self.itemFromIndex(index)))
        self.customContextMenuRequested.connect(self._menu)

    def set_related(self, entries: list[tuple[str, str, str, str, str, str]]) -> None:
        """(title, provider, date text, quality text, url, publishedDateTime) per related article."""
        self.clear()
        for title, provider, date, quality, url, published in entries:
            item = QTreeWidgetItem([title or url or "(untitled)", provider, date, quality])
            item.setData(0, URL_ROLE, url)
            item.setToolTip(0, plain_tooltip(title, url or "(no link)"))
            item.setToolTip(1, plain_tooltip(provider))
            item.setToolTip(2, plain_tooltip(published))
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.addTopLevelItem(item)
        if self.topLevelItemCount():
            self.setCurrentItem(self.topLevelItem(0), 0, self.selectionModel().SelectionFlag.NoUpdate)
        self._fit_columns()
        self._fit_height()

    def show_link_states(self, results: dict) -> None:
        """Mark each checked link (from the online checks): an icon, and after the title the words
        for one that is gone or has moved."""
        for row in range(self.topLevelItemCount()):
            item = self.topLevelItem(row)
            url = self.url_at(item)
            title = item.data(0, TITLE_ROLE)
            if title is None:
                title = item.text(0)
                item.setData(0, TITLE_ROLE, title)
            kind, words = link_mark(results.get(url))
            item.setText(0, f"{title}  [{words}]" if words else title)
            item.setIcon(0, link_mark_icon(kind, ratio=self.devicePixelRatioF()) if kind else QIcon())
            item.setData(0, LINK_STATE_ROLE, kind)
            if kind:
                item.setToolTip(0, plain_tooltip(title, url, f"Link check: {words or kind}"))

    def url_at(self, item: QTreeWidgetItem | None) -> str:
        return "" if item is None else str(item.data(0, URL_ROLE) or "")

    def _fit_columns(self) -> None:
        """Provider, date and quality as wide as their contents (the provider capped); the title takes the rest."""
        header = self.header()
        for column in range(1, len(self.COLUMNS)):
            width = max(self.sizeHintForColumn(column) + 8, header.sectionSizeHint(column))
            if column == 1:
                width = min(width, self.MAX_PROVIDER_WIDTH)
            header.resizeSection(column, width)

    def _fit_height(self) -> None:
        # The pane scrolls as a whole; the list shows every row rather than a second scroll bar.
        rows = self.topLevelItemCount()
        row_height = self.sizeHintForRow(0) if rows else 0
        self.setFixedHeight(self.header().sizeHint().height() + rows * row_height + 2 * self.frameWidth() + 2)

    def _open(self, item: QTreeWidgetItem | None) -> None:
        if item is not None:
            self.openRequested.emit(self.url_at(item))

    def _menu(self, position: QPoint) -> None:
        item = self.itemAt(position)
        if item is None:
            return
        url = self.url_at(item)
        menu = QMenu(self)
        open_action = menu.addAction("Open Link in Browser")
        open_action.setEnabled(bool(url))
        copy_action = menu.addAction("Copy Link")
        copy_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy_action.setEnabled(bool(url))
        chosen = menu.exec(self.viewport().mapToGlobal(position))
        if chosen is open_action:
            self.openRequested.emit(url)
        elif chosen is copy_action:
            self.copy_link(item)

    def copy_link(self, item: QTreeWidgetItem | None = None) -> str:
        url = self.url_at(item or self.currentItem())
        if url:
            QGuiApplication.clipboard().setText(url)
        return url

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_link()
            return
        super().keyPressEvent(event)


class FittedList(QListWidget):
    """A list as tall as its (word-wrapped) rows, so the pane scrolls as a whole and no row is cut."""

    def fit(self) -> None:
        self.doItemsLayout()
        rows = sum(self.visualItemRect(self.item(i)).height() for i in range(self.count()))
        self.setFixedHeight(rows + 2 * self.frameWidth() + 4)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()  # wrapping, and so the height of each row, follows the width


def section_heading(text: str, name: str) -> QLabel:
    label = plain_label(text, name=name, accessible=text, wrap=False, selectable=False)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setContentsMargins(0, 10, 0, 2)
    return label


class ReviewPane(QWidget):
    """Title, source and link at the top, the form below them, then tabs: Review and Source."""

    openLinkRequested = Signal(str)
    goToRecordRequested = Signal(str)  # "Same story as …": the other record's path
    documentShown = Signal(object)  # the Document now on screen (the form binds to it)
    imageMeasured = Signal(object, str, object)  # Document, image address, (width, height) of a decoded thumbnail

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPane")
        self.setAccessibleName("Record review")
        self._summary: RecordSummary | None = None
        self._document: Document | None = None
        self._errors: list[Problem] = []
        self._blocker: str | None = None
        self._warnings: list[Problem] = []
        self._link_results: dict = {}  # url -> LinkResult, when online checks are on
        self._typed: dict[str, str] = {}  # the form's unusable typed values: key -> why

        self.stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        self.emptyLabel = plain_label("", name="reviewEmptyState", accessible="No record", selectable=False)
        self.emptyLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.emptyLabel.setEnabled(False)  # the calm grey of a placeholder
        self.stack.addWidget(self.emptyLabel)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(12, 10, 12, 0)
        page_layout.setSpacing(4)
        self.stack.addWidget(page)

        self.titleLabel = plain_label(name="titleLabel", accessible="Title")
        title_font = QFont(self.titleLabel.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.45)
        title_font.setBold(True)
        self.titleLabel.setFont(title_font)
        self.metaLabel = plain_label(name="metaLabel", accessible="Provider, domain and published date")
        self.linkButton = LinkButton()
        self.linkButton.setObjectName("webUrlLink")
        self.linkButton.setAccessibleName("Open the article in the browser")
        self.linkButton.clicked.connect(lambda: self.openLinkRequested.emit(self.linkButton.url))
        page_layout.addWidget(self.titleLabel)
        page_layout.addWidget(self.metaLabel)
        page_layout.addWidget(self.linkButton)

        # The edit form (issue 4) goes here, above the tabs, so it stays in view while reading.
        self.formHost = QWidget()
        self.formHost.setObjectName("formHost")
        self.formHost.setAccessibleName("Record form")
        self.form_layout = QVBoxLayout(self.formHost)
        self.form_layout.setContentsMargins(0, 6, 0, 0)
        page_layout.addWidget(self.formHost)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("reviewTabs")
        self.tabs.setAccessibleName("Review and source")
        self.tabs.setDocumentMode(True)
        page_layout.addSpacing(6)
        page_layout.addWidget(self.tabs, 1)

        self.scroll = QScrollArea()
        self.scroll.setObjectName("reviewScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("reviewBody")
        self.scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 8, 8, 12)
        layout.setSpacing(4)

        self.excerptView = plain_label(name="excerptView", accessible="Excerpt")
        self.excerptView.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout.addWidget(self.excerptView)

        self.problemsHeading = section_heading("Problems", "problemsHeading")
        self.editBlockerLabel = plain_label(name="editBlockerLabel", accessible="Why this file cannot be edited")
        self.problemsView = FittedList()
        self.problemsView.setObjectName("problemsView")
        self.problemsView.setAccessibleName("Problems")
        self.problemsView.setWordWrap(True)
        self.problemsView.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problemsView.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problemsView.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.problemsView.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.problemsView.itemActivated.connect(self._on_problem_activated)
        layout.addWidget(self.problemsHeading)
        layout.addWidget(self.editBlockerLabel)
        layout.addWidget(self.problemsView)

        self.imagesHeading = section_heading("Images", "imagesHeading")
        self.imageStrip = ImageStrip()
        self.imageStrip.setObjectName("imageStrip")
        self.imageStrip.setAccessibleName("Images")
        layout.addWidget(self.imagesHeading)
        layout.addWidget(self.imageStrip)
        self.imageStrip.imageStateChanged.connect(self._on_image_state)

        self.relatedHeading = section_heading("Related coverage", "relatedHeading")
        self.relatedList = RelatedList()
        self.relatedList.openRequested.connect(self.openLinkRequested)
        self.relatedEmptyLabel = plain_label(
            NO_RELATED, name="relatedEmptyLabel", accessible="No related coverage", selectable=False
        )
        self.relatedEmptyLabel.setEnabled(False)
        layout.addWidget(self.relatedHeading)
        layout.addWidget(self.relatedList)
        layout.addWidget(self.relatedEmptyLabel)
        layout.addStretch(1)
        # Alt+R opens the Review menu; Alt+I (and Alt+S) pick the tabs.
        self.tabs.addTab(self.scroll, "Rev&iew")

        self.sourceView = NumberedSourceView()
        self.sourceView.setObjectName("sourceView")
        self.sourceView.setAccessibleName("Front matter as on disk")
        self.sourceView.setReadOnly(True)
        self.sourceView.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setFixedPitch(True)  # some platforms hand back a generic "monospace" that does not say so
        self.sourceView.setFont(mono)
        self.sourceView.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.tabs.addTab(self.sourceView, "&Source")

        self.setTabOrder(self.linkButton, self.formHost)
        self.setTabOrder(self.formHost, self.tabs)
        self.setTabOrder(self.tabs, self.excerptView)
        self.setTabOrder(self.excerptView, self.problemsView)
        self.setTabOrder(self.problemsView, self.imageStrip)
        self.setTabOrder(self.imageStrip, self.relatedList)
        self.setTabOrder(self.relatedList, self.sourceView)
        self.show_empty("Open a folder of records to begin (File > Open Folder…, Ctrl+O).")

    # --- what the window asks for -------------------------------------------------------
    @property
    def summary(self) -> RecordSummary | None:
        return self._summary

    @property
    def document(self) -> Document | None:
        """The full record on screen, or None while it is being read."""
        return self._document

    @property
    def current_path(self) -> str | None:
        return None if self._summary is None else self._summary.path

    def show_empty(self, message: str, *, placeholder: bool = True) -> None:
        """`placeholder=False` for news the editor must read (a queue done), not the grey of a hint."""
        self._summary = None
        self._document = None
        self.emptyLabel.setEnabled(not placeholder)
        self.emptyLabel.setText(message)
        self.imageStrip.clear()
        self.stack.setCurrentWidget(self.emptyLabel)

    def show_summary(self, summary: RecordSummary) -> None:
        """Show what the table already knows at once; the full record follows in show_document()."""
        changed = self._summary is None or self._summary.path != summary.path
        self._summary = summary
        if changed:
            self._document = None
        self.titleLabel.setText(summary.title or Path(summary.path).name)
        self.metaLabel.setText(self._meta(summary.provider, summary.domain, summary.published_at))
        if changed:
            self.linkButton.set_url("")
            self.excerptView.setText(summary.excerpt)
            self._show_problems(list(summary.problems), None)
            self.imageStrip.show_reading()
            self._show_images_heading(0)
            self.relatedList.set_related([])
            self._show_related_heading(0)
            self.relatedEmptyLabel.setText(READING)
            self.sourceView.setPlainText("")
            self.scroll.verticalScrollBar().setValue(0)
        self.stack.setCurrentIndex(1)

    def show_document(self, document: Document, summary: RecordSummary | None = None) -> None:
        if summary is not None:
            self.show_summary(summary)
        self._document = document
        data = fields.mapping(document.data)
        provider = fields.mapping(data.get("provider"))
        title = (
            fields.display_text(data.get("title"))
            or (self._summary.title if self._summary else "")
            or document.path.name
        )
        self.titleLabel.setText(title)
        published = scalar_text(document, ["publishedDateTime"]) or fields.display_text(data.get("publishedDateTime"))
        self.metaLabel.setText(
            self._meta(
                fields.display_text(provider.get("name")), fields.display_text(provider.get("domain")), published
            )
        )
        self.linkButton.set_url(fields.display_text(data.get("webUrl")))
        excerpt = fields.display_text(data.get("excerpt"))
        self.excerptView.setText(excerpt if data else (self._summary.excerpt if self._summary else ""))
        self._show_problems(document.problems, document.edit_blocker)

        images = fields.entries(data.get("images"))
        self.imageStrip.set_images([dict(image) for image in images], document.path.parent)
        self._show_images_heading(len(images))

        entries = []
        for i, entry in enumerate(data.get("related") if isinstance(data.get("related"), list) else []):
            if not isinstance(entry, dict):
                continue  # counted all the same: `i` is the entry's place in the file
            source = fields.mapping(entry.get("provider"))
            date = scalar_text(document, ["related", i, "publishedDateTime"]) or fields.display_text(
                entry.get("publishedDateTime")
            )
            entries.append(
                (
                    fields.display_text(entry.get("title")),
                    fields.display_text(source.get("name")),
                    format_published_date(date),
                    fields.display_text(entry.get("quality")),
                    fields.display_text(entry.get("webUrl")),
                    format_published(date),
                )
            )
        self.relatedList.set_related(entries)
        self.relatedList.show_link_states(self._link_results)
        self._show_related_heading(len(entries))
        self.relatedEmptyLabel.setText(NO_RELATED)
        self.sourceView.setPlainText(front_matter_source(document))
        self.stack.setCurrentIndex(1)
        self.documentShown.emit(document)

    # --- pieces -------------------------------------------------------------------------
    @staticmethod
    def _meta(provider: str, domain: str, published: str) -> str:
        parts = [provider, domain if domain and domain != provider else "", format_published(published)]
        return "  ·  ".join(part for part in parts if part) or "No provider or date given"

    def set_link_results(self, results: dict) -> None:
        """What each address answered (online checks on): the related list and the images mark each link."""
        self._link_results = dict(results)
        self.relatedList.show_link_states(self._link_results)
        self.imageStrip.set_link_results(self._link_results)

    def link_results(self) -> dict:
        return self._link_results

    def _on_image_state(self, index: int, state: str) -> None:
        thumbnails = self.imageStrip.thumbnails()
        if state != "loaded" or self._document is None or not 0 <= index < len(thumbnails):
            return
        result = thumbnails[index].result
        if result is not None and result.real_size:
            self.imageMeasured.emit(self._document, thumbnails[index].url, tuple(result.real_size))

    def set_warnings(self, warnings: list[Problem]) -> None:
        """The folder's warnings about the record shown (or about to be): listed after its problems."""
        self._warnings = list(warnings)
        if self._summary is not None:
            self._show_problems(self._errors, self._blocker)

    def show_record_problems(self, problems: list[Problem]) -> None:
        """The record's own problems as its unsaved edits would save it (the file's, without edits)."""
        if self._summary is not None:
            self._show_problems(list(problems), self._blocker)

    def set_typed_problems(self, typed: dict[str, str]) -> None:
        """The form's fields whose typed value can't be used yet (key -> why): listed in place of
        what the record's value had, so the list says what the form says."""
        if typed != self._typed:
            self._typed = dict(typed)
            if self._summary is not None:
                self._show_problems(self._errors, self._blocker)

    def _show_problems(self, problems: list[Problem], blocker: str | None) -> None:
        self._errors, self._blocker = list(problems), blocker
        if self._typed and self._document is not None:
            problems = problems_as_typed(self._document, problems, self._typed)
        warnings = self._warnings
        self.problemsView.clear()
        for problem in sorted(problems + warnings, key=lambda p: (not p.is_error, p.line or 0, p.column or 0)):
            item = QListWidgetItem(problem_line(problem) + ("  → Enter: go there" if problem.other_path else ""))
            if problem.other_path:
                item.setData(OTHER_PATH_ROLE, problem.other_path)
                item.setToolTip(plain_tooltip(f"Enter or double-click: go to {problem.other_path}"))
            else:
                item.setToolTip(plain_tooltip(problem.path or problem.code))
            self.problemsView.addItem(item)
        self.editBlockerLabel.setText(f"This file cannot be edited: {blocker}" if blocker else "")
        self.editBlockerLabel.setVisible(bool(blocker))
        heading = f"Problems ({len(problems)})" if problems else ""
        if warnings:
            heading += (" · " if heading else "") + f"Warnings ({len(warnings)})"
        self.problemsHeading.setText(heading)
        shown = bool(problems or warnings)
        for widget in (self.problemsHeading, self.problemsView):
            widget.setVisible(shown)
        if shown:
            self.problemsView.fit()

    def _on_problem_activated(self, item: QListWidgetItem) -> None:
        other = item.data(OTHER_PATH_ROLE)
        if other:
            self.goToRecordRequested.emit(str(other))

    def _show_images_heading(self, count: int) -> None:
        # The strip stays in place (saying "No images") so the pane does not jump between records.
        self.imagesHeading.setText(f"Images ({count})" if count else "Images")

    def _show_related_heading(self, count: int) -> None:
        self.relatedHeading.setText(f"Related coverage ({count})" if count else "Related coverage")
        self.relatedList.setVisible(bool(count))
        self.relatedEmptyLabel.setVisible(not count)
