"""Wiring the editing into the desk: the form in the review pane, the edit and decision commands,
and the progress of background work in the status bar. Only `EditingHost`'s members are used.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressBar, QToolButton

from desktop.records import APPROVED, DECLINED, FLAGGED, Document, path_key
from desktop.ui.editing.controller import EditController
from desktop.ui.editing.form import RecordForm
from desktop.ui.editing.host import EditingHost
from desktop.ui.table.model import Queue


def install_work_progress(host: EditingHost, controller: EditController) -> None:
    """A progress bar and a Cancel button in the status bar while a bulk edit or a save runs."""
    progress = QProgressBar()
    progress.setObjectName("workProgress")
    progress.setAccessibleName("Progress of the change being made")
    progress.setMinimumWidth(240)  # room for "Changing 1,000 records: 40%" on one line
    progress.setMaximumWidth(320)
    progress.hide()
    cancel = QToolButton()
    cancel.setObjectName("cancelWork")
    cancel.setText("Cancel")
    cancel.setToolTip("Stop: an edit not finished changes no record; a save keeps what it wrote")
    cancel.hide()
    host.statusBar().addPermanentWidget(progress)
    host.statusBar().addPermanentWidget(cancel)

    def show_progress(label: str, done: int, total: int) -> None:
        progress.setFormat(f"{label}: %p%")
        progress.setRange(0, max(total, 1))
        progress.setValue(done)
        progress.show()
        cancel.setVisible(controller.work_cancellable())

    def hide_progress() -> None:
        progress.hide()
        cancel.hide()

    controller.workProgress.connect(show_progress)
    controller.workFinished.connect(hide_progress)
    controller.workProgress.connect(lambda *_: host.set_background_work(True))
    controller.workFinished.connect(lambda: host.set_background_work(False))
    cancel.clicked.connect(controller.cancel_work)


def install_editing(host: EditingHost) -> EditController:
    """Put the form into the review desk and connect every editing command to it, through the
    members of `EditingHost` only (the MainWindow, joined in app.py)."""
    controller = EditController(host.window())  # its questions are asked over the window
    controller.setObjectName("editController")
    form = RecordForm()
    host.form_layout().addWidget(form)
    form.show()  # at once, even when the window is already on screen
    host.attach_editing(controller, form)
    controller.summary_lookup = host.loaded_summary
    controller.connect_form(form)

    def show_selection(paths: list[str]) -> None:
        controller.set_current(paths)
        controller.show_in_form(form, paths)

    def on_document_shown(document: Document) -> None:
        controller.session.adopt(document)
        key = path_key(document.path)
        if controller.session.is_dirty(key):  # back on a record with unsaved edits: their problems
            host.show_record_problems(controller.session.edited(key).problems)
        if key in controller.current_paths():
            controller.show_in_form(form, controller.current_paths())
            controller.set_current(controller.current_paths())  # the decisions follow what the file allows

    completions_due = QTimer(form)
    completions_due.setSingleShot(True)
    completions_due.setInterval(0)

    @completions_due.timeout.connect
    def update_completions() -> None:
        topics = {topic for summary in host.loaded_summaries() for topic in summary.topics}
        form.set_completions(sorted(topics))

    def refresh_completions(*_args) -> None:
        # Once per turn of the event loop: Save All of 1,000 records asked after each of them, and
        # each time walked the topics of every row (10 s at 10,000 rows, bench_bulk.py).
        completions_due.start()

    host.selectedPathsChanged.connect(show_selection)
    host.documentShown.connect(on_document_shown)
    host.folderLoaded.connect(refresh_completions)
    controller.dirtyChanged.connect(host.set_dirty)

    def show_pending(keys: list[str]) -> None:
        session = controller.session
        shown = host.current_path()
        for key in keys:
            dirty = session.knows(key) and session.is_dirty(key)
            host.show_pending(key, session.edited_summary(key) if dirty else None)
            if shown is not None and key == path_key(shown) and session.knows(key):
                # The pane's problems follow the unsaved values: fixing 150 to 74 clears that one.
                host.show_record_problems((session.edited(key) if dirty else session.base(key)).problems)

    controller.recordsChanged.connect(show_pending)
    form.inputProblemChanged.connect(lambda _first: host.show_typed_problems(form.input_problems()))
    controller.recordSaved.connect(lambda key, doc: host.refresh_record(controller.session.summary_of(doc), doc))
    controller.recordSaved.connect(refresh_completions)
    controller.messageFiles.connect(host.name_files_of_next_status)
    controller.message.connect(host.show_status)

    def reveal(key: str) -> None:
        if key in controller.current_paths():
            return
        if not host.select_path(key):  # queues follow what is saved: it may be in another one now
            host.set_queue(Queue.ALL)
            host.select_path(key)

    controller.revealRequested.connect(reveal)
    controller.saveBlocked.connect(lambda why: host.show_status(why) if why else None)

    def move_on(following: str | None) -> None:
        # One rule after every decision and skip: the next record, with the keyboard on the table.
        if not (following is not None and host.select_path(following)) and not host.step(+1):
            host.show_queue_end()
        host.focus_table()

    def decide_next(decision: str, reason: str = "") -> None:
        paths = controller.current_paths()
        if not paths:
            host.show_queue_end()
            return
        # Chosen before deciding: in "To review" the decided rows leave the queue.
        following = host.path_after(paths)
        note = form.decision_note() if decision != APPROVED else ""
        if controller.decide(paths, decision, reason, note):
            host.note_decision(decision, len(paths))
            move_on(following)

    def skip() -> None:
        paths = controller.current_paths()
        if not paths:
            host.show_queue_end()
            return
        host.note_decision("skipped", len(paths))
        move_on(host.path_after(paths))

    install_work_progress(host, controller)
    controller.bind_actions(host.registry, go_next=None, parent=host.window())
    registry = host.registry
    registry.connect("actionApproveNext", lambda: decide_next(APPROVED))
    registry.connect("actionDecline", lambda: decide_next(DECLINED))
    registry.connect("actionFlag", lambda: decide_next(FLAGGED))
    registry.connect("actionSkip", skip)
    for n in range(1, 10):
        reason_action = registry[f"actionDeclineReason{n}"]
        reason_action.triggered.connect(lambda _=False, a=reason_action: decide_next(DECLINED, a.data() or ""))

    # Closing, opening another folder or reloading asks about unsaved edits first; once the
    # new folder starts loading, the old folder's edits and undo history are gone.
    host.add_leave_guard(lambda _reason: controller.confirm_discard(host.window()))
    host.folderOpened.connect(lambda _folder: controller.reset())

    # Tab order: link, the form's fields, then the review tabs.
    form.setTabOrder(form.qualityInput, form.heatInput)
    form.setTabOrder(form.heatInput, form.topicsInput.lineEdit)
    form.setTabOrder(form.topicsInput.lineEdit, form.publishedInput)
    host.place_in_tab_order(form.qualityInput, form.publishedInput)
    show_selection(host.selected_paths())
    refresh_completions()
    return controller
