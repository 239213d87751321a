"""Starting the desk: the command `newsdesk [FOLDER]` and the tests build the same window."""

from __future__ import annotations

import linecache
import sys
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop.display_check import display_problem
from desktop.paths import resource_path, seeds_dir
from desktop.ui import collector
from desktop.ui.editing.install import install_editing
from desktop.ui.editing.journal import install_journal
from desktop.ui.folder.live import install_live_banner
from desktop.ui.git.desk import install_git
from desktop.ui.main_window import MainWindow
from desktop.ui.settings import APPLICATION, ORGANIZATION, DeskSettings


def use_readable_locale() -> None:
    """Dates in the editor's locale; under the bare "C" locale (no LANG set), in US English.

    "C" is no one's locale: Qt writes its dates as "11 06 2020 16:07", which reads as neither
    order. Any real locale the system names is kept.
    """
    if QLocale.system().name() in ("C", "POSIX"):
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def default_folder(settings: DeskSettings) -> Path:
    """The folder opened last time if it still exists, else the bundled sample records."""
    return settings.last_folder() or seeds_dir()


def build_window(folder: Path | None = None) -> MainWindow:
    """The desk on `folder` (or the default folder), using the QApplication already running."""
    if QApplication.instance() is None:
        raise RuntimeError("build_window() needs a running QApplication; run_app() creates one")
    collector.install()  # before the window starts any worker thread
    settings = DeskSettings()
    window = MainWindow(settings)
    controller = install_editing(window)
    install_live_banner(window, controller)
    install_git(window, controller)
    install_journal(window, controller)
    window.open_folder(Path(folder) if folder is not None else default_folder(settings))
    # PySide6's import hook reads the source of every module imported after it (looking for
    # `from __feature__`), and linecache keeps them all: about 9 MB the desk never uses.
    linecache.clearcache()
    return window


EXIT_NO_WINDOW = 3  # as the README's exit codes promise (and desktop.cli uses)


def run_app(folder: Path | None = None, argv: list[str] | None = None) -> int:
    if QApplication.instance() is None:
        # Qt aborts (exit 134) when its platform plugin cannot start; say why first, and exit 3.
        problem = display_problem()
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_NO_WINDOW
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setWindowIcon(QIcon(str(resource_path("icons", "newsdesk.svg"))))
    use_readable_locale()
    window = build_window(folder)
    window.show()
    try:
        return app.exec()
    finally:
        window.shutdown()
