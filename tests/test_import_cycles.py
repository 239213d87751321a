"""No two modules of the core, or of the window, import each other (directly or around a ring):
a cycle is where a newcomer cannot tell which module comes first (issue 12 found two,
records/reading.py with records/schema.py and the image strip with its viewer)."""

from __future__ import annotations

import pytest

grimp = pytest.importorskip("grimp")  # import-linter's graph builder, a test dependency


@pytest.mark.parametrize("package", ["desktop.records", "desktop.ui"])
def test_no_import_cycle_inside(package):
    graph = grimp.build_graph("desktop")
    modules = sorted(m for m in graph.modules if m.startswith(package + "."))
    cycles = [
        (first, second)
        for index, first in enumerate(modules)
        for second in modules[index + 1 :]
        if graph.find_shortest_chain(importer=first, imported=second)
        and graph.find_shortest_chain(importer=second, imported=first)
    ]
    assert cycles == []
