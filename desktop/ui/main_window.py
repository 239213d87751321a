"""The review desk: queues on the left, the record table in the middle, the review pane on the right."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtNetwork import QSslConfiguration, QSslSocket
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.paths import resource_path
from desktop.records import (
    Document,
    RecordSummary,
    counted,
    loaded_image_problems,
    merged_problems,
    path_key,
    summarize_document,
)
from desktop.ui import collector, help_dialogs, links
from desktop.ui.actions import ActionRegistry
from desktop.ui.folder.checks import FolderChecker
from desktop.ui.folder.live import FolderWatcher
from desktop.ui.folder.loader import DocumentReader, FolderChanges, FolderLoader
from desktop.ui.preferences import Preferences, PreferencesDialog
from desktop.ui.review.pane import ReviewPane
from desktop.ui.settings import (
    CHECK_LINKS,
    GEOMETRY,
    HEADER,
    LINK_MAX_AGE_HOURS,
    LOAD_WEB_IMAGES,
    MIN_IMAGE_SIZE,
    QUEUE,
    SPLITTER,
    WINDOW_STATE,
    DeskSettings,
)
from desktop.ui.table.model import Column, Queue, RecordFilterProxy, RecordTableModel
from desktop.ui.table.view import COUNT_ROLE, QueueDelegate, RecordTableView, SearchField
from desktop.ui.widgets.text import plain_tooltip

if TYPE_CHECKING:
    from desktop.ui.editing.controller import EditController
    from desktop.ui.editing.form import RecordForm

SEARCH_DELAY_MS = 150
STATUS_TIMEOUT_MS = 6000
MENUS = ("File", "Edit", "Review", "Git", "View", "Help")
# Alt+H belongs to the form's Heat field (issue 4), so Help opens with Alt+P.
MENU_TITLES = {"Help": "Hel&p"}
# Commands of the edit form (issue 4): listed in the menus, disabled until the form wires them.
FORM_ACTIONS = (
    "actionSave",
    "actionSaveAll",
    "actionRevert",
    "actionReviewChanges",
    "actionUndo",
    "actionRedo",
    "actionApproveNext",
    "actionUnapprove",
    "actionDecline",
    "actionFlag",
    "actionSkip",
    *(f"actionDeclineReason{n}" for n in range(1, 10)),
)
SEPARATOR_BEFORE = frozenset(
    {"actionSave", "actionQuit", "actionFind", "actionNextRecord", "actionWarningsOnly", "actionAbout"}
)
QUEUE_ACTIONS = {
    "actionQueueAll": Queue.ALL,
    "actionQueueToReview": Queue.TO_REVIEW,
    "actionQueueApproved": Queue.APPROVED,
    "actionQueueDeclined": Queue.DECLINED,
    "actionQueueFlagged": Queue.FLAGGED,
    "actionQueueNeedsAttention": Queue.NEEDS_ATTENTION,
}
# What a decision is called in the tally of a sitting ("12 approved, 3 declined").
DECISION_WORDS = {"approved": "approved", "declined": "declined", "flagged": "flagged", "skipped": "skipped"}
QUEUE_ROLE = Qt.ItemDataRole.UserRole + 1

# A guard is asked before the folder's records are dropped ("close", "open" or "reload");
# returning False keeps everything as it is (the form uses it for unsaved edits).
LeaveGuard = Callable[[str], bool]
LOAD_PROGRESS_MS = 100


def prepare_tls() -> None:
    """Load the TLS backend and the system's CA certificates, off the UI thread.

    Qt does this on the first https request, on the thread that makes it: 0.1 to 0.3 s during
    which the window would freeze as the first record's images start loading.
    """
    if QSslSocket.supportsSsl():
        QSslConfiguration.defaultConfiguration().caCertificates()


class MainWindow(QMainWindow):
    """The desk. See the methods under "For the edit form" for what the form integration uses."""

    folderOpened = Signal(str)  # a new folder starts loading (its records are not there yet)
    folderLoaded = Signal(str)  # every record of the folder is in the table
    currentRecordChanged = Signal(object)  # RecordSummary of the record in the pane, or None
    selectedPathsChanged = Signal(list)  # paths of every selected record (bulk edits)
    documentShown = Signal(object)  # the full Document now shown in the pane
    recordsChangedOnDisk = Signal(list)  # paths changed, added or removed outside the desk (live folder)
    folderRefreshed = Signal(str)  # a refresh from disk is in the table
    shuttingDown = Signal()  # workers are being stopped (may come twice)

    def __init__(self, settings: DeskSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Newsdesk")
        self.setWindowIcon(QIcon(str(resource_path("icons", "newsdesk.svg"))))
        self.setAcceptDrops(True)
        self.settings = settings or DeskSettings()
        self._folder: Path | None = None
        self._reselect_path: str | None = None
        self._loading = False
        self._leave_guards: list[LeaveGuard] = []
        self._closed = False
        self._sitting: dict[str, int] = {}  # decisions made since the folder was opened

        self.registry = ActionRegistry(self)
        self.model = RecordTableModel(self)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.loader = FolderLoader(self)
        self.reader = DocumentReader(self)
        self.checker = FolderChecker(self)
        self.reader.warm_up(prepare_tls)
        self.watcher = FolderWatcher(self)
        self._refresh_running = False
        self._refresh_wanted = False
        self._background_work = False
        self._status_files: list[str] = []  # files of the stories the next status message names
        self._folder_warnings: dict = {}  # path -> warnings of the last folder check
        self._image_warnings: dict = {}  # path key -> warnings found by decoding its thumbnails
        self._status_suffix = ""  # what another part adds to the folder's counts (git's, desktop/ui/git/desk.py)
        self._shutdown_steps: list[Callable[[], None]] = []

        self._build_central()
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self.resize(1400, 900)
        self.restore_settings()
        # The queue list is first in the Tab order, but the first key an editor presses (Down, J,
        # Home) is meant for the records.
        self.recordTable.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- construction -------------------------------------------------------------------
    def _build_central(self) -> None:
        self.queueList = QListWidget()
        self.queueList.setObjectName("queueList")
        self.queueList.setAccessibleName("Queues")
        self.queueList.setItemDelegate(QueueDelegate(self.queueList))
        self.queueList.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queueList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queueList.setTextElideMode(Qt.TextElideMode.ElideRight)
        for queue in Queue:
            item = QListWidgetItem(queue.label)
            item.setData(QUEUE_ROLE, queue.value)
            item.setData(COUNT_ROLE, 0)
            self.queueList.addItem(item)
        self.queueList.setCurrentRow(0)

        self.searchField = SearchField()
        self.searchField.setObjectName("searchField")
        self.searchField.setAccessibleName("Search records")
        self.searchField.setPlaceholderText("Search title, excerpt, provider, topics  (Ctrl+F)")
        self.searchField.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)

        self.recordTable = RecordTableView()
        self.recordTable.setObjectName("recordTable")
        self.recordTable.setAccessibleName("Records")
        self.recordTable.setModel(self.proxy)
        self.recordTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recordTable.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.recordTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Rows are chosen whole: Tab stepping through cells would only trap the keyboard here.
        self.recordTable.setTabKeyNavigation(False)
        self.recordTable.setAlternatingRowColors(True)
        self.recordTable.setShowGrid(False)
        self.recordTable.setWordWrap(False)
        self.recordTable.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.recordTable.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.recordTable.verticalHeader().setVisible(False)
        self.recordTable.verticalHeader().setDefaultSectionSize(self.recordTable.fontMetrics().height() + 10)
        self.recordTable.setIconSize(QSize(52, 16))
        # Where the keys go must be visible at a glance: the table draws a highlight frame while it
        # has the focus (the style's own focus mark is a dotted line around one cell at most).
        self.recordTable.setStyleSheet(
            "QTableView#recordTable { border: 2px solid transparent; }"
            " QTableView#recordTable:focus { border: 2px solid palette(highlight); }"
        )
        header = self.recordTable.horizontalHeader()
        header.setObjectName("recordTableHeader")
        header.setHighlightSections(False)
        # The header styles each section by whether its neighbours' whole columns are selected,
        # which walks every selected row per section (select all at 100,000 rows: seconds). It
        # highlights nothing and sorting does not select, so it gets a selection of its own.
        header.setSelectionModel(QItemSelectionModel(self.proxy, header))
        header.setSectionsMovable(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.recordTable.set_up_columns()
        # File order until the editor clicks a header (-1: not sorted).
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.recordTable.setSortingEnabled(True)

        middle = QWidget()
        middle.setObjectName("recordPanel")
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.setSpacing(4)
        middle_layout.addWidget(self.searchField)
        self.progressLabel = QLabel()
        self.progressLabel.setObjectName("decisionProgress")
        self.progressLabel.setAccessibleName("Decision progress")
        self.progressLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.progressLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        middle_layout.addWidget(self.progressLabel)
        middle_layout.addWidget(self.recordTable)

        self.reviewPane = ReviewPane()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.queueList)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.reviewPane)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        # The pane gets room for the related coverage's titles; the table still shows every column.
        self.splitter.setSizes([150, 740, 510])
        self.queueList.setMinimumWidth(130)
        middle.setMinimumWidth(280)
        self.reviewPane.setMinimumWidth(300)

        container = QWidget()
        layout = QVBoxLayout(container)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.splitter)
        self.setCentralWidget(container)

        self.setTabOrder(self.queueList, self.searchField)
        self.setTabOrder(self.searchField, self.recordTable)
        self.setTabOrder(self.recordTable, self.reviewPane.linkButton)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        bar.setAccessibleName("Status")
        self.statusLabel = QLabel()
        self.statusLabel.setObjectName("statusLabel")
        self.statusLabel.setAccessibleName("Folder and record counts")
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.statusLabel.setContentsMargins(6, 0, 0, 0)
        # Counts change with every chunk while loading: a label that asked for a new width each
        # time would re-layout (and repaint) the whole window, tens of milliseconds per chunk.
        self.statusLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.statusLabel, 1)
        self.progressBar = QProgressBar()
        self.progressBar.setObjectName("loadProgress")
        self.progressBar.setAccessibleName("Loading progress")
        self.progressBar.setMaximumWidth(220)
        self.progressBar.setFormat("%v of %m")
        self.progressBar.hide()
        # QProgressBar.setValue repaints at once, and the window with it (the table's new rows
        # too): once per delivered slice that was most of a warm open's longest stall at 10,000
        # rows. The bar follows the count ten times a second instead.
        self._progress_due = QTimer(self)
        self._progress_due.setSingleShot(True)
        self._progress_due.setInterval(LOAD_PROGRESS_MS)
        self._progress_due.timeout.connect(lambda: self.progressBar.setValue(self.model.rowCount()))
        bar.addPermanentWidget(self.progressBar)
        self.linkProgress = QProgressBar()
        self.linkProgress.setObjectName("linkCheckProgress")
        self.linkProgress.setAccessibleName("Link check progress")
        self.linkProgress.setMinimumWidth(220)  # "Checking links: 1,234 of 5,678" on one line
        self.linkProgress.setMaximumWidth(300)
        self.linkProgress.hide()
        self.stopLinkCheckButton = QToolButton()
        self.stopLinkCheckButton.setObjectName("stopLinkCheck")
        self.stopLinkCheckButton.setText("Stop")
        self.stopLinkCheckButton.setToolTip(
            "Stop checking links: the answers so far are kept, the rest asked next time"
        )
        self.stopLinkCheckButton.hide()
        self.stopLinkCheckButton.clicked.connect(self.stop_link_check)
        bar.addPermanentWidget(self.linkProgress)
        bar.addPermanentWidget(self.stopLinkCheckButton)

    def _build_menus(self) -> None:
        self.recentMenu = QMenu("Open Rec&ent", self)  # &Reload has R
        self.recentMenu.setObjectName("menuOpenRecent")
        self.reasonsMenu = QMenu("Decline &With Reason", self)
        self.reasonsMenu.setObjectName("menuDeclineReasons")
        for action in self.registry.in_menu("Decline reasons"):
            self.reasonsMenu.addAction(action)
        for name in MENUS:
            actions = self.registry.in_menu(name)
            if not actions:
                continue
            menu = self.menuBar().addMenu(MENU_TITLES.get(name, f"&{name}"))
            menu.setObjectName(f"menu{name}")
            for action in actions:
                if action.objectName() in SEPARATOR_BEFORE and menu.actions():
                    menu.addSeparator()
                menu.addAction(action)
                if action.objectName() == "actionOpenFolder":
                    menu.addMenu(self.recentMenu)
                if action.objectName() == "actionDecline":
                    menu.addMenu(self.reasonsMenu)
        toolbar = QToolBar("Main toolbar", self)
        toolbar.setObjectName("mainToolBar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in self.registry.on_toolbar():
            toolbar.addAction(action)
        self.addToolBar(toolbar)
        for name in FORM_ACTIONS:
            self.registry[name].setEnabled(False)
        self.apply_decline_reasons()
        self._rebuild_recent_menu(self.settings.recent_folders())

    def _connect(self) -> None:
        r = self.registry
        r.connect("actionOpenFolder", self.choose_folder)
        r.connect("actionReload", self.reload)
        r.connect("actionRebuildIndex", self.rebuild_index)
        r.connect("actionQuit", self.close)
        r.connect("actionFind", self.focus_search)
        r.connect("actionNextRecord", lambda: self.step(+1))
        r.connect("actionPreviousRecord", lambda: self.step(-1))
        r.connect("actionShortcuts", self.show_shortcuts)
        r.connect("actionPreferences", self.edit_preferences)
        r.connect("actionAbout", lambda: help_dialogs.show_about(self))
        web_images = r["actionLoadWebImages"]
        web_images.setChecked(bool(self.settings.value(LOAD_WEB_IMAGES)))
        self.reviewPane.imageStrip.loader().set_web_images_enabled(web_images.isChecked())
        web_images.toggled.connect(self.set_web_images_enabled)
        for name, queue in QUEUE_ACTIONS.items():
            r.connect(name, lambda _=False, q=queue: self.set_queue(q))
        self.queueList.currentRowChanged.connect(self._on_queue_row)
        self.searchField.textChanged.connect(self._search_timer.start)
        self.searchField.leaveRequested.connect(self.focus_table)
        self._search_timer.timeout.connect(self._apply_search)
        self.recordTable.stepRequested.connect(self.step)
        self.recordTable.reasonKeyPressed.connect(self._decline_with_reason_key)
        selection = self.recordTable.selectionModel()
        selection.currentRowChanged.connect(self._on_current_row)
        selection.selectionChanged.connect(lambda *_: self.selectedPathsChanged.emit(self.selected_paths()))
        self.model.countsChanged.connect(self._update_counts)
        # A sort moves the selected row anywhere in the table: the view goes with it (Qt keeps the
        # selection but not the scroll position, so the record being worked on vanished from view).
        self.proxy.layoutChanged.connect(self._keep_current_in_view)
        self.loader.loadStarted.connect(self._on_load_started)
        self.loader.filesListed.connect(self._on_files_listed)
        self.loader.summariesLoaded.connect(self._on_summaries)
        self.loader.loadFinished.connect(self._on_load_finished)
        self.loader.loadFailed.connect(self._on_load_failed)
        self.loader.indexNotice.connect(self.show_status)
        self.loader.refreshed.connect(self._on_refreshed)
        self.watcher.changed.connect(self.refresh_from_disk)
        self.reader.documentRead.connect(self._on_document_read)
        self.checker.warningsReady.connect(self._on_warnings)
        self.checker.linkProgress.connect(self._on_link_progress)
        self.statusBar().messageChanged.connect(self._on_status_message_changed)
        self.checker.linkCheckFinished.connect(self._on_link_check_finished)
        r["actionWarningsOnly"].toggled.connect(self.set_warnings_only)
        check_links = r["actionCheckLinks"]
        check_links.setChecked(bool(self.settings.value(CHECK_LINKS)))
        check_links.toggled.connect(self.set_link_checks_enabled)
        self.reviewPane.goToRecordRequested.connect(self.go_to_record)
        self.reviewPane.openLinkRequested.connect(self.open_link)
        self.reviewPane.documentShown.connect(self.documentShown)
        self.reviewPane.imageMeasured.connect(self._on_image_measured)
        self.reviewPane.documentShown.connect(self._forget_measured_images)

    # --- folders ------------------------------------------------------------------------
    @property
    def folder(self) -> Path | None:
        return self._folder

    @property
    def loading(self) -> bool:
        return self._loading

    def choose_folder(self) -> None:
        start = str(self._folder) if self._folder else ""
        chosen = QFileDialog.getExistingDirectory(self, "Open Folder of Records", start)
        if chosen:
            self.open_folder(Path(chosen))

    def open_folder(self, folder: Path | str, *, reason: str = "open", rebuild_index: bool = False) -> bool:
        """Drop the current records and read `folder`; False if it is not a folder or a guard said no."""
        folder = Path(folder).expanduser().absolute()
        if not folder.is_dir():
            self.show_status(f"Not opened: {folder} is not a folder.")
            if str(folder) in self.settings.recent_folders():
                self._rebuild_recent_menu(self.settings.forget_folder(str(folder)))
            return False
        if not self._may_leave(reason):
            return False
        if reason != "reload":
            self._reselect_path = None
        self._folder = folder
        self._rebuild_recent_menu(self.settings.remember_folder(folder))
        # "[*]" in a name would be taken for the unsaved-edits mark; Qt reads "[*][*]" as a literal one.
        self.setWindowTitle(f"{folder.name.replace('[*]', '[*][*]')}[*] — Newsdesk")
        self.setWindowModified(False)
        self.reader.forget()
        if reason != "reload":
            self._sitting = {}
        self.model.clear()
        self._refresh_running = self._refresh_wanted = False
        self.watcher.watch(folder)
        self.reviewPane.show_empty("Reading records…")
        self.loader.load(folder, rebuild_index=rebuild_index)
        self.folderOpened.emit(str(folder))
        return True

    def reload(self, *, rebuild_index: bool = False) -> bool:
        """Read the folder again from disk, keeping the current record in view."""
        if self._folder is None:
            return False
        self._reselect_path = self.current_path()
        return self.open_folder(self._folder, reason="reload", rebuild_index=rebuild_index)

    def rebuild_index(self) -> bool:
        """Reload, reading every file again instead of trusting the folder's index."""
        return self.reload(rebuild_index=True)

    def _rebuild_recent_menu(self, folders: list[str]) -> None:
        self.recentMenu.clear()
        for folder in folders:
            action = self.recentMenu.addAction(folder.replace("&", "&&"))  # "&" is not a mnemonic here
            action.triggered.connect(lambda _=False, f=folder: self.open_folder(Path(f)))
        if not folders:
            self.recentMenu.addAction("No recent folders").setEnabled(False)
        else:
            self.recentMenu.addSeparator()
            self.recentMenu.addAction("Clear Recent Folders", self._clear_recent)

    def _clear_recent(self) -> None:
        for folder in self.settings.recent_folders():
            self.settings.forget_folder(folder)
        self._rebuild_recent_menu([])

    # --- loading ------------------------------------------------------------------------
    def _on_load_started(self, generation: int, folder: str) -> None:
        self.checker.cancel()
        self._image_warnings.clear()
        self._hide_link_progress()
        self._loading = True
        self.progressBar.setRange(0, 0)
        self.progressBar.show()
        self._update_counts()

    def _on_files_listed(self, generation: int, total: int) -> None:
        self.progressBar.setRange(0, max(total, 1))
        self.progressBar.setValue(0)

    def _on_summaries(self, generation: int, summaries: list[RecordSummary]) -> None:
        self.model.append_summaries(summaries)
        if not self._progress_due.isActive():
            self._progress_due.start()
        if self._reselect_path and self.select_path(self._reselect_path):
            self._reselect_path = None
        elif not self._reselect_path and not self.recordTable.currentIndex().isValid():
            self._select_proxy_row(0)

    def _on_load_finished(self, generation: int, count: int) -> None:
        self._loading = False
        self._progress_due.stop()
        self.progressBar.hide()
        collector.settle_heap()  # once per load: a reload freezes what is new
        if self._reselect_path:
            self._reselect_path = None
            self._select_proxy_row(0)
        # Rows that arrived after the selected one was found sorted in above it and pushed it down.
        self._keep_current_in_view()
        self._update_counts()
        self._check_folder()
        if count == 0:
            self.reviewPane.show_empty("This folder has no records (.txt, .md or .markdown files).")
        elif not self.recordTable.currentIndex().isValid():
            self._show_nothing_selected()
        self.watcher.watch_files(summary.path for summary in self.model.summaries())
        self.folderLoaded.emit(str(self._folder))
        if self._refresh_wanted:
            self.refresh_from_disk()  # something changed while the folder was being read

    def _on_load_failed(self, generation: int, message: str) -> None:
        self._loading = False
        self.progressBar.hide()
        self.reviewPane.show_empty(message)
        self.show_status(message)
        self._update_counts()

    def _check_folder(self) -> None:
        self._hide_link_progress()
        self.checker.check(
            self.model.summaries(),
            online=self.registry["actionCheckLinks"].isChecked(),
            folder=self._folder,
            max_age_hours=self.settings.value(LINK_MAX_AGE_HOURS),
            min_image_size=self.settings.value(MIN_IMAGE_SIZE),
        )

    def stop_link_check(self) -> None:
        """Ask no more addresses; what was answered is shown and kept for the next check."""
        self.checker.stop_links()
        self.stopLinkCheckButton.setEnabled(False)
        self.linkProgress.setFormat("Stopping…")

    def _on_link_progress(self, done: int, total: int) -> None:
        if not self.linkProgress.isVisible():
            self.linkProgress.setFormat("Checking links: %v of %m")
            self.stopLinkCheckButton.setEnabled(True)
        self.linkProgress.setRange(0, max(total, 1))
        self.linkProgress.setValue(done)
        self.linkProgress.setVisible(done < total)
        self.stopLinkCheckButton.setVisible(done < total)

    def _on_link_check_finished(self, done: int, total: int, stopped: bool) -> None:
        self._hide_link_progress()
        marks = Counter(links.link_mark(result)[0] for result in self.reviewPane.link_results().values())
        broken, moved = marks[links.BROKEN], marks[links.MOVED]
        answers = f"{broken:,} not answering, {moved:,} moved" if broken or moved else "all answering"
        if stopped:
            self.show_status(
                f"Link check stopped: {done:,} of {total:,} addresses checked ({answers}); "
                "the rest are asked next time."
            )
        else:
            self.show_status(f"Links checked: {counted(total, 'address', 'addresses')}, {answers}.")

    def _hide_link_progress(self) -> None:
        self.linkProgress.hide()
        self.stopLinkCheckButton.hide()

    def set_link_checks_enabled(self, enabled: bool) -> None:
        self.settings.set_value(CHECK_LINKS, enabled)
        self.registry["actionCheckLinks"].setChecked(enabled)
        if self._folder is not None and not self._loading:
            self._check_folder()

    def _on_warnings(self, warnings: dict, link_results: dict) -> None:
        self.reviewPane.set_link_results(link_results)
        self._folder_warnings = warnings
        self._show_warnings()

    def _on_image_measured(self, document: Document, url: str, size: tuple[int, int]) -> None:
        """A thumbnail decoded: its real size is checked as the online check would, without a request."""
        found = loaded_image_problems(document, url, size, self.settings.value(MIN_IMAGE_SIZE))
        key = path_key(document.path)
        known = self._image_warnings.get(key, [])
        merged = merged_problems(known, found)
        if len(merged) > len(known):
            self._image_warnings[key] = merged
            self._show_warnings()

    def _forget_measured_images(self, document: Document) -> None:
        # The record as read now: its images are measured again as its thumbnails load.
        if self._image_warnings.pop(path_key(document.path), None) is not None:
            self._show_warnings()

    def _show_warnings(self) -> None:
        """The folder check's warnings and those of the thumbnails seen, each said once."""
        warnings = {path_key(path): list(found) for path, found in self._folder_warnings.items()}
        for key, found in self._image_warnings.items():
            warnings[key] = merged_problems(warnings.get(key, []), found)
        self.model.set_warnings(warnings)
        # The table re-filters itself: set_warnings reports every state cell as changed.
        self.reviewPane.set_warnings(self.model.warnings_of(self.current_path()) if self.current_path() else [])

    def set_warnings_only(self, only: bool) -> None:
        self.registry["actionWarningsOnly"].setChecked(only)
        self.proxy.set_warnings_only(only)
        self._after_filter()

    def go_to_record(self, path: str) -> bool:
        """Select `path` ("Same story as …"), leaving the queue, filter and search if they hide it."""
        if self.select_path(path):
            return True
        self.searchField.clear()
        self._apply_search()
        self.set_warnings_only(False)
        self.set_queue(Queue.ALL)
        return self.select_path(path)

    # --- the live folder ------------------------------------------------------------------
    def set_background_work(self, running: bool) -> None:
        """A bulk edit or a save runs off the UI thread (the edit form's hook); refreshes wait for it."""
        self._background_work = running
        if not running and self._refresh_wanted:
            self.refresh_from_disk()

    def refresh_from_disk(self) -> None:
        """Take in what changed on disk (the watcher calls this once per burst of changes)."""
        if self._folder is None:
            return
        # While the desk itself writes hundreds of files, each burst of their change events would
        # list the folder and look it up again (0.5 s of GIL at 10,000 records, over and over):
        # one refresh once the work is done sees the same.
        if self._loading or self._refresh_running or self._background_work or not self.loader.refresh():
            self._refresh_wanted = True  # run once the load, the refresh or the work under way is done
            return
        self._refresh_running, self._refresh_wanted = True, False

    def _on_refreshed(self, generation: int, changes: FolderChanges) -> None:
        self._refresh_running = False
        if generation != self.loader.generation:
            return
        listed = {path_key(path) for path in changes.listed}
        dirty = self.model.dirty_paths()
        current_index = self.recordTable.currentIndex()
        was_in_view = current_index.isValid() and self.recordTable.viewport().rect().intersects(
            self.recordTable.visualRect(current_index)
        )
        # A record with unsaved edits keeps its row even when its file went away: the edits are still there.
        gone = [s.path for s in self.model.summaries() if s.path not in listed and s.path not in dirty]
        self.model.remove_paths(gone)
        touched = list(gone)
        fresh = []
        for summary in changes.changed:
            if self.model.row_for_path(summary.path) is None:
                fresh.append(summary)
            elif not self._same_row(summary):
                self.model.update_summary(summary)
            else:
                continue
            touched.append(summary.path)
        self.model.append_summaries(fresh)
        self.watcher.watch_files(changes.listed)
        if touched:
            current = self.current_path()
            key = path_key(current) if current is not None else None
            if key in {path_key(p) for p in touched} and key in listed and key not in dirty:
                self.reader.read(current)  # the pane shows the new version too
            if not self.proxy.rowCount():
                self._show_nothing_selected()
            elif not self.recordTable.currentIndex().isValid():
                self._select_proxy_row(0)
            elif was_in_view:
                self._keep_current_in_view()  # new files sorted in above it must not push it out of sight
            self.recordsChangedOnDisk.emit(touched)
            self._check_folder()  # duplicates and links follow the folder as it now is
        self.folderRefreshed.emit(str(self._folder))
        if self._refresh_wanted:
            self.refresh_from_disk()

    def _update_counts(self) -> None:
        for row in range(self.queueList.count()):
            item = self.queueList.item(row)
            queue = Queue(item.data(QUEUE_ROLE))
            count = self.model.count(queue)
            item.setData(COUNT_ROLE, count)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{queue.label}, {count}")
        if self._folder is None:
            self.statusLabel.setText("No folder open")
            return
        m = self.model
        total, attention = m.count(Queue.ALL), m.count(Queue.NEEDS_ATTENTION)
        declined, flagged = m.count(Queue.DECLINED), m.count(Queue.FLAGGED)
        decided = f"{m.count(Queue.APPROVED)} approved"
        decided += f", {declined} declined" if declined else ""
        decided += f", {flagged} flagged" if flagged else ""
        text = (
            f"{self._folder}   ·   {total} record{'' if total == 1 else 's'}, {m.count(Queue.TO_REVIEW)} to review, "
            f"{decided}, {attention} need{'s' if attention == 1 else ''} attention"
        )
        if m.warnedCount:
            text += f", {m.warnedCount} with warnings"
        if self._status_suffix:
            text += f"   ·   {self._status_suffix}"
        self._update_progress()
        if self._loading:
            text += "   ·   reading…"
        self.statusLabel.setText(text)
        self.statusLabel.setToolTip(str(self._folder))

    def _update_progress(self) -> None:
        m = self.model
        decided = m.count(Queue.APPROVED) + m.count(Queue.DECLINED) + m.count(Queue.FLAGGED)
        if self._folder is None or not m.count(Queue.ALL):
            self.progressLabel.setText("")
            return
        text = f"{decided} of {m.count(Queue.ALL)} decided"
        if self._sitting:
            text += f"   ·   this sitting: {self.sitting_text()}"
        self.progressLabel.setText(text)

    def show_queue_end(self) -> None:
        """After the last record of the queue: the done page when the queue is empty, else the
        last row stays selected and the status bar says the end was reached."""
        if not self.proxy.rowCount():
            self._show_nothing_selected()
            return
        if not self.recordTable.currentIndex().isValid():
            self._select_proxy_row(self.proxy.rowCount() - 1)
        left = self.proxy.rowCount()
        self.show_status(
            f"End of “{self.proxy.queue.label}” ({left} record{'' if left == 1 else 's'} in it). "
            f"This sitting: {self.sitting_text()}."
        )

    def note_decision(self, decision: str, count: int = 1) -> None:
        """Count a decision of this sitting (for the progress line and the end of a queue)."""
        self._sitting[decision] = self._sitting.get(decision, 0) + count
        self._update_progress()

    def sitting_text(self) -> str:
        parts = [f"{self._sitting[d]} {DECISION_WORDS[d]}" for d in DECISION_WORDS if self._sitting.get(d)]
        return ", ".join(parts) or "nothing decided yet"

    def apply_decline_reasons(self) -> None:
        """Name the reason actions after the reasons in the settings; unused numbers are hidden
        (a hidden action's key does nothing, so Alt+9 with 8 reasons is not a silent decline)."""
        reasons = self.settings.decline_reasons()
        for n in range(1, 10):
            action = self.registry[f"actionDeclineReason{n}"]
            reason = reasons[n - 1] if n <= len(reasons) else ""
            action.setText(f"&{n}  {reason.replace('&', '&&')}" if reason else f"Reason {n}")
            action.setData(reason)
            action.setVisible(bool(reason))
            action.setStatusTip(f"Decline as “{reason}”, save, go to the next record" if reason else "")

    def _decline_with_reason_key(self, number: int) -> None:
        action = self.registry[f"actionDeclineReason{number}"]
        if action.isVisible() and action.isEnabled():
            action.trigger()
        else:
            self.show_status(f"No decline reason on key {number} (Review > Decline With Reason lists them).")

    # --- queues, search, moving ---------------------------------------------------------
    def set_queue(self, queue: Queue) -> None:
        self.queueList.setCurrentRow(list(Queue).index(queue))

    def current_queue(self) -> Queue:
        return self.proxy.queue

    def _on_queue_row(self, row: int) -> None:
        if row < 0:
            return
        kept = self._current_path()
        self.proxy.set_queue(list(Queue)[row])
        self._after_filter(kept)

    def focus_search(self) -> None:
        self.searchField.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.searchField.selectAll()

    def focus_table(self) -> None:
        self.recordTable.setFocus(Qt.FocusReason.OtherFocusReason)

    def _apply_search(self) -> None:
        kept = self._current_path()
        self.proxy.set_search_text(self.searchField.text())
        self._after_filter(kept)

    def _keep_current_in_view(self, *_args) -> None:
        current = self.recordTable.currentIndex()
        if current.isValid():
            self.recordTable.scrollTo(current)

    def _current_path(self) -> str | None:
        current = self.recordTable.currentIndex()
        return self.model.summary_at(self.proxy.mapToSource(current).row()).path if current.isValid() else None

    def _after_filter(self, kept: str | None = None) -> None:
        """Keep a visible record selected after the queue or the search changed what is shown.

        `kept` is the record that was current: a change to many rows at once reaches the view as a
        reset (see RecordFilterProxy), which forgets the current row without a signal."""
        if kept is not None and not self.recordTable.currentIndex().isValid() and self.select_path(kept):
            return
        current = self.recordTable.currentIndex()
        selection = self.recordTable.selectionModel()
        if current.isValid() and selection.isRowSelected(current.row(), QModelIndex()):
            self.recordTable.scrollTo(current)
            return
        if self.proxy.rowCount():
            self._select_proxy_row(0)
        else:
            self.recordTable.selectionModel().clear()
            self._show_nothing_selected()

    def _show_nothing_selected(self) -> None:
        self.reader.forget()
        if self._folder is None:
            message = "Open a folder of records to begin (File > Open Folder…, Ctrl+O)."
        elif self._loading:
            message = "Reading records…"
        elif self.model.rowCount() == 0:
            message = "This folder has no records (.txt, .md or .markdown files)."
        elif self.proxy.search_text:
            message = f"No records in “{self.proxy.queue.label}” match “{self.searchField.text().strip()}”."
        elif self.proxy.rowCount() == 0 and self._sitting:
            message = (
                f"Queue done: nothing left in “{self.proxy.queue.label}”.\n\n"
                f"Decided in this sitting: {self.sitting_text()}.\n\n"
                "Ctrl+1 shows all records; Ctrl+2 to Ctrl+6 the other queues."
            )
        elif self.proxy.rowCount() == 0:
            message = f"No records in “{self.proxy.queue.label}”."
        else:
            message = "Select a record to review it."
        self.reviewPane.show_empty(message, placeholder=not message.startswith("Queue done"))
        self.currentRecordChanged.emit(None)

    def step(self, delta: int) -> bool:
        """Move to the next (+1) or previous (-1) record of the current queue; False at either end."""
        rows = self.proxy.rowCount()
        if not rows:
            return False
        current = self.recordTable.currentIndex()
        row = (current.row() + delta) if current.isValid() else 0
        if not 0 <= row < rows:
            return False
        self._select_proxy_row(row)
        return True

    def _select_proxy_row(self, row: int) -> None:
        if not 0 <= row < self.proxy.rowCount():
            return
        column = max(self.recordTable.currentIndex().column(), Column.TITLE)
        index = self.proxy.index(row, column)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.recordTable.selectionModel().setCurrentIndex(index, flags)
        self.recordTable.scrollTo(index)

    def select_path(self, path: str) -> bool:
        """Make the record at `path` current, if it is in the table and in the current queue."""
        source_row = self.model.row_for_path(path)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self._select_proxy_row(index.row())
        return True

    def _on_current_row(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            self._show_nothing_selected()
            return
        summary = self.model.summary_at(self.proxy.mapToSource(current).row())
        if self.reviewPane.current_path != summary.path or self.reviewPane.document is None:
            self.reviewPane.set_warnings(self.model.warnings_of(summary.path))
            self.reviewPane.show_summary(summary)
            self.reader.read(summary.path)
        self.currentRecordChanged.emit(summary)

    def _on_document_read(self, request: int, path: str, document: Document) -> None:
        if path != self.reviewPane.current_path:
            return  # the editor has moved on
        summary = summarize_document(document)
        if self.model.row_for_path(path) is not None and not self._same_row(summary):
            self.model.update_summary(summary)  # the file changed since the folder was read
            self.loader.remember(path)
        self.reviewPane.show_document(document, summary)

    def _same_row(self, summary: RecordSummary) -> bool:
        row = self.model.row_for_path(summary.path)
        return row is not None and self.model.summary_at(row) == summary

    # --- links, status, help ------------------------------------------------------------
    def open_link(self, url: str) -> bool:
        """Open an http(s) link in the system browser; anything else is refused and said so."""
        if links.safe_url(url) is None:
            self.show_status(links.refusal(url) if url else "This entry has no link.")
            return False
        if links.open_url(url):
            self.show_status(f"Opened {url} in the browser.")
            return True
        self.show_status(f"The system could not open {url}.")
        return False

    def set_web_images_enabled(self, enabled: bool) -> None:
        """The "Load Web Images" preference: remembered, and applied to the record shown at once."""
        self.registry["actionLoadWebImages"].setChecked(enabled)
        self.settings.set_value(LOAD_WEB_IMAGES, enabled)
        self.reviewPane.imageStrip.loader().set_web_images_enabled(enabled)

    def show_status(self, message: str, timeout_ms: int = STATUS_TIMEOUT_MS) -> None:
        """A transient message in the status bar (the folder and counts come back after it).
        A message naming stories by headline has their files in the bar's tooltip while it shows."""
        files, self._status_files = self._status_files, []
        self.statusBar().setToolTip(plain_tooltip(*files))
        self.statusBar().showMessage(message, timeout_ms)

    def name_files_of_next_status(self, files: list[str]) -> None:
        self._status_files = list(files)

    def _on_status_message_changed(self, message: str) -> None:
        if not message:  # the message timed out: its files go with it
            self.statusBar().setToolTip("")

    def edit_preferences(self) -> None:
        """Edit > Preferences; what changed is applied through the same actions the menus use."""
        before = Preferences.stored(self.settings)
        dialog = PreferencesDialog(before, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        after = dialog.values()
        after.store(self.settings)
        self.apply_decline_reasons()
        if after.load_web_images != before.load_web_images:
            self.set_web_images_enabled(after.load_web_images)
        checks_changed = (after.link_max_age_hours, after.min_image_size) != (
            before.link_max_age_hours,
            before.min_image_size,
        )
        if after.min_image_size != before.min_image_size:
            self._image_warnings.clear()  # measured against the old minimum; the thumbnails shown measure again
            self.reviewPane.imageStrip.reload()
        if after.check_links != before.check_links:
            self.set_link_checks_enabled(after.check_links)
        elif checks_changed and self._folder is not None and not self._loading:
            self._check_folder()
        self.show_status("Preferences saved.")

    def show_shortcuts(self) -> None:
        dialog = help_dialogs.ShortcutsDialog(self.registry.shortcut_rows(), self)
        dialog.exec()

    # --- for the edit form: the members of desktop/ui/editing/host.py's EditingHost -------
    def form_layout(self) -> QVBoxLayout:
        """The empty layout above the review tabs where the edit form goes."""
        return self.reviewPane.form_layout

    def attach_editing(self, controller: EditController, form: RecordForm) -> None:
        """Keep the editing's controller and form (the window's closing and its tests use them)."""
        self.editController = controller
        self.recordForm = form

    def place_in_tab_order(self, first: QWidget, last: QWidget) -> None:
        """Put the widgets `first` ... `last` between the pane's link and its tabs in the Tab order."""
        self.setTabOrder(self.reviewPane.linkButton, first)
        self.setTabOrder(last, self.reviewPane.tabs)

    def loaded_summary(self, path: str) -> RecordSummary | None:
        """The table's row of `path` as loaded (None when it is not in the folder)."""
        row = self.model.row_for_path(path)
        return None if row is None else self.model.summary_at(row)

    def loaded_summaries(self) -> list[RecordSummary]:
        return self.model.summaries()

    def path_after(self, paths: list[str]) -> str | None:
        """The path of the first row below the current one (in the queue as shown) not in `paths`."""
        current = self.recordTable.currentIndex()
        start = current.row() + 1 if current.isValid() else 0
        chosen = set(paths)
        for row in range(start, self.proxy.rowCount()):
            source_row = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            path = self.model.summary_at(source_row).path
            if path not in chosen:
                return path
        return None

    def current_path(self) -> str | None:
        """Path of the record shown in the review pane."""
        return self.reviewPane.current_path

    def current_summary(self) -> RecordSummary | None:
        return self.reviewPane.summary

    def current_document(self) -> Document | None:
        """The full record shown in the pane (None while it is being read)."""
        return self.reviewPane.document

    def selected_source_rows(self) -> list[int]:
        """Source-model rows of every selected record, in table order of the source model."""
        # By the selection's ranges: selectedRows() makes an index per row, 0.1 s for 100,000.
        selection = self.recordTable.selectionModel().selection()
        return self.proxy.source_rows_of_ranges((span.top(), span.bottom()) for span in selection)

    def selected_paths(self) -> list[str]:
        return [self.model.summary_at(row).path for row in self.selected_source_rows()]

    def refresh_record(self, summary: RecordSummary, document: Document | None = None) -> None:
        """Show a record's new state after a save: its table row, and the pane if it is current."""
        self.model.update_summary(summary)
        self.loader.remember(summary.path)  # the index learns the saved file with the table
        if summary.path == self.current_path():
            if document is not None:
                self.reviewPane.show_document(document, summary)
            else:
                self.reviewPane.show_summary(summary)
                self.reader.read(summary.path)

    def show_pending(self, path: str, summary: RecordSummary | None) -> None:
        """Show a record's row with the values its unsaved edits would save (None: as on disk)."""
        self.model.set_pending(path, summary)

    def show_record_problems(self, problems: list) -> None:
        """The shown record's own problems as its unsaved edits would save it."""
        self.reviewPane.show_record_problems(problems)

    def show_typed_problems(self, typed: dict[str, str]) -> None:
        """The form's typed values that can't be used yet (key -> why), for the pane's list."""
        self.reviewPane.set_typed_problems(typed)

    def set_dirty(self, path: str, dirty: bool) -> None:
        """Mark a record as having unsaved edits (table marker and the window title's *)."""
        self.model.set_dirty(path, dirty)
        self.setWindowModified(bool(self.model.dirty_paths()))

    def set_status_suffix(self, text: str) -> None:
        """A part of the status line after the counts (git's counts); "" for none."""
        self._status_suffix = text
        self._update_counts()

    def add_shutdown_step(self, step: Callable[[], None]) -> None:
        """Something to stop with the window's own workers (a part's worker thread)."""
        self._shutdown_steps.append(step)

    def add_leave_guard(self, guard: LeaveGuard) -> None:
        self._leave_guards.append(guard)

    def _may_leave(self, reason: str) -> bool:
        return self._folder is None or all(guard(reason) for guard in self._leave_guards)

    # --- settings, drops, closing -------------------------------------------------------
    def restore_settings(self) -> None:
        s = self.settings
        if not s.value(GEOMETRY).isEmpty():
            self.restoreGeometry(s.value(GEOMETRY))
        if not s.value(WINDOW_STATE).isEmpty():
            self.restoreState(s.value(WINDOW_STATE))
        if not s.value(SPLITTER).isEmpty():
            self.splitter.restoreState(s.value(SPLITTER))
        header = self.recordTable.horizontalHeader()
        if not s.value(HEADER).isEmpty() and header.restoreState(s.value(HEADER)):
            self.proxy.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
            self.recordTable.restored_columns(self.settings.column_widths())
        try:
            self.set_queue(Queue(s.value(QUEUE)))
        except ValueError:
            self.set_queue(Queue.ALL)

    def save_settings(self) -> None:
        s = self.settings
        s.set_value(GEOMETRY, self.saveGeometry())
        s.set_value(WINDOW_STATE, self.saveState())
        s.set_value(SPLITTER, self.splitter.saveState())
        s.set_value(HEADER, self.recordTable.horizontalHeader().saveState())
        s.set_column_widths(self.recordTable.chosen_widths)
        s.set_value(QUEUE, self.proxy.queue.value)
        s.sync()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_folder(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        folder = self._dropped_folder(event)
        if folder is None:
            event.ignore()
            return
        event.acceptProposedAction()
        # Opening may ask about unsaved edits: not from inside the drop handler.
        QTimer.singleShot(0, lambda: self.open_folder(folder))

    @staticmethod
    def _dropped_folder(event: QDragEnterEvent | QDropEvent) -> Path | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile() and Path(url.toLocalFile()).is_dir():
                return Path(url.toLocalFile())
        return None

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed and not self._may_leave("close"):
            event.ignore()
            return
        if not self._closed:
            self._closed = True
            self.save_settings()
            self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop every worker (processes and threads); safe to call twice."""
        self.shuttingDown.emit()
        self.watcher.stop()
        for step in self._shutdown_steps:
            step()
        self.loader.shutdown()
        self.checker.shutdown()
        self.reader.shutdown()
        self.reviewPane.imageStrip.clear()
        self.reviewPane.imageStrip.loader().shutdown()
