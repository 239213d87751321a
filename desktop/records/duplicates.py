"""The same story twice: records of a folder with the same web address or nearly the same title.

Feeds send one story under several addresses (`http` and `https`, `www.`, tracking parameters,
AMP copies) and with small edits to its title. Both are found through indexes, never by comparing
every pair: a dict of normalised addresses, and for titles a token index looked up through each
title's rarest words. 100,000 records take seconds (tests/benchmarks/bench_duplicates.py).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from .model import DUPLICATE, WARNING, Problem, RecordSummary

# Two titles at least this similar (difflib's ratio of their normalised text) are the same story.
TITLE_SIMILARITY = 0.9

# Query parameters that say where a reader came from, not what they read.
_TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "ocid",
        "cmpid",
        "cmp",
        "icid",
        "ref",
        "ref_src",
        "referrer",
        "source",
        "src",
        "share",
        "smid",
        "igshid",
        "_ga",
        "_gl",
        "spm",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "mbid",
        "cid",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_")
# How an AMP copy marks itself in the query (`?amp`, `?amp=1`, `?_amp`, `?outputType=amp`).
_AMP_PARAMETERS = frozenset({"amp", "_amp", "amp_js_v", "usqp", "outputtype", "amp_gsa"})
_AMP_CACHE_HOST = ".cdn.ampproject.org"
_HOST_PREFIXES = ("www.", "amp.", "m.", "mobile.")
_AMP_PATH_SUFFIXES = ("/amp", ".amp", "/amp.html", "-amp")


# Most addresses are `scheme://host/path`: no user, port, query or fragment. Those skip urlsplit
# and the query's parsing (3 us a link instead of 10: every record's related links are compared).
_SIMPLE_URL = re.compile(r"(?i:https?)://([A-Za-z0-9.-]+)(/[^?#\s]*)?")


def normalized_url(url: str) -> str:
    """The address with what does not change the story removed, for comparison only; "" for what
    is not an http(s) address.

    `https://www.Example.com/a/amp/?utm_source=x` and `http://example.com/a` give the same text.
    """
    text = url.strip()
    simple = _SIMPLE_URL.fullmatch(text)
    if simple is not None:
        host = simple[1].lower().rstrip(".")
        if host and not host.endswith(_AMP_CACHE_HOST):
            return _normal(host, None, simple[2] or "", [])
    return _normalized_by_parts(text)


def _normalized_by_parts(text: str) -> str:
    """`normalized_url` of any address, through urlsplit (the fast path must agree with it)."""
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return ""
    path = parts.path
    if host.endswith(_AMP_CACHE_HOST):
        # Google's AMP cache: /c/s/HOST/PATH (s: https) holds the publisher's own address.
        inner = re.match(r"/[a-z]/(?:s/)?(.+)", path)
        if inner is not None:
            return normalized_url("https://" + inner.group(1) + (f"?{parts.query}" if parts.query else ""))
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if _kept_parameter(key)]
    return _normal(host, parts.port, path, query)


def _normal(host: str, port: int | None, path: str, query: list[tuple[str, str]]) -> str:
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    port = port if port not in (None, 80, 443) else None
    lowered = path.rstrip("/")
    for suffix in _AMP_PATH_SUFFIXES:
        if lowered.lower().endswith(suffix):
            lowered = lowered[: -len(suffix)].rstrip("/")
            break
    if lowered.lower().startswith("/amp/"):
        lowered = lowered[4:]
    normal = host + (f":{port}" if port else "") + (lowered or "")
    return normal + ("?" + urlencode(sorted(query)) if query else "")


def _kept_parameter(key: str) -> bool:
    lowered = key.lower()
    return not (lowered in _TRACKING_PARAMETERS or lowered in _AMP_PARAMETERS or lowered.startswith(_TRACKING_PREFIXES))


_NOT_WORD = re.compile(r"[\W_]+")


def normalized_title(title: str) -> str:
    """The title's words in lower case, accents and punctuation dropped: `Amazon’s  "ban"` -> `amazon s ban`."""
    decomposed = unicodedata.normalize("NFKD", title)
    text = "".join(character for character in decomposed if not unicodedata.combining(character))
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def similar_titles(a: str, b: str) -> bool:
    """True when two normalised titles are the same story's."""
    if a == b:
        return True
    if 2 * min(len(a), len(b)) < TITLE_SIMILARITY * (len(a) + len(b)):  # ratio's upper bound
        return False
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= TITLE_SIMILARITY
        and matcher.quick_ratio() >= TITLE_SIMILARITY
        and matcher.ratio() >= TITLE_SIMILARITY
    )


# Each title is looked up through this many of its rarest words: two titles this similar share
# nearly all their words, so they share one of these unless they differ in as many words.
_LOOKUP_WORDS = 4
# And compared with at most this many candidates (words shared by thousands of titles are no clue).
_MAX_CANDIDATES = 200
# A record names at most this many others: a story sent ten times needs no ninety warnings.
MAX_NAMED = 5


