"""Saving of the editing: one record (Save, Approve & next), each of a few, and Save All as a task;
the questions a save can raise (changed on disk: merge, overwrite or reload; unsaved edits), and
the diff each save would write.

Save All writes on a worker thread: measured on this machine, 30 seed-sized records took
330-660 ms to save (an fsync per file and per folder, and each saved file read back), far too
long to hold the UI thread; with the worker the call returns in 2 ms. A single save (Save,
Approve & next) takes about 20 ms and stays on the UI thread, so the editor sees its outcome
before moving on. Every save reaches the disk through `EditSession.write`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from desktop.records import (
    Document,
    EditRefused,
    FileChangedOnDisk,
    MergeRefused,
    SaveError,
    changes_between,
    counted,
    merge_documents,
    path_key,
    read_document,
)
from desktop.ui.editing import dialogs as edit_dialogs
from desktop.ui.editing.work import BACKGROUND_FROM, SaveJob, in_slices

# Where a verb's object goes when something follows it: "Declined<what> as “Off topic”".
WHAT = "\0"


def said(verb: str, what: str) -> str:
    """ "Approved" + “…” -> "Approved “…”"; "Declined<what> as “Off topic”" -> "Declined “…” as “Off topic”"."""
    return verb.replace(WHAT, f" {what}") if WHAT in verb else f"{verb} {what}"


class Saving:
    """EditController's saving, in its own module: a mixin over the controller's session, signals
    and state (`session`, `message`, `recordSaved`, `_tell`, `story_name`, `_after_change`, ...)."""

    def can_save(self, path: str | Path) -> tuple[bool, str]:
        """Whether Save would write this record now, and if not, why (for Save's tooltip)."""
        key = path_key(path)
        if key in self._current and self._input_problem:
            return False, f"Fix this first: {self._input_problem}"
        if not self.session.knows(key) or not self.session.is_dirty(key):
            return False, "No unsaved edits."
        base = self.session.base(key)
        if not base.editable:
            return False, f"{self.story_name(key)} can't be edited: {base.edit_blocker}"
        introduced = self.session.new_problems(key)
        if introduced:
            return False, f"The edit would make {self.story_name(key)} invalid: {introduced[0].message}"
        return True, ""

    def save(self, paths: Iterable[str | Path] | None = None) -> bool:
        """Save these records (the current ones by default); True when all of them were saved."""
        self._take_typed_input()
        keys = [path_key(p) for p in (self._current if paths is None else paths)]
        dirty = [k for k in keys if self.session.knows(k) and self.session.is_dirty(k)]
        if not dirty:
            self.message.emit("No unsaved edits to save.")
            return True
        for key in dirty:
            ok, why = self.can_save(key)
            if not ok:
                self.message.emit(f"Not saved: {why}")
                self.saveBlocked.emit(why)
                return False
        return self._save_each(dirty, verb="Saved")

    def _save_each(self, paths: Iterable[str | Path], verb: str) -> bool:
        """Save these records one by one; as many as a bulk edit is made off the UI thread for
        are written there instead (False: not all saved yet), and the outcome is said when done."""
        keys = [path_key(p) for p in paths]
        if len(keys) >= BACKGROUND_FROM and self._save_job is None:
            dirty = [k for k in keys if self.session.knows(k) and self.session.is_dirty(k)]
            blocked = {k: why for k in dirty for ok, why in [self.can_save(k)] if not ok}
            self.saveAllStarted.emit(len(dirty))
            self._start_save_job([k for k in dirty if k not in blocked], blocked, verb)
            return False
        failures: dict[str, str] = {}
        done = []
        for key in keys:
            outcome = self._save_one(key)
            if outcome is True:
                done.append(key)
            elif outcome:
                failures[key] = outcome
        if failures:
            edit_dialogs.show_save_failures(self._dialog_parent, failures, saved=len(done))
        if done and not failures:
            names = ", ".join(self.story_name(k) for k in done[:3]) + (
                f" and {len(done) - 3} more" if len(done) > 3 else ""
            )
            self._tell(f"{said(verb, names)}.{self._merged_message(done)}", done)
        return len(done) == len(keys)

    def _save_one(self, key: str, *, force: bool = False) -> bool | str | None:
        """True when saved; a reason when it failed; None when the editor chose not to save."""
        if not self.session.is_dirty(key):
            return True
        try:
            saved = self.session.save(key, force=force)
        except FileChangedOnDisk:
            return self._resolve_changed_on_disk(key)
        except (SaveError, EditRefused, OSError) as error:
            return str(error)
        self.recordSaved.emit(key, saved)
        self._after_change([key])
        return True

    def _merge_offer(self, key: str) -> edit_dialogs.MergeOffer:
        """My edits merged onto the file as it is now. One file read and parsed on the UI thread,
        as a single save is: the question is about to be asked about that very file."""
        base = self.session.base(key)
        theirs = read_document(key)
        try:
            result = merge_documents(base, theirs, self.session.edited(key))
        except MergeRefused as refused:
            return edit_dialogs.MergeOffer(None, base, theirs, refusal=str(refused))
        return edit_dialogs.MergeOffer(result, base, theirs)

    def _merge_and_save(self, key: str, offer: edit_dialogs.MergeOffer) -> bool | str | None:
        assert offer.theirs is not None
        try:
            result = merge_documents(offer.base, offer.theirs, self.session.edited(key), resolutions=offer.resolutions)
        except MergeRefused as refused:
            return str(refused)
        if not result.clean:
            return "changed on disk; the merge still has conflicts"
        merged = result.document
        pending = changes_between(offer.theirs, merged)
        self.session.rebase(key, offer.theirs, pending)
        try:
            rebuilt = self.session.edited(key)
        except EditRefused as refused:
            return str(refused)
        if rebuilt.raw != merged.raw:
            return "the merge could not be written with your edits as they are"
        if not self.session.is_dirty(key):  # every field taken from disk: the file already is the merge
            self.recordSaved.emit(key, offer.theirs)
            self._after_change([key])
            self._merge_notes[key] = f"Took the version on disk of {self.story_name(key)}."
            return True
        outcome = self._save_one(key)
        if outcome is True:
            taken = ", ".join(str(k) for k in result.theirs_changed) or "its layout"
            self._merge_notes[key] = (
                f"Merged {self.story_name(key)}: the change on disk to {taken} is kept with your edits."
            )
        return outcome

    def _merged_message(self, keys: Iterable[str]) -> str:
        notes = [self._merge_notes.pop(k) for k in keys if k in self._merge_notes]
        return (" " + " ".join(notes)) if notes else ""

    def _resolve_changed_on_disk(
        self, key: str, others: int = 0, for_all: list[str] | None = None
    ) -> bool | str | None:
        """Ask (or, after "apply to all" in Save All, reuse `for_all`'s answer) and act on it."""
        offer = self._merge_offer(key)
        offer.others = others if for_all is not None else 0
        clean = offer.result is not None and offer.result.clean
        if for_all and (for_all[0] != "merge" or clean):
            answer = for_all[0]  # a merge with conflicts still asks: the choice is per field
        else:
            answer = edit_dialogs.ask_changed_on_disk(self._dialog_parent, key, merge=offer)
            if offer.apply_to_all and for_all is not None:
                for_all[:] = [answer]
        if answer == "merge" and offer.result is not None:
            return self._merge_and_save(key, offer)
        if answer == "overwrite":
            return self._save_one(key, force=True)
        if answer == "reload":
            doc = self.session.reload(key)
            self.recordSaved.emit(key, doc)  # what is on disk now: the table shows it
            self._after_change([key])
            self._tell(f"Reloaded {self.story_name(key)} from disk; your edits to it were dropped.", [key])
            return None
        self._tell(f"{self.story_name(key)} was not saved: it changed on disk.", [key])
        return None

    def merge_from_disk(self, path: str | Path) -> bool:
        """My edits onto the version now on disk, saved (the changed-on-disk banner's Merge);
        fields both sides changed are chosen per field. True when the record was saved."""
        key = path_key(path)
        if not self.session.knows(key) or not self.session.is_dirty(key):
            return False
        offer = self._merge_offer(key)
        if offer.result is None:
            self._tell(f"{self.story_name(key)} can't be merged: {offer.refusal}", [key])
            return False
        if not offer.result.clean:
            chosen = edit_dialogs.choose_per_field(self._dialog_parent, offer.result.conflicts)
            if chosen is None:
                return False
            offer.resolutions.update(chosen)
        outcome = self._merge_and_save(key, offer)
        if outcome is True:
            self._tell(self._merged_message([key]).strip() or f"Saved {self.story_name(key)}.", [key])
            return True
        if outcome:
            edit_dialogs.show_save_failures(self._dialog_parent, {key: outcome}, saved=0)
        return False

    def reload_from_disk(self, path: str | Path) -> None:
        """Drop my edits to the record and take the version on disk (the banner's Reload)."""
        key = path_key(path)
        doc = self.session.reload(key)
        self.recordSaved.emit(key, doc)  # what is on disk now: the table shows it
        self._after_change([key])
        self._tell(f"Reloaded {self.story_name(key)} from disk; your edits to it were dropped.", [key])

    def save_all(self, *, synchronous: bool = False) -> dict[str, str] | None:
        """Save every record with unsaved edits, each on its own; failures are reported.

        By default the files are written on a worker thread and `saveAllFinished` reports the
        outcome; `synchronous=True` (closing the window) returns the failures instead.
        """
        if self._save_job is not None:
            self.message.emit("Already saving…")
            return None
        self._take_typed_input()
        keys = self.session.dirty_paths()
        if not keys:
            self.message.emit("No unsaved edits to save.")
            self.saveAllFinished.emit({})
            return {}
        blocked = {k: why for k in keys for ok, why in [self.can_save(k)] if not ok}
        ready = [k for k in keys if k not in blocked]
        self.saveAllStarted.emit(len(keys))
        if synchronous:
            results = []
            for key in ready:
                try:
                    results.append((key, self.session.write(self.session.edited(key))))
                except Exception as error:
                    results.append((key, error))
            return self._finish_save_all(results, blocked)
        self._start_save_job(ready, blocked, "Saved")
        return None

    def _start_save_job(self, ready: list[str], blocked: dict[str, str], verb: str) -> None:
        job = SaveJob([(k, self.session.edited(k)) for k in ready], self.session.write)
        job.blocked = blocked
        job.verb = verb
        self._save_job = job
        self.message.emit(f"Saving {counted(len(ready), 'record')}…")
        self._begin_work(f"Saving {counted(len(ready), 'record')}", job)
        job.task = self._work.run(job.run, on_done=lambda _future: self._finish_job(job))

    def is_saving(self) -> bool:
        return self._save_job is not None

    def wait_for_save(self) -> dict[str, str] | None:
        """Block until a running Save All is done and handle its outcome now (closing the
        window, opening another folder); the failures, or None when none was running."""
        self._drop_edit_job()  # a bulk edit not landed yet is dropped: nothing of it was applied
        job = self._save_job
        if job is None:
            return None
        assert job.task is not None
        self._work.take_over(job.task)
        return self._finish_job(job, at_once=True)

    def _finish_job(self, job: SaveJob, *, at_once: bool = False) -> dict[str, str] | None:
        """Take in what a save job wrote, LAND_SLICE records per turn of the event loop (each
        saved record updates its table row: 1,000 at once held the window for a second), or all
        now when the caller waits for the outcome."""
        failures: dict[str, str] | None = None

        def take(begin: int, end: int) -> None:
            for key, outcome in job.results[begin:end]:
                if isinstance(outcome, Document):
                    if key in job.summaries:
                        self.session.remember_summary(outcome, job.summaries[key])
                    self.session.mark_saved(key, outcome)
                    self.recordSaved.emit(key, outcome)
            self._after_change([key for key, outcome in job.results[begin:end] if isinstance(outcome, Document)])
            job.landed = end

        def done() -> None:
            nonlocal failures
            failures = self._finish_save_all(
                job.results, job.blocked, verb=job.verb, unsaved=len(job.documents) - len(job.results), marked=True
            )
            self._end_work()

        # A slice scheduled before wait_for_save took the rest in at once finds the job gone.
        in_slices(
            self, len(job.results), take, done, start=job.landed, at_once=at_once, wanted=lambda: job is self._save_job
        )
        return failures

    def _finish_save_all(
        self,
        results: list[tuple[str, Document | Exception]],
        blocked: dict[str, str],
        *,
        verb: str = "Saved",
        unsaved: int = 0,
        marked: bool = False,
    ) -> dict[str, str]:
        """`unsaved`: records a cancelled save never wrote; they keep their edits. `marked`: the
        saved records were taken in already (`_finish_job`)."""
        self._save_job = None
        failures = dict(blocked)
        saved: list[str] = []
        changed_on_disk: list[str] = []
        for key, outcome in results:
            if isinstance(outcome, Document):
                if not marked:
                    self.session.mark_saved(key, outcome)
                    self.recordSaved.emit(key, outcome)
                saved.append(key)
            elif isinstance(outcome, FileChangedOnDisk):
                changed_on_disk.append(key)
            else:
                failures[key] = str(outcome)
        if not marked:
            self._after_change(saved)
        for_all: list[str] = []  # the answer given "for all", once one is
        for done, key in enumerate(changed_on_disk, 1):  # asked one by one, now that the others are safe on disk
            outcome = self._resolve_changed_on_disk(key, len(changed_on_disk) - done, for_all)
            if outcome is True:
                saved.append(key)
            elif outcome:
                failures[key] = outcome
            else:
                failures[key] = "changed on disk; not saved" if self.session.is_dirty(key) else "reloaded from disk"
        real_failures = {k: v for k, v in failures.items() if v != "reloaded from disk"}
        stopped = f" Cancelled: {counted(unsaved, 'record')} not saved (still unsaved)." if unsaved else ""
        if real_failures:
            edit_dialogs.show_save_failures(self._dialog_parent, real_failures, saved=len(saved))
            not_saved = f"{counted(len(real_failures), 'record')} could not be saved."
            self.message.emit(
                (
                    f"{said(verb, counted(len(saved), 'record'))}; {not_saved}"
                    if saved
                    else f"Nothing saved: {not_saved}"
                )
                + stopped
            )
        else:
            self.message.emit(f"{said(verb, counted(len(saved), 'record'))}.{self._merged_message(saved)}{stopped}")
        self.saveAllFinished.emit(real_failures)
        return real_failures

    # -- questions -----------------------------------------------------------------------------

    def diffs(self) -> dict[str, str]:
        """For every record with unsaved edits, the diff its save will write."""
        return {key: self.session.diff(key) for key in self.session.dirty_paths()}

    def review_changes(self, parent: QWidget | None = None) -> edit_dialogs.ReviewChangesDialog:
        dialog = edit_dialogs.ReviewChangesDialog(self.diffs(), parent or self._dialog_parent, self._story_names())

        def act(key: str, action: Callable[[], object]) -> None:
            said: list[str] = []

            def hear(text: str) -> None:
                said.append(text)

            self.message.connect(hear)
            try:
                action()
            finally:
                self.message.disconnect(hear)
            dialog.set_diffs(self.diffs(), self._story_names())
            dialog.set_outcome(said[-1] if said else "")

        dialog.saveRequested.connect(lambda key: act(key, lambda: self.save([key])))
        dialog.revertRequested.connect(lambda key: act(key, lambda: self.revert([key])))
        dialog.open()
        return dialog

    def _story_names(self) -> dict[str, str]:
        # Headlines without the quotes a sentence needs: in a list they only add noise.
        return {key: self.story_name(key).strip("“”") for key in self.session.dirty_paths()}

    def confirm_discard(self, parent: QWidget | None = None) -> bool:
        """Before closing or opening another folder: True when it may go ahead (everything was
        saved, or the editor chose to discard); False to stay."""
        self.wait_for_save()
        self._take_typed_input()  # a topic typed but not added is an edit too: ask about it
        count = len(self.session.dirty_paths())
        if not count:
            return True
        answer = edit_dialogs.ask_unsaved(parent or self._dialog_parent, count)
        if answer == "save":
            failures = self.save_all(synchronous=True)
            return not failures and not self.session.dirty_paths()
        return answer == "discard"
