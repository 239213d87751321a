"""The scan's fast path (rapidyaml and the compiled schema check) gives the exact path's summary, or
steps aside: over the seeds, the corpus, hand-picked YAML 1.1 traps and mutated seeds."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.records import fastscan
from desktop.records.model import Document
from desktop.records.reading import locate_front_matter, parse_document, read_document
from desktop.records.scan import summarize_document, summarize_file
from desktop.records.schema import _record_validator, json_ready, known_valid

REPO = Path(__file__).resolve().parents[2]
SEEDS = sorted((REPO / "seeds").glob("*.txt"))
CORPUS = REPO.parent / "shared" / "corpus"
SEED_TEXT = SEEDS[0].read_bytes()

pytestmark = pytest.mark.skipif(not fastscan.available(), reason="rapidyaml is not installed")


def exact_summary(path: Path):
    return summarize_document(read_document(path))


def fast_summary(raw: bytes, path: Path):
    document = Document(path=path, raw=raw)
    return fastscan.summarize_front_matter(document) if locate_front_matter(document) else None


def test_every_seed_takes_the_fast_path_and_gets_the_exact_summary():
    for path in SEEDS:
        fast = fast_summary(path.read_bytes(), path)
        assert fast is not None, path
        assert fast == exact_summary(path), path


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present in this checkout")
def test_corpus_summaries_and_data_agree_with_the_exact_path():
    files = sorted(path for path in CORPUS.rglob("*") if path.is_file())
    assert len(files) > 1000
    sure = 0
    for path in files:
        assert summarize_file(path) == exact_summary(path), path
        document = read_document(path)
        if document.format != "yaml" or document.text is None:
            continue
        data = fastscan.json_ready_front_matter(document.front_text)
        if data is not None:  # whenever the fast reading is sure, it is PyYAML's data, valid or not
            sure += 1
            assert document.data is not None, path
            assert data == json_ready(document.data, document.root), path
    assert sure > 300  # the corpus is mostly ordinary YAML: the fast reading vouches for most of it


def record(front: str) -> bytes:
    return f"---\ntitle: A story\nwebUrl: https://example.com/a\n{front}---\nbody\n".encode()


# Each reads differently in PyYAML (YAML 1.1) than in rapidyaml (YAML 1.2), or needs a problem only
# the exact path words; the fast path must step aside for every one.
TRAPS = {
    "yes is a boolean": "published: yes\n",
    "octal": "quality: 012\n",
    "hex": "quality: 0x1F\n",
    "underscores": "quality: 1_0\n",
    "sexagesimal": "quality: 1:30\n",
    "plus sign": "quality: +5\n",
    "tilde null": "excerpt: ~\n",
    "empty value": "excerpt:\n",
    "float": "quality: 40.0\n",
    "exponent without dot is text": "excerpt: 1e5\n",
    "infinity": "heat: .inf\n",
    "timestamp as a title": "category: 2020-06-11\n",
    "tag": "excerpt: !!str 5\n",
    "anchor and alias": "provider: &p {name: A, domain: a.com}\ncopy: *p\n",
    "merge key": "base: &b {x: 1}\nmore:\n  <<: *b\n",
    "duplicate key": "quality: 1\nquality: 2\n",
    "tab": "excerpt: a\tb\n",
    "line separator": 'excerpt: "a\u2028b"\n',
    "next line": 'excerpt: "a\x85b"\n',
    "at sign": "excerpt: @handle\n",
    "backtick": "excerpt: `code`\n",
    "flow indicator starting a key": "]quality: 1\n",
    "flow indicator starting a value": "excerpt: }x\n",
    "boolean key": "yes: 1\n",
    "directive-like line": "excerpt: >\n%x\n",
}


@pytest.mark.parametrize("front", TRAPS.values(), ids=TRAPS.keys())
def test_yaml_1_1_traps_step_aside_and_the_summary_stays_exact(tmp_path, front):
    path = tmp_path / "trap.md"
    path.write_bytes(record(front))
    assert fast_summary(path.read_bytes(), path) is None
    assert summarize_file(path) == exact_summary(path)


def test_crlf_records_take_the_exact_path(tmp_path):
    path = tmp_path / "crlf.md"
    path.write_bytes(SEED_TEXT.replace(b"\n", b"\r\n"))
    assert fast_summary(path.read_bytes(), path) is None
    assert summarize_file(path) == exact_summary(path)


MUTATION_ALPHABET = list(":-\"'\n #&*!|>[]{},%@?`\\\t~0123456789yYnN.eE ") + ["\n  ", ": ", "- ", "\n- "]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=4))
def test_mutated_seeds_agree_with_the_exact_path(tmp_path_factory, seed, count):
    # Random edits where YAML is most fragile; whenever the fast path answers, it is the exact answer.
    chooser = random.Random(seed)
    text = SEED_TEXT.decode()
    front_end = text.index("\n---", 4)
    for _ in range(count):
        position = chooser.randrange(4, front_end)
        action = chooser.choice(("insert", "replace", "delete"))
        piece = chooser.choice(MUTATION_ALPHABET)
        if action == "insert":
            text = text[:position] + piece + text[position:]
        elif action == "replace":
            text = text[:position] + piece + text[position + 1 :]
        else:
            text = text[:position] + text[position + chooser.randrange(1, 4) :]
        front_end = text.find("\n---", 4)
        if front_end < 0:
            break
    raw = text.encode()
    path = tmp_path_factory.mktemp("mutant") / "record.md"
    fast = fast_summary(raw, path)
    if fast is not None:
        assert fast == summarize_document(parse_document(raw, path))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 120)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["https://a.example/x", "2020-06-11T16:07:00Z", "a.com", " ", "http://", "x y"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["title", "webUrl", "name", "domain", "url", "width", "topics", "quality", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
RECORD_KEYS = st.sampled_from(
    [
        "title",
        "webUrl",
        "quality",
        "heat",
        "published",
        "topics",
        "provider",
        "images",
        "related",
        "publishedDateTime",
        "secured",
        "category",
        "other",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(RECORD_KEYS, JSON_VALUES, max_size=6))
def test_the_compiled_check_never_passes_what_jsonschema_rejects(instance):
    errors = list(_record_validator().iter_errors(instance))
    if known_valid(instance):
        assert errors == []
    elif not errors:
        # Not known valid yet valid: only where jsonschema's own equality decides (uniqueItems
        # over a list that is not all text).
        topics = instance.get("topics")
        assert isinstance(topics, list) and not all(isinstance(topic, str) for topic in topics)


# Where title, webUrl and related[].webUrl are written, for the duplicate warnings: the fast path
# finds them in the text, and steps aside where the text could mislead it.
PLACES = {
    "a quoted key": '"webUrl": "https://example.com/b"\n',
    "value on the next line": "related:\n  - title: R\n    webUrl:\n      https://example.com/r\n",
    "a key-like line inside a text": 'excerpt: "one\n\n  webUrl: two"\nrelated:\n  - webUrl: https://example.com/r\n',
    "related in flow style": "related: [{title: R, webUrl: 'https://example.com/r'}]\n",
    "sequence not indented": "related:\n- title: R\n  webUrl: https://example.com/r\n- webUrl: https://example.com/s\n",
    "two related": "related:\n  - title: R\n    webUrl:   https://example.com/r\n  - webUrl: 'https://example.com/s'\n",
}


@pytest.mark.parametrize("front", PLACES.values(), ids=PLACES.keys())
def test_value_places_agree_with_the_exact_path(tmp_path, front):
    path = tmp_path / "places.md"
    path.write_bytes(record(front))
    assert summarize_file(path) == exact_summary(path)
    fast = fast_summary(path.read_bytes(), path)
    assert fast is None or fast == exact_summary(path)


def test_the_seed_summary_knows_where_its_links_are():
    summary = fast_summary(SEED_TEXT, Path("seed.txt"))
    assert (summary.title_at, summary.web_url_at) == ((3, 8), (6, 9))
    assert [(problem.line, problem.column) for problem in summary.warnings] == [(49, 13)]


_TIMESTAMP_RESOLVER = next(
    pattern
    for patterns in __import__("yaml").resolver.Resolver.yaml_implicit_resolvers.values()
    for tag, pattern in patterns
    if tag == "tag:yaml.org,2002:timestamp"
)


@given(st.from_regex(_TIMESTAMP_RESOLVER, fullmatch=True).filter(lambda text: "\n" not in text and '"' not in text))
@settings(max_examples=300, deadline=None)
def test_a_timestamp_is_read_as_a_timestamp_and_nothing_else(text):
    # _check_texts stops looking at a text once it reads as a timestamp: sound only while PyYAML
    # resolves every such plain text to a timestamp, so no other resolver can claim it.
    import yaml

    quoted = f'"{text}"'
    assert fastscan._TIMESTAMP_AT.match(quoted)
    assert not fastscan._NOT_TEXT_AT.match(quoted)
    assert yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:timestamp"


@pytest.mark.parametrize(
    "front",
    [
        SEED_TEXT.decode().split("\n---", 1)[0][4:],
        "".join(f"{n}: 1\n" for n in range(9000)),  # short keys: the JSON is longer than the first buffer
        "a: {" + ",".join(f"k{n}: [[[{n}]]]" for n in range(500)) + "}\n",
        "a:\n" + "".join(f"{'  ' * depth}- \n" for depth in range(1, 40)) + "\n",
        "é: \"ü\\u2603\"\nx: 'tab\\there'\n",
    ],
)
def test_the_json_text_is_rapidyamls_own(front):
    # _json_text emits into a buffer of its own, grown when too small, instead of emit_json_malloc
    tree = fastscan.ryml.parse_in_arena(front.encode())
    assert fastscan._json_text(tree, len(front.encode())) == fastscan.ryml.emit_json_malloc(tree, tree.root_id())


_FIRST_SUSPECT = __import__("re").compile(  # _check_texts' first look as it was, without its lookaheads
    r'"(?:[-+.0-9~<=!&*"\]}@`]|(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE'
    r'|on|On|ON|off|Off|OFF|null|Null|NULL)")'
)


def _reference_check_texts(text):
    """_check_texts with that first look: every quote it finds, the timestamps among them too."""
    for found in _FIRST_SUSPECT.finditer(text):
        at = found.start()
        if at == 0 or text[at - 1] not in fastscan._BEFORE_OPENING:
            continue
        if text[at + 1] in fastscan._RESERVED_STARTS:
            return False
        if fastscan._TIMESTAMP_AT.match(text, at):
            if not text.endswith(fastscan._PUBLISHED_KEY, 0, at):
                return False
            continue
        if fastscan._NOT_TEXT_AT.match(text, at):
            return False
    return not ("null" in text and fastscan._NULL.search(text))


def _passes_check_texts(text):
    try:
        fastscan._check_texts(text)
    except fastscan._Unsure:
        return False
    return True


JSON_PIECES = [
    '"publishedDateTime": ',
    '"2020-06-11T16:07:00Z"',
    '"2020-06-11T16:07:00Z',
    '2020-06-11T16:07:00Z"',
    '"2020-06-11 16:07:00Z"',
    '"2020-06-11T16:07:00+02:00"',
    '"2020-06-11"',
    '"x": ',
    '"a"',
    '"yes"',
    '"No"',
    '"off',
    'ON"',
    '"1',
    '"-',
    '"]',
    '"`',
    '"h',
    '"@a"',
    ", ",
    ",",
    "\n  ",
    "[",
    "{",
    "}",
    "]",
    "null",
    '"',
    "\\",
    "é",
    "1",
    "Z",
    '"1:30"',
    '"~"',
    '""',
    '"publishedDateTime":',
]


@given(
    st.lists(st.sampled_from(JSON_PIECES), max_size=14).map("".join)
    | st.text(alphabet='"-+.0~<=!&*]}@`yYnNtTfFoOeslruaxh :,[{\n1Z', max_size=40)
)
@settings(max_examples=800, deadline=None)
def test_check_texts_decides_as_it_did_when_it_looked_at_every_timestamp(text):
    # Its first look skips canonical publishedDateTime values and asks for a first character the
    # alternatives need anyway: neither changes which texts it passes.
    assert _passes_check_texts(text) is _reference_check_texts(text)


def test_a_canonical_date_is_a_yaml_timestamp_and_passes_only_as_a_publisheddatetime():
    assert fastscan._TIMESTAMP_AT.match('"2020-06-11T16:07:00Z"')
    assert _passes_check_texts('{"publishedDateTime": "2020-06-11T16:07:00Z"}')
    assert not _passes_check_texts('{"title": "2020-06-11T16:07:00Z"}')
    assert not _passes_check_texts('{"xpublishedDateTime": ["2020-06-11T16:07:00Z"]}')


@given(st.text(alphabet="%\n é-a\u2028", max_size=200))
@settings(max_examples=400, deadline=None)
def test_a_directive_line_is_found_as_a_search_of_the_text_found_it(text):
    assert fastscan._has_directive_line(text.encode()) is (text.startswith("%") or "\n%" in text)
    many = "a%" * 70 + text  # past the first 64 percent signs: the search takes over
    assert fastscan._has_directive_line(many.encode()) is (many.startswith("%") or "\n%" in many)


@pytest.mark.parametrize(
    "raw",
    [
        SEED_TEXT,
        b"\xef\xbb\xbf" + SEED_TEXT,  # a BOM before the fence
        SEED_TEXT.replace(b"---\n", b"--- \t\n", 1),
        "---\ntitle: Ünïcödé “quotes”\nwebUrl: https://e.com/é\n---\nbody “too”\n".encode(),
        b"---\ntitle: T\n---\n",
        b"---\ntitle: T\n...\n" + "é".encode() * 10,
    ],
)
def test_the_front_matter_bytes_are_a_slice_of_the_files(raw):
    document = Document(path=Path("x.md"), raw=raw)
    assert locate_front_matter(document)
    front = fastscan._raw_front(document)
    assert front is None or front == document.front_text.encode()


def test_a_body_longer_than_the_front_matter_has_its_front_matter_encoded():
    document = Document(path=Path("x.md"), raw=record("") + "é".encode() * 1000)
    assert locate_front_matter(document) and fastscan._raw_front(document) is None
    assert fastscan.summarize_front_matter(document, text_is_raw=True) == fastscan.summarize_front_matter(document)


def test_a_keys_lead_tells_a_plain_indent_as_a_second_match_did():
    # Every line start of up to six of these characters: the same indent and quote as the lead
    # without its `plain` alternative, and `plain` set exactly when the indent is spaces, or spaces,
    # a dash and spaces.
    import itertools
    import re

    general = re.compile(r"(?P<indent>[ -]*)(?P<open>[\"']?)")
    plain = re.compile(r"[ ]+(?:-[ ]+)?")
    for length in range(7):
        for characters in itertools.product(" -\"'x", repeat=length):
            start = "".join(characters)
            expected, found = general.fullmatch(start), fastscan._KEY_LEAD.fullmatch(start)
            assert (expected is None) is (found is None), start
            if expected is not None:
                assert expected.group("indent", "open") == found.group("indent", "open"), start
                assert (plain.fullmatch(expected["indent"]) is not None) is (found["plain"] is not None), start
