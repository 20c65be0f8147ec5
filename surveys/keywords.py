"""Keywords of free-text comments, in Simplified Chinese and English, offline.

Chinese has no spaces, so Han runs are segmented with jieba (its dictionary ships in the
package; it is imported on first use because building its prefix dictionary takes about a
second). Latin runs are split on letters. Stop words and one-character Chinese words are
dropped, since they say nothing about what went wrong. A word counts once per comment, so one
angry essay cannot outvote twenty short complaints.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable

HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
EN_MIN_LETTERS = 3

ZH_STOP_WORDS = frozenset(
    """的 了 是 我 你 他 她 它 我们 你们 他们 在 有 和 就 不 都 也 很 还 这 那 这个 那个 个 吗
    吧 啊 呢 呀 哦 要 会 对 说 没有 一个 什么 因为 所以 但是 可是 而且 可以 没 被 把 给 让 到
    去 又 再 太 非常 已经 自己 现在 时候 银行 一下 一些 怎么 为什么 这样 那样 还是 或者 如果
    然后 就是 不是 真的 觉得 知道 一直 其实 比较 特别 感觉 问题 今天 昨天 一次 多次 谢谢""".split()
)
EN_STOP_WORDS = frozenset(
    """the and for are but not you your yours with this that these those was were been being
    have has had having does did doing done from they them their there then than what when
    where which who whom why how all any both each few more most other some such only own same
    too very can will just don't didn't won't can't isn't wasn't aren't weren't haven't hasn't
    should would could about into over under again further once here also our ours out off
    she her hers him his its it's i'm i've i'd we're they're you're get got bank one two
    because while after before until since still even ever much many really said told say
    which xxxx xx""".split()
)


@functools.cache
def _segmenter() -> Callable[[str], list[str]]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.lcut


def keywords(text: str) -> set[str]:
    """The distinct meaningful words of one comment, English ones lower-cased."""
    found = set()
    for run in HAN_RUN.findall(text):
        found.update(
            word for word in _segmenter()(run) if len(word) > 1 and word not in ZH_STOP_WORDS
        )
    for word in LATIN_WORD.findall(text.lower()):
        if len(word) >= EN_MIN_LETTERS and word not in EN_STOP_WORDS:
            found.add(word)
    return found


def top_keywords(comments: Iterable[str], limit: int = 8) -> list[tuple[str, int]]:
    """The words most comments share, with how many comments use each; ties alphabetically."""
    counts: Counter[str] = Counter()
    for comment in comments:
        counts.update(keywords(comment))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:limit]