def duplicate_pairs(summaries: Sequence[RecordSummary]) -> dict[int, dict[int, str]]:
    """For each record's position in `summaries`, the others it duplicates and why ("url" or "title")."""
    found: dict[int, dict[int, str]] = defaultdict(dict)
    by_url: dict[str, list[int]] = defaultdict(list)
    for position, summary in enumerate(summaries):
        if summary.web_url:
            key = normalized_url(summary.web_url)
            if key:
                by_url[key].append(position)
    for positions in by_url.values():
        if len(positions) > 1:
            for position in positions:
                for other in positions[: MAX_NAMED + 1]:
                    if other != position:
                        found[position][other] = "url"

    # Records with the same normalised title are one group, compared once: a feed that sends a
    # story 400 times made the word index below compare every copy with every other (9 s for
    # 5,000 copies of one record, the window's warm open waiting on it).
    groups: dict[str, list[int]] = defaultdict(list)
    for position, summary in enumerate(summaries):
        title = normalized_title(summary.title) if summary.title else ""
        if title:
            groups[title].append(position)

    def mark(members: list[int], others: list[int]) -> None:
        for position in members:
            for other in others[: MAX_NAMED + 1]:
                if other != position:
                    found[position].setdefault(other, "title")

    titles = list(groups)
    for positions in groups.values():
        if len(positions) > 1:
            mark(positions, positions)
    words_of = [tuple(set(title.split())) for title in titles]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(words_of):
        for word in words:
            postings[word].append(index)
    for index, words in enumerate(words_of):
        if not words:
            continue
        rarest = sorted(words, key=lambda word: (len(postings[word]), word))[:_LOOKUP_WORDS]
        # A title this similar lacks at most a word or two of this one, so it holds two of these
        # rarest words (one, for titles that short): sharing fewer is chance, not the same story.
        needed = 2 if len(rarest) > 2 else 1
        counts = Counter(chain.from_iterable(postings[word] for word in rarest))
        candidates = [other for other, shared in counts.items() if shared >= needed and other > index]
        title = titles[index]
        for other in candidates[:_MAX_CANDIDATES]:
            if similar_titles(title, titles[other]):
                mark(groups[title], groups[titles[other]])
                mark(groups[titles[other]], groups[title])
    return found


def duplicate_problems(summaries: Sequence[RecordSummary]) -> dict[str, list[Problem]]:
    """Warnings by record path: the same story as another record of the folder, and a related
    list that holds one story twice."""
    problems: dict[str, list[Problem]] = defaultdict(list)
    # Copies of a story name the same few others from the same place, so they share one Problem
    # each: 100,000 copies of the seed held 500,000 warnings, 2 KB a row of the window's memory.
    made: dict[tuple[int, str, tuple[int, int] | None], Problem] = {}
    for position, others in duplicate_pairs(summaries).items():
        summary = summaries[position]
        for other, why in sorted(others.items(), key=lambda item: summaries[item[0]].path)[:MAX_NAMED]:
            key = (other, why, summary.web_url_at if why == "url" else summary.title_at)
            problem = made.get(key)
            if problem is None:
                problem = made[key] = _duplicate_problem(summary, summaries[other], why)
            problems[summary.path].append(problem)
    for summary in summaries:
        if summary.warnings:
            problems[summary.path].extend(summary.warnings)
    return {path: found for path, found in problems.items() if found}


def _duplicate_problem(summary: RecordSummary, other: RecordSummary, why: str) -> Problem:
    name = Path(other.path).name
    if why == "url":
        at, key, reason = summary.web_url_at, "$.webUrl", "the same web address"
    else:
        at, key, reason = summary.title_at, "$.title", "a nearly identical title"
    line, column = at if at is not None else (None, None)
    title = f"“{other.title}” ({name})" if other.title else name
    return Problem(
        f"same story as {title}: {reason}",
        line=line,
        column=column,
        path=key,
        code=DUPLICATE,
        level=WARNING,
        other_path=other.path,
    )


def related_listed_twice(related: Iterable[tuple[str, int, int]]) -> tuple[Problem, ...]:
    """A related story listed twice in one record (the seed lists TechCrunch's twice), from each
    related item's (webUrl, line, column). Found when the summary is made, in the reading workers:
    the record alone decides it, and the window keeps the warnings instead of every link's place."""
    first_line: dict[str, int] = {}
    found = []
    for url, line, column in related:
        key = normalized_url(url)
        if not key:
            continue
        if key in first_line:
            found.append(
                Problem(
                    f"related story listed twice: {url} (also on line {first_line[key]})",
                    line=line,
                    column=column,
                    path="$.related",
                    code=DUPLICATE,
                    level=WARNING,
                )
            )
        else:
            first_line[key] = line
    return tuple(found)


def same_story_paths(problems: Iterable[Problem]) -> list[str]:
    """The other records named by duplicate warnings, in order, each once."""
    return list(dict.fromkeys(problem.other_path for problem in problems if problem.other_path))
