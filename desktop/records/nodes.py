"""Finding values in a record's YAML node tree: where in the file a key or a list item is."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import yaml


def node_at(root: yaml.Node | None, keys: Iterable[str | int]) -> yaml.Node | None:
    """The value node reached by following `keys` (mapping keys and list indexes) from `root`.

    With duplicate keys the last one wins, as in the constructed data.
    """
    node = root
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            found = None
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
                    found = value_node
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and not isinstance(key, bool):
            node = node.value[key] if -len(node.value) <= key < len(node.value) else None
        else:
            return None
        if node is None:
            return None
    return node


def key_node_at(root: yaml.Node | None, keys: Sequence[str | int]) -> yaml.Node | None:
    """The key node of the last mapping key in `keys` (where an entry's line starts)."""
    if not keys:
        return None
    parent = node_at(root, keys[:-1])
    if not isinstance(parent, yaml.MappingNode):
        return None
    found = None
    for key_node, _ in parent.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(keys[-1]):
            found = key_node
    return found


def position_in_file(root: yaml.Node | None, keys: Sequence[str | int], line_offset: int) -> tuple[int, int] | None:
    """(line, column) in the file of the value at `keys`; `line_offset` is the file line of the
    tree's line 0 (`Document.front_line`)."""
    node = node_at(root, keys)
    return None if node is None else (node.start_mark.line + line_offset, node.start_mark.column + 1)
