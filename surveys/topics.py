"""Bank topics of a free-text comment (fees, waiting time, staff, app, cards, loans, ...), in
Simplified Chinese and English, with the words that gave each topic away.

The taxonomy is a plain value, a list of `Topic`s, handed to `assign_topics`: the default one
ships as data (surveys/topics/default.yaml, read by `default_taxonomy()`), and an admin's topics
and keywords, kept elsewhere, become `Topic`s through `topic_from_data` the same way. Nothing
here reads a global taxonomy.

Matching is by keyword, because a topic must say why it was given: English keywords match whole
words in any case (a plural "s"/"es" allowed, or any ending after a trailing "*"); Chinese has no
spaces, so Chinese keywords match as substrings, and a topic's `exclude` phrases stop the false
friends ("卡" is a card, but "很卡" says the app lags). Negation does not remove a topic: "不用排队"
and "no hidden fees" are still about waiting and fees, only with another sentiment. A comment may
have several topics; each comes with its evidence, in the order it appears in the text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_TAXONOMY = Path(__file__).parent / "topics" / "default.yaml"
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Latin letters and digits only: a Han character next to an English keyword is a word boundary.
LETTER = "[a-z0-9\u00df-\u024f]"


@dataclass(frozen=True)
class Topic:
    """One topic: a stable code, its names, and its keywords in English and Chinese."""

    code: str
    name_en: str
    name_zh: str
    keywords_en: tuple[str, ...] = ()
    keywords_zh: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


@dataclass(frozen=True)
class TopicMatch:
    code: str
    evidence: tuple[str, ...]


def assign_topics(text: str, taxonomy: Sequence[Topic]) -> list[TopicMatch]:
    """Every topic whose keywords occur in the text, in taxonomy order, with what matched."""
    if not isinstance(text, str) or not text.strip():
        return []
    lowered = text.lower()
    found = []
    for topic in taxonomy:
        evidence = _evidence(text, lowered, _compiled(topic))
        if evidence:
            found.append(TopicMatch(topic.code, evidence))
    return found


def default_taxonomy() -> list[Topic]:
    """The shipped taxonomy, a fresh list each call so a caller may extend it."""
    return list(_load(DEFAULT_TAXONOMY))


def load_taxonomy(path: Path) -> list[Topic]:
    return list(_load(path))


def topic_from_data(data: Mapping[str, Any]) -> Topic:
    """A topic from plain data: {code, name: {en, zh-CN}, keywords: {en: [...], zh-CN: [...]},
    exclude: [...]}: the shape of the YAML file, and of what an admin's form would give."""
    code = str(data["code"]).strip()
    if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
        raise ValueError(f"topic code {code!r}: lower-case letters, digits and _ only")
    names = data.get("name") or {}
    keywords = data.get("keywords") or {}
    return Topic(
        code=code,
        name_en=str(names.get("en") or code),
        name_zh=str(names.get("zh-CN") or names.get("en") or code),
        keywords_en=_phrases(keywords.get("en")),
        keywords_zh=_phrases(keywords.get("zh-CN")),
        exclude=_phrases(data.get("exclude")),
    )


@functools.cache
def _load(path: Path) -> tuple[Topic, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    topics = tuple(topic_from_data(item) for item in data.get("topics", []))
    codes = [topic.code for topic in topics]
    duplicated = sorted({code for code in codes if codes.count(code) > 1})
    if duplicated:
        raise ValueError(f"{path}: topic codes used twice: {', '.join(duplicated)}")
    return topics


def _phrases(values: Iterable[object] | None) -> tuple[str, ...]:
    """Clean keywords: stripped, lower-cased, blanks and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for value in values or ():
        phrase = " ".join(str(value).split()).lower()
        if phrase:
            seen.setdefault(phrase, None)
    return tuple(seen)


@dataclass(frozen=True)
class _Matcher:
    keywords: re.Pattern[str] | None
    exclude: re.Pattern[str] | None


@functools.lru_cache(maxsize=512)
def _compiled(topic: Topic) -> _Matcher:
    """One regular expression for all a topic's keywords, longest first, and one for exclusions."""
    return _Matcher(
        _alternation((*topic.keywords_en, *topic.keywords_zh)), _alternation(topic.exclude)
    )


def _alternation(phrases: Iterable[str]) -> re.Pattern[str] | None:
    parts = [_pattern(p) for p in sorted(set(phrases), key=len, reverse=True)]
    return re.compile("|".join(parts)) if parts else None


def _pattern(phrase: str) -> str:
    """A keyword as a pattern: substring for anything with Han characters, else whole words
    (so "mortgage" is found in "帮我把mortgage的paperwork搞定了", and "app" not in "apply")."""
    if HAN.search(phrase):
        return re.escape(phrase)
    stem, open_end = (phrase[:-1], True) if phrase.endswith("*") else (phrase, False)
    body = r"\s+".join(re.escape(word).replace(r"\*", f"{LETTER}*") for word in stem.split())
    ending = f"{LETTER}*" if open_end else "(?:e?s)?"
    start = f"(?<!{LETTER})" if stem[:1].isalnum() else ""
    end = f"(?!{LETTER})" if stem[-1:].isalnum() or open_end else ""
    return f"{start}{body}{ending}{end}"


def _evidence(text: str, lowered: str, matcher: _Matcher) -> tuple[str, ...]:
    if matcher.keywords is None:
        return ()
    blocked = [m.span() for m in matcher.exclude.finditer(lowered)] if matcher.exclude else []
    source = text if len(text) == len(lowered) else lowered  # a few letters change length
    found: dict[str, None] = {}
    for match in matcher.keywords.finditer(lowered):
        start, end = match.span()
        if any(b_start <= start and end <= b_end for b_start, b_end in blocked):
            continue
        found.setdefault(source[start:end], None)
    return tuple(found)
