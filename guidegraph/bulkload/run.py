"""A whole bulk load: check every file, replace graphs if asked, load file by file, bring the derived data in step.

What a failure leaves: a syntax error or damaged file found by the check
pass leaves the store untouched (one file loaded without replacing skips that
pass: the loader's own all-or-nothing does the same). A file that fails while loading (a full
disk) or a killed process leaves the files loaded before it in the store and
nothing of that file; with ``--replace`` the graphs being replaced may then
be empty or hold only those earlier files, so the way back is to run the same
command again (with ``--replace``, so that nothing is doubled).

A load into an empty store that holds a big N-Triples or N-Quads file is
split across a loader per core (bulkload.parallel). Its loaders commit one by
one, so it runs under the marker of store.unfinished_load instead: any
failure empties the store again, and a killed load is emptied by whoever
opens the store next; either way, nothing of it stays.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from guidegraph import allocator, iris
from guidegraph.bulkload import derived, parallel, progress, sources, target
from guidegraph.errors import (
    FileSystemError, GuideGraphError, InputError, StoreError, UsageError, filesystem_error, from_os_error, reason_in_message,
)
from guidegraph.namespaces import GG
from guidegraph.store import unfinished_load
from guidegraph.store.base import check_iri


@dataclass
class LoadReport:
    files: int
    triples: int  # statements read from the files
    seconds: float  # checking and loading the files
    store_total: int  # quads in the store afterwards
    added: int  # how much the store grew (less than ``triples`` when some were there already)
    replaced: list[str | None] = field(default_factory=list)
    links: int | None = None  # links derived again; None: no guides, so no links graph
    links_seconds: float = 0.0
    links_skipped: str | None = None  # why the links were not derived
    loaders: int = 1  # bulk loaders at once (more than one: the store was empty, bulkload.parallel)
    malloc: str = "system"  # what this process allocates with (guidegraph.allocator)

    @property
    def rate(self) -> float:
        return self.triples / self.seconds if self.seconds > 0 else 0.0

    def closing_line(self) -> str:
        graphs = f"; replaced {len(self.replaced)} graph(s)" if self.replaced else ""
        links = (f"; links graph derived again ({self.links:,} links, {self.links_seconds:.1f} s)"
                 if self.links is not None else "")
        if self.links_skipped:
            links = f"; {self.links_skipped}"
        loaders = f", {self.loaders} loaders at once" if self.loaders > 1 else ""
        if self.malloc != "system":
            loaders += f", on {self.malloc}"
        return (f"loaded {self.triples:,} triples from {self.files} file(s) in {self.seconds:.1f} s "
                f"({self.rate:,.0f} triples/s{loaders}); the store holds {self.store_total:,}{graphs}{links}")


def load(data_dir: str | Path, items: list[str | Path], *, to_graph: str | None = None, replace: bool = False,
         keep: frozenset[str] = frozenset(), show_progress: bool = False, base_iri: str | None = None,
         explicit_format: str | None = None) -> LoadReport:
    """Load the files ``items`` into the store in ``data_dir``.

    ``replace`` empties the graphs the files write to first, except those in ``keep``;
    ``base_iri`` is what the data was minted under (links graph name; recorded for ``serve``)."""
    from guidegraph.bundled_corpus import record_base_iri, recorded_base_iri

    if to_graph is not None:
        check_graph_iri(to_graph)
    if not items:
        raise UsageError("no files to load")
    planned = sources.plan([str(i) for i in items], explicit_format)
    recorded = recorded_base_iri(data_dir)
    if base_iri and recorded and iris.base(base_iri) != iris.base(recorded):
        raise InputError(f"{data_dir} holds data published under {recorded}; load data minted under that base "
                         "(--base-iri), or use another --data-dir")
    base = base_iri or recorded

    started = time.perf_counter()
    store = target.open_for_loading(data_dir)
    try:
        if replace or len(planned) > 1:
            checked = _check_all(planned, to_graph, replace, show_progress)
        else:
            # One file, nothing to empty first: the bulk loader's own all-or-nothing is enough, and a
            # check pass would cost about a tenth more (benchmarks/bench_load.py)
            checked = [sources.estimate(planned[0])]
        before = target.quad_count(store)
        wanted = {g for c in checked for g in c.graphs} - set(keep) if replace else set()
        replaced = sorted(target.existing_graphs(store, wanted), key=str)
        target.drop_graphs(store, set(replaced))
        # Into an empty store, big line-based files load with a loader per core: undoing a failure
        # is emptying the store again, so a file need not go in whole (bulkload.parallel).
        splits = [before == 0 and _worth_splitting(c) for c in checked]
        split = any(splits)
        if split:
            unfinished_load.mark(data_dir, "guidegraph load " + " ".join(str(c.source.path) for c in checked))
        _load_all(store, target.store_path(data_dir), checked, to_graph, show_progress, replace, splits)
        store.flush()
        if split:
            unfinished_load.unmark(data_dir)
        loaded = target.quad_count(store)
        read = sum(c.triples for c in checked) if all(c.counted for c in checked) else loaded - before
        report = LoadReport(len(checked), read, time.perf_counter() - started, loaded, loaded - before, replaced,
                            loaders=parallel.loader_count() if split else 1, malloc=allocator.in_use())
        links_started = time.perf_counter()
        if base is not None:
            report.links = derived.refresh_links(store, base)
            report.links_seconds = time.perf_counter() - links_started
            report.store_total = target.quad_count(store)
        elif store.query(f"ASK {{ GRAPH ?g {{ ?guide a <{GG}GuideDocument> }} }}"):
            report.links_skipped = ("links graph not derived: the data directory records no base IRI "
                                    "(give --base-iri, the base the guides were minted under)")
        derived.discard_search_index(data_dir)
        if base_iri and not recorded:
            record_base_iri(data_dir, base_iri)
        return report
    finally:
        del store  # pyoxigraph closes the store (and lets go of its lock) when the last reference goes


def check_graph_iri(iri: str) -> str:
    """An absolute IRI to name a graph with (--graph)."""
    wrong = UsageError(f"--graph needs an absolute IRI (such as http://example.org/graph), not {iri!r}")
    try:
        check_iri(iri)
        ox.NamedNode(iri)
    except (UsageError, ValueError):
        raise wrong from None
    if ":" not in iri or not iri.split(":", 1)[0].isalpha():
        raise wrong
    return iri


def _check_all(planned: list[sources.Source], to_graph: str | None, replace: bool, show: bool) -> list[sources.Checked]:
    phase = progress.Phase("check", sum(s.size for s in planned), None, show)
    try:
        checked = []
        for source in planned:
            checked.append(sources.check(source, to_graph, replace, on_stream=lambda raw, s=source: phase.reading(raw, s.size)))
            phase.file_done()
        return checked
    finally:
        phase.close()


def _worth_splitting(item: sources.Checked) -> bool:
    return parallel.worth_splitting(item.source.fmt, sources.text_size(item.source), item.triples)


def _load_all(store: ox.Store, path: Path, checked: list[sources.Checked], to_graph: str | None, show: bool,
              replace: bool, splits: list[bool]) -> None:
    """``splits``: which files load split; if any, the store was empty and is under the unfinished-load
    marker, and a failure empties it again."""
    split = any(splits)
    phase = progress.Phase("load", sum(c.source.size for c in checked), sum(c.triples for c in checked), show)
    done = 0
    try:
        for index, item in enumerate(checked):
            source = item.source
            try:
                with sources.open_stream(source) as (stream, raw):
                    phase.reading(raw, source.size, item.triples)
                    if splits[index]:
                        parallel.load_split(store, stream, source.fmt, to_graph, parallel.loader_count())
                    else:
                        target.load_stream(store, stream, source.fmt, to_graph)
            except (SyntaxError, OSError, EOFError, ValueError) as exc:
                target.remove_abandoned_bulk_files(path)  # what the loader wrote of this file (frees the space)
                if split:
                    raise _failed_while_split(exc, source, store, path) from None
                raise _failed_while_loading(exc, source, path, done, index, replace) from None
            except KeyboardInterrupt:
                if split:
                    print(f"guidegraph: {_empty_again(store, path)}", file=sys.stderr)
                else:
                    print(f"guidegraph: {_state(source, done, index, replace)}", file=sys.stderr)
                raise
            phase.file_done()
            done += item.triples
    finally:
        phase.close()


def _state(source: sources.Source, done_triples: int, done_files: int, replace: bool, rerun: bool = True) -> str:
    earlier = (f"the {done_files} file(s) before it ({done_triples:,} triples) are in the store"
               if done_files else "no file before it was loaded")
    state = f"nothing of {source.path} went into the store (a file loads whole or not at all); {earlier}"
    if not rerun:
        return state
    again = "run the same command again" + ("" if replace else " for it and the files after it")
    if replace:
        again += " (with --replace, the graphs are emptied and loaded afresh)"
    return f"{state}; {again}"


_EMPTY_AGAIN = "nothing of this load is in the store: it was empty before, and is empty again"


_LEFT_FOR_LATER = ("part of this load may be in the store, which was empty before it and could not be emptied "
                   "now; the next `guidegraph load` or server start into it empties it")


def _empty_again(store: ox.Store, path: Path) -> str:
    """Undo a load into an empty store; what the store holds now, for the user."""
    try:
        unfinished_load.undo_if_unfinished(store, path)
    except OSError:  # a full disk may refuse even this: the marker stays, and the next opener does it
        return _LEFT_FOR_LATER
    return _EMPTY_AGAIN


def _failed_while_split(exc: BaseException, source: sources.Source, store: ox.Store, path: Path) -> GuideGraphError:
    """The error of a load into an empty store, which is emptied again first."""
    state = _empty_again(store, path)
    if isinstance(exc, SyntaxError):
        # A loader counts lines within its own share of the file: read the file alone for the real place.
        try:
            sources.check(source, None, False)
        except InputError as found:
            return InputError(f"{found}; {state}")
    return _failed_while_loading(exc, source, path, 0, 0, False, state=state)


def _failed_while_loading(exc: BaseException, source: sources.Source, path: Path, done_triples: int,
                          done_files: int, replace: bool, state: str | None = None) -> GuideGraphError:
    error = sources.input_error(exc, source) if not isinstance(exc, ValueError) else None
    # bad input: fixing the file is the way on; a machine's refusal: the same command once it is fixed
    if state is None:
        state = _state(source, done_triples, done_files, replace, rerun=not isinstance(error, InputError))
    if isinstance(exc, OSError) and error is None:
        error = from_os_error(exc, "write to the store in", path)
        if error is None and reason_in_message(str(exc)):
            error = filesystem_error(reason_in_message(str(exc)), "write to the store in", path)
    if isinstance(error, FileSystemError):
        return FileSystemError(f"{error}; {state}", reason=error.reason)
    if error is not None:
        return type(error)(f"{error}; {state}")
    return StoreError(f"loading {source.path} failed: {' '.join(str(exc).split())}; {state}")
