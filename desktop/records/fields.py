"""Typed reading of what the desk shows of a record's data. A value of the wrong type reads as
empty, never as an error: the record's problems say what is wrong with it, and the table, the form
and the review pane each show the same reading of it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def text(value: Any) -> str:
    """A text field (title, webUrl, a provider's name): only a string counts."""
    return value if isinstance(value, str) else ""


def display_text(value: Any) -> str:
    """Any scalar as the text it shows as (a number title is still a title); mappings, lists and
    null show as nothing."""
    if value is None or isinstance(value, (dict, list, tuple, set)):
        return ""
    return value if isinstance(value, str) else str(value)


def whole_number(value: Any) -> int | None:
    """quality, heat: an int (YAML's `true` is a bool, not a number); anything else is unset."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def topics(value: Any) -> tuple[str, ...]:
    """The topics list's texts, in order; anything else in it, or a topics that is no list, is left out."""
    return tuple(topic for topic in value if isinstance(topic, str)) if isinstance(value, list) else ()


def mapping(value: Any) -> Mapping[str, Any]:
    """A nested mapping (provider, an image, a related entry), or an empty one."""
    return value if isinstance(value, dict) else {}


def published(value: Any) -> bool:
    """Only YAML's `true` approves a record: "yes" as text does not."""
    return value is True


def entries(value: Any) -> list[Mapping[str, Any]]:
    """The mappings of a list (images, related): other items, or a value that is no list, are left out."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
