"""Search tokens for Chinese, pinyin, pinyin initials and English.

A product is indexed as (term, weight) rows: every word jieba finds in its names, brand and category
names, each Chinese word's full pinyin (``niunai``) and initials (``nn``), the same for the whole name,
and every English word lowercased. A query is cut the same way; each query token must prefix-match
some term of a product, and products rank by the summed weight of what matched, then by sales.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Iterable

import jieba
from pypinyin import Style, lazy_pinyin

MAX_TERM = 80
MAX_QUERY_TOKENS = 8

WEIGHT_NAME = 10
WEIGHT_WHOLE_NAME = 12
WEIGHT_NAME_EN = 8
WEIGHT_BRAND = 6
WEIGHT_CATEGORY = 3
# Pinyin and initials count a little less than the characters themselves.
PINYIN_PENALTY = 1

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]+")
_jieba_ready = False
_jieba_lock = threading.Lock()


def _tokenizer() -> jieba.Tokenizer:
    """jieba's default tokenizer, its dictionary loaded once per process, quietly."""
    global _jieba_ready
    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba_ready = True
    return jieba.dt


async def ensure_loaded() -> None:
    """Load jieba's dictionary in a worker thread, so the first search does not stall the event loop."""
    if not _jieba_ready:
        await asyncio.to_thread(_tokenizer)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def _clean(token: str) -> str:
    return "".join(_WORD.findall(token.lower()))[:MAX_TERM]


def pinyin_forms(text: str) -> tuple[str, str]:
    """Full pinyin and initials of ``text`` (non-Chinese characters kept as they are), lowercased."""
    full = _clean("".join(lazy_pinyin(text, style=Style.NORMAL)))
    initials = _clean("".join(lazy_pinyin(text, style=Style.FIRST_LETTER)))
    return full, initials


def _add(terms: dict[str, int], term: str, weight: int) -> None:
    if term and weight > terms.get(term, 0):
        terms[term] = weight


def _add_with_pinyin(terms: dict[str, int], token: str, weight: int) -> None:
    clean = _clean(token)
    _add(terms, clean, weight)
    if has_cjk(clean):
        full, initials = pinyin_forms(clean)
        _add(terms, full, weight - PINYIN_PENALTY)
        _add(terms, initials, weight - PINYIN_PENALTY)


def text_terms(text: str | None, weight: int, *, whole_weight: int | None = None) -> dict[str, int]:
    """Terms of one piece of text: its words (search-mode cut), their pinyin and initials; with
    ``whole_weight`` also the whole text and its tails (so ``telunsuchun`` finds 特仑苏纯牛奶)."""
    terms: dict[str, int] = {}
    if not text:
        return terms
    for token in _tokenizer().cut_for_search(text):
        _add_with_pinyin(terms, token, weight)
    if whole_weight is not None:
        # The text from each word boundary to its end, so initials and pinyin typed across words
        # (``xyy``, ``xiyiye`` for 蓝月亮洗衣液) find it as well as the first word does.
        start = 0
        for index, word in enumerate(_tokenizer().cut(text)):
            _add_with_pinyin(terms, text[start:], whole_weight if index == 0 else weight)
            start += len(word)
    return terms


def product_terms(
    name_zh: str, name_en: str, brand: str | None, category_names: Iterable[str]
) -> dict[str, int]:
    """Every (term, weight) a product is found by."""
    terms: dict[str, int] = {}
    sources = [
        text_terms(name_zh, WEIGHT_NAME, whole_weight=WEIGHT_WHOLE_NAME),
        text_terms(name_en, WEIGHT_NAME_EN),
        text_terms(brand, WEIGHT_BRAND, whole_weight=WEIGHT_BRAND),
        *(text_terms(name, WEIGHT_CATEGORY, whole_weight=WEIGHT_CATEGORY) for name in category_names),
    ]
    for source in sources:
        for term, weight in source.items():
            _add(terms, term, weight)
    return terms


def query_tokens(query: str) -> list[set[str]]:
    """The query cut into tokens; each token is a set of alternatives (the word and its pinyin)."""
    tokens: list[set[str]] = []
    seen: set[str] = set()
    for raw in _tokenizer().cut(query.strip()[:200]):
        clean = _clean(raw)
        if not clean or clean in seen:
            continue
        seen.add(clean)
        alternatives = {clean}
        if has_cjk(clean):
            alternatives.add(pinyin_forms(clean)[0])
        tokens.append(alternatives)
        if len(tokens) >= MAX_QUERY_TOKENS:
            break
    return tokens


def prefix_upper_bound(prefix: str) -> str:
    """The exclusive upper end of the range of terms that start with ``prefix``."""
    return prefix + "\uffff"
