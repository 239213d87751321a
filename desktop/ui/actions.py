"""Every command of the window, defined once: menus, toolbar and the shortcuts help read from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    name: str  # objectName of the QAction, and the key to look it up
    text: str  # menu text, with & for the mnemonic
    menu: str  # "File", "Edit", "Review", "Git", "View", "Help"
    shortcuts: tuple[Key | str, ...] = ()
    tip: str = ""
    checkable: bool = False
    toolbar: bool = False
    listed: bool = True  # one row of its own in the shortcuts help (the reason keys share one row)


# Written out rather than QKeySequence.Undo/Redo: those differ per platform (on Linux Redo is
# Ctrl+Shift+Z only, and Undo brings the Sun keyboard's F14), so the documented keys would not work
# everywhere. Ctrl is Command on macOS.
UNDO_KEYS = ("Ctrl+Z", "Alt+Backspace")
REDO_KEYS = ("Ctrl+Shift+Z", "Ctrl+Y", "Alt+Shift+Backspace")

ACTION_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("actionOpenFolder", "&Open Folder…", "File", (Key.Open,), "Open a folder of records", toolbar=True),
    ActionSpec("actionReload", "&Reload", "File", ("F5",), "Read the folder again from disk", toolbar=True),
    ActionSpec(
        "actionRebuildIndex", "Re&build Index", "File", (), "Forget the folder's index and read every file again"
    ),
    ActionSpec("actionSave", "&Save", "File", (Key.Save,), "Write this record's edits to disk", toolbar=True),
    ActionSpec("actionSaveAll", "Save A&ll", "File", ("Ctrl+Shift+S",), "Write every unsaved record to disk"),
    ActionSpec("actionRevert", "Re&vert Record", "File", (), "Drop this record's unsaved edits"),
    ActionSpec(
        "actionReviewChanges",
        "Review &Changes…",
        "File",
        ("Ctrl+D",),
        "Show the diff each save will write",
        toolbar=True,
    ),
    ActionSpec("actionQuit", "&Quit", "File", (Key.Quit, "Ctrl+Q"), "Close Newsdesk"),
    ActionSpec("actionUndo", "&Undo", "Edit", UNDO_KEYS, "Undo the last edit"),
    ActionSpec("actionRedo", "&Redo", "Edit", REDO_KEYS, "Redo the last undone edit"),
    ActionSpec("actionFind", "&Find…", "Edit", (Key.Find,), "Search titles, excerpts, providers and topics"),
    ActionSpec(
        "actionPreferences",
        "&Preferences…",
        "Edit",
        (Key.Preferences, "Ctrl+,"),
        "Decline reasons, link checks and web images",
    ),
    ActionSpec(
        "actionApproveNext",
        "&Approve && Next",
        "Review",
        ("Ctrl+Return",),
        "Approve for publication, save, go to the next record",
        toolbar=True,
    ),
    ActionSpec("actionUnapprove", "&Unapprove", "Review", ("Ctrl+Shift+Return",), "Withdraw approval and save"),
    ActionSpec(
        "actionDecline",
        "&Decline && Next",
        "Review",
        ("Ctrl+Shift+D",),
        "Decline without a reason, save, go to the next record",
        toolbar=True,
    ),
    ActionSpec(
        "actionFlag",
        "&Flag && Next",
        "Review",
        ("Ctrl+Shift+F",),
        "Flag for later, save, go to the next record",
        toolbar=True,
    ),
    ActionSpec(
        "actionSkip", "S&kip", "Review", ("Ctrl+Shift+N",), "Go to the next record without deciding", toolbar=True
    ),
    *(
        ActionSpec(f"actionDeclineReason{n}", f"Reason {n}", "Decline reasons", (f"Alt+{n}",), "", listed=False)
        for n in range(1, 10)
    ),
    ActionSpec("actionNextRecord", "&Next Record", "Review", ("Alt+Down",), "Go to the next record in the queue"),
    ActionSpec(
        "actionPreviousRecord", "&Previous Record", "Review", ("Alt+Up",), "Go to the previous record in the queue"
    ),
    ActionSpec("actionPublish", "&Publish", "Git", (), "Commit the saved approvals and field edits as one git commit"),
    ActionSpec("actionSync", "S&ync", "Git", (), "Fetch and pull the others' commits; records merge field by field"),
    ActionSpec(
        "actionResolveConflict", "&Resolve Conflict…", "Git", (), "Choose per field between your version and theirs"
    ),
    ActionSpec("actionQueueAll", "&All Records", "View", ("Ctrl+1",), "Show every record"),
    ActionSpec("actionQueueToReview", "&To Review", "View", ("Ctrl+2",), "Show records not yet decided"),
    ActionSpec("actionQueueApproved", "A&pproved", "View", ("Ctrl+3",), "Show records approved for publication"),
    ActionSpec("actionQueueDeclined", "&Declined", "View", ("Ctrl+4",), "Show declined records"),
    ActionSpec("actionQueueFlagged", "&Flagged", "View", ("Ctrl+5",), "Show records flagged for later"),
    ActionSpec("actionQueueNeedsAttention", "&Needs Attention", "View", ("Ctrl+6",), "Show records with problems"),
    ActionSpec(
        "actionWarningsOnly",
        "Only Records with Wa&rnings",
        "View",
        (),
        "Narrow the queue to records with warnings: the same story twice, a related story listed twice",
        checkable=True,
    ),
    ActionSpec(
        "actionCheckLinks",
        "Check &Links Online",
        "View",
        (),
        "Ask every link and image of the folder whether it still answers (off: nothing is requested)",
        checkable=True,
    ),
    ActionSpec(
        "actionLoadWebImages",
        "Load &Web Images",
        "View",
        (),
        "Fetch the record's images from the web (off: nothing is requested from the internet)",
        checkable=True,
    ),
    ActionSpec("actionShortcuts", "&Keyboard Shortcuts", "Help", (Key.HelpContents,), "List every keyboard shortcut"),
    ActionSpec("actionAbout", "&About Newsdesk", "Help", (), ""),
)

# Keys handled by a widget rather than a window action; listed in the help all the same.
WIDGET_SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Decline with reason 1 to 9 (Review > Decline With Reason)", "Alt+1 … Alt+9; 1 … 9 in the record table"),
    ("Next / previous record (record table)", "J / K, Down / Up"),
    ("First / last record (record table)", "Home / End"),
    ("Open related link (related list)", "Enter"),
    ("Open image larger (image strip)", "Enter / Space"),
    ("Previous / next image (image strip)", "Left / Right"),
    ("Go to quality / heat / topics / approval (form)", "Alt+Q / Alt+H / Alt+T / Alt+A"),
    ("Review / Source / History tab (review pane)", "Alt+I / Alt+S / Alt+O"),
    ("Add the typed topic (topics field)", "Enter or comma"),
    ("Remove last topic (topics field)", "Backspace"),
    ("Step to a topic and remove it (topics field)", "Left / Right, then Delete"),
)


def plain_text(menu_text: str) -> str:
    """Menu text without its mnemonic markers ("&Approve && Next" -> "Approve & Next")."""
    return menu_text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    sequences: list[QKeySequence] = []
    for shortcut in spec.shortcuts:
        found = QKeySequence.keyBindings(shortcut) if isinstance(shortcut, Key) else [QKeySequence(shortcut)]
        for sequence in found:
            if not sequence.isEmpty() and sequence not in sequences:
                sequences.append(sequence)
    return sequences


def _device_key(sequence: QKeySequence) -> bool:
    """A dedicated Open/Save/Help/... key of some keyboards: it works, but the help need not list it."""
    if sequence.count() != 1:
        return False
    combination = sequence[0]
    key = combination.key()
    return combination.keyboardModifiers() == Qt.KeyboardModifier.NoModifier and (
        key == Qt.Key.Key_Help or key.value >= Qt.Key.Key_Back.value
    )


class ActionRegistry:
    """Creates each QAction once, owned by the window, and hands the same object to every place."""

    def __init__(self, window: QWidget, specs: tuple[ActionSpec, ...] = ACTION_SPECS) -> None:
        self.specs = specs
        self._actions: dict[str, QAction] = {}
        for spec in specs:
            action = QAction(spec.text, window)
            action.setObjectName(spec.name)
            action.setShortcuts(_key_sequences(spec))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setCheckable(spec.checkable)
            tip = spec.tip or plain_text(spec.text)
            shortcut_text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({shortcut_text})" if shortcut_text else tip)
            action.setStatusTip(spec.tip)
            window.addAction(action)
            self._actions[spec.name] = action

    def __getitem__(self, name: str) -> QAction:
        return self._actions[name]

    def connect(self, name: str, slot: Callable[..., object]) -> QAction:
        action = self._actions[name]
        action.triggered.connect(slot)
        return action

    def in_menu(self, menu: str) -> list[QAction]:
        return [self._actions[s.name] for s in self.specs if s.menu == menu]

    def on_toolbar(self) -> list[QAction]:
        return [self._actions[s.name] for s in self.specs if s.toolbar]

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(command, keys) for the help dialog and the README table, from the actions themselves."""
        rows = []
        for spec in self.specs:
            if not spec.listed:
                continue
            action = self._actions[spec.name]
            keys = ", ".join(
                s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts() if not _device_key(s)
            )
            if keys:
                rows.append((plain_text(action.text()).rstrip("…"), keys))
        return rows + list(WIDGET_SHORTCUTS)
