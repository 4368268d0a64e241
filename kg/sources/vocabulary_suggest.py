r"""Rank the names of a vocabulary by how likely each is the one a misspelt or partial name meant.

The ranking, best first (the first is the likely one):

1. the same name up to case, spacing and punctuation ("FLT-3" for FLT3, "K-RAS" for KRAS);
2. how many of the query's words the name holds: a word held exactly counts 1, a word that begins
   a word of the name ("orbit" in "orbital") 0.85, the name's word beginning the query's word 0.7,
   a word one or two edits away ("brian" for "brain") 1 - edits / length;
3. names that begin with the query before names that hold it further on ("orbit of skull" before
   "wall of orbit");
4. fewer words of the name left unmatched (words in parentheses, such as "(anhydrous)", and
   small words such as "of" do not count), so "brain" comes before "brain ventricle";
5. a term's label before its synonym;
6. closeness of the whole strings (difflib's ratio, without the parenthesised words);
7. the lower identifier (the older term), which keeps the order deterministic.

The index works on the bytes of a vocabulary's index file, lower-cased (:func:`fold`), and finds
names by searching them, so building it costs one pass over the file, not work per term.

>>> rows = ["UBERON:0000948\theart", "UBERON:0000955\tbrain", "UBERON:0004086\tbrain ventricle"]
>>> text = fold(("header\n" + "".join(r + "\t\tfalse\t\t\n" for r in rows)).encode())
>>> [curie for _, curie, _ in SuggestIndex(text, "UBERON").rank("brian", 2)]
['UBERON:0000955', 'UBERON:0004086']
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterator

_WORD = re.compile(r"[^\W_]+")
#: Words with at least one letter: the ones worth matching with edits (numbers only exactly).
_LETTER_WORD = re.compile(rb"[a-z][a-z0-9]*")
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_PUNCTUATION = re.compile(r"[\W_]+")
#: Words that carry no meaning of their own in an anatomy, disease or drug name.
_SMALL_WORDS = frozenset({"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or"})
_SMALL_WORDS |= frozenset({"the", "to", "with"})
_SEPARATOR = b" | "
#: Lines scored per query at most, and per word of the vocabulary that matches a query word.
_MAX_LINES, _MAX_LINES_PER_WORD = 12000, 3000
#: Words of the vocabulary tried per word of the query at most (the closest first).
_MAX_RELATED = 25
#: One ranked candidate: its sort key, its CURIE and the (lower-cased) name of it that matched.
Ranked = tuple[tuple[object, ...], str, str]


def fold(data: bytes) -> bytes:
    r"""An index file's bytes as names are compared: ASCII lower-cased, '_' read as a space.

    Bytes, and ASCII only, because that is fast on a 20 MB file; a name with non-ASCII letters
    is compared with :func:`fold_unicode` instead.

    >>> fold(b"UBERON:1\tOrbit_of  skull")
    b'uberon:1\torbit of skull'
    """
    out = data.lower().replace(b"_", b" ")
    while b"  " in out:
        out = out.replace(b"  ", b" ")
    return out


def fold_unicode(data: bytes) -> bytes:
    """Like :func:`fold`, but lower-casing every letter, not only ASCII ones (slower)."""
    return fold(data.decode("utf-8").lower().encode("utf-8"))


def words(text: str) -> list[str]:
    """The words of a name, lower-cased; punctuation separates words.

    >>> words("Dasatinib (anhydrous)")
    ['dasatinib', 'anhydrous']
    """
    return _WORD.findall(text.lower())


def compact(text: str) -> str:
    """A name without case, spaces or punctuation: 'FLT-3' and 'flt3' are the same.

    >>> compact("K-Ras 4B")
    'kras4b'
    """
    return _PUNCTUATION.sub("", text.lower())


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours is one edit), capped at limit + 1.

    >>> edit_distance("brian", "brain", 2), edit_distance("heart", "aorta", 2)
    (1, 3)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def curie_order(curie: str) -> tuple[str, int, str]:
    """Sort key for CURIEs: prefix, then the local number as a number where it is one.

    >>> sorted(["CHEBI:190514", "CHEBI:49375"], key=curie_order)
    ['CHEBI:49375', 'CHEBI:190514']
    """
    prefix, _, local = curie.partition(":")
    return (prefix.upper(), int(local), "") if local.isdigit() else (prefix.upper(), -1, local)


def _allowed_edits(word: str) -> int:
    return 0 if len(word) < 3 else 1 if len(word) <= 5 else 2


class SuggestIndex:
    """The words of one vocabulary's names, for ranking suggestions.

    Args:
        text: the index file's bytes after :func:`fold`.
        prefix: the vocabulary's CURIE prefix as written in CURIEs (e.g. ``"UBERON"``).
    """

    def __init__(self, text: bytes, prefix: str) -> None:
        self._text = text
        self._prefix = prefix
        self._words = {w.decode("ascii") for w in set(_LETTER_WORD.findall(text))}
        self._vocabulary = sorted(self._words)
        self._by_first: dict[tuple[int, str], list[str]] = {}
        self._by_last: dict[tuple[int, str], list[str]] = {}
        for word in self._vocabulary:
            self._by_first.setdefault((len(word), word[0]), []).append(word)
            self._by_last.setdefault((len(word), word[-1]), []).append(word)

    def _related_words(self, word: str) -> dict[str, float]:
        """Words of the vocabulary that match ``word``, each with how well (1 is exact)."""
        found = {word: 1.0}
        if len(word) >= 3:
            start = bisect.bisect_left(self._vocabulary, word)
            for other in self._vocabulary[start : start + 30]:
                if not other.startswith(word):
                    break
                found.setdefault(other, 0.85)
            for size in range(3, len(word)):
                if word[:size] in self._words:
                    found.setdefault(word[:size], 0.7)
        limit = _allowed_edits(word)
        if limit:
            for size in range(len(word) - limit, len(word) + limit + 1):
                first = self._by_first.get((size, word[0]), [])
                for other in first + self._by_last.get((size, word[-1]), []):
                    if other not in found:
                        distance = edit_distance(word, other, limit)
                        if distance <= limit:
                            found[other] = 1.0 - distance / max(len(word), len(other))
        best = sorted(found.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))
        return dict(best[:_MAX_RELATED])

    def _lines_with(self, word: str) -> Iterator[int]:
        """Start offsets of the lines that hold ``word`` as a whole word."""
        text, needle = self._text, word.encode("utf-8")
        size = len(needle)
        at = text.find(needle)
        while at != -1:
            if not text[at - 1 : at].isalnum() and not text[at + size : at + size + 1].isalnum():
                yield text.rfind(b"\n", 0, at) + 1
            at = text.find(needle, at + size)

    def _lines_starting(self, query: str) -> Iterator[int]:
        """Start offsets of the lines with a label or synonym that begins with ``query``."""
        for lead in (b"\t", _SEPARATOR):
            needle = lead + query.encode("utf-8")
            at = self._text.find(needle)
            while at != -1:
                start = self._text.rfind(b"\n", 0, at) + 1
                if self._text.count(b"\t", start, at + 1) in (1, 2):
                    yield start
                at = self._text.find(needle, at + 1)

    def _candidates(self, query: str, related: dict[str, dict[str, float]]) -> list[int]:
        chosen: dict[int, None] = dict.fromkeys(self._lines_starting(query))
        pairs = sorted(
            (-score, -len(word), word)
            for scores in related.values()
            for word, score in scores.items()
        )
        for _, _, word in pairs:
            for number, start in enumerate(self._lines_with(word)):
                if number >= _MAX_LINES_PER_WORD or len(chosen) >= _MAX_LINES:
                    break
                chosen[start] = None
        chosen.pop(0, None)  # the header line
        return list(chosen)

    def rank(self, name: str, n: int = 3) -> list[Ranked]:
        """The ``n`` terms whose names most likely are the one ``name`` meant, best first.

        Returns:
            ``(sort key, CURIE, matched name)`` triples; keys of two vocabularies compare.
        """
        query = " ".join(name.lower().replace("_", " ").split())
        query_compact = compact(query)
        query_words = [w for w in words(query) if w not in _SMALL_WORDS] or words(query)
        if not query_words:
            return []
        related = {word: self._related_words(word) for word in dict.fromkeys(query_words)}
        best: dict[str, tuple[tuple[object, ...], str]] = {}
        for start in self._candidates(query, related):
            line = self._text[start : self._text.find(b"\n", start)]
            fields = line.decode("utf-8").lower().split("\t")
            if len(fields) < 4 or fields[3] == "true":
                continue
            curie = self._prefix + fields[0][len(self._prefix) :]
            synonyms = fields[2].split(" | ") if fields[2] else []
            names = [(fields[1], True)] + [(name, False) for name in synonyms]
            for candidate, is_label in names:
                key = _first_key(query, query_compact, query_words, related, candidate, is_label)
                if key is not None and (curie not in best or key < best[curie][0]):
                    best[curie] = (key, candidate)
        order = sorted(best.items(), key=lambda item: (item[1][0], curie_order(item[0])))
        ranked: list[Ranked] = []
        for curie, (key, candidate) in order[: max(50, 10 * n)]:
            core = _core(candidate)
            ratio = round(difflib.SequenceMatcher(None, query, core).ratio(), 3)
            ranked.append(((*key, -ratio, curie_order(curie)), curie, candidate))
        return sorted(ranked)[:n]


def _core(name: str) -> str:
    return " ".join(_PARENTHESES.sub(" ", name).split()) or name


def _first_key(
    query: str,
    query_compact: str,
    query_words: list[str],
    related: dict[str, dict[str, float]],
    name: str,
    is_label: bool,
) -> tuple[object, ...] | None:
    """The sort key of one name, but for the string ratio; None if it shares nothing."""
    name_words = words(name)
    matched: set[str] = set()
    total = 0.0
    for word in query_words:
        scores = related[word]
        best = 0.0
        for other in name_words:
            score = scores.get(other, 0.0)
            if score:
                matched.add(other)
                best = max(best, score)
        total += best
    coverage = round(total / max(len(query_words), 1), 3)
    starts = name.startswith(query)
    if coverage == 0 and not starts:
        return None
    core = _core(name)
    unmatched = {w for w in words(core) if w not in _SMALL_WORDS} - matched
    return (
        compact(name) != query_compact,
        -coverage,
        not (starts or core == query),
        len(unmatched),
        not is_label,
    )


_SPACE = re.compile(r"[\s_]+")


def normalise(name: str) -> str:
    """Fold case and spacing so 'Factor XIIIa' and 'factor  xiiia' match.

    >>> normalise("  Factor   XIIIa ")
    'factor xiiia'
    """
    return _SPACE.sub(" ", name.strip().lower())
