"""Indonesian text to weighted terms: case-folding, stop words, Sastrawi stemming, TF-IDF.

An article becomes a sparse vector of at most ``TERMS_PER_ARTICLE`` stems, the
ones that say most about it. Only those are stored (``ArticleTerm``), so the
inverted index stays small and two articles are compared by the cosine of
their vectors.
"""

import html
import math
import re
from collections import Counter
from functools import lru_cache

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

# Fewer terms make a smaller index but blur the comparison: on IndoSum, 40 terms
# lose five points of precision@5 against 100; more than 100 add little.
TERMS_PER_ARTICLE = 100
TERM_MAX_LENGTH = 40
# The title names the story: a word there says more than one among hundreds in
# the body. (The lead usually repeats the body's first sentences already.)
FIELD_WEIGHTS = {"title": 2, "lead": 1, "body": 1}

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Words of reporting that Sastrawi's list lacks: every news story has them.
_NEWS_STOP_WORDS = {
    "baca",
    "juga",
    "kata",
    "ujar",
    "ucap",
    "tutur",
    "jelas",
    "ungkap",
    "sebut",
    "terang",
    "lanjut",
    "menurut",
    "tambah",
    "pihak",
    "hari",
    "tahun",
    "senin",
    "selasa",
    "rabu",
    "kamis",
    "jumat",
    "sabtu",
    "minggu",
    "wib",
    "wita",
    "wit",
    "com",
    "www",
    "http",
    "https",
}
STOP_WORDS = frozenset(StopWordRemoverFactory().get_stop_words()) | _NEWS_STOP_WORDS


class _RootWords(ArrayDictionary):
    """Sastrawi's root-word dictionary as a set.

    Sastrawi keeps its 30,000 root words in a list and searches it for every
    candidate root, which costs up to a second per word; a set makes it microseconds.
    """

    def __init__(self, words):
        self.words = set(words)

    def add(self, word):
        self.words.add(word)


@lru_cache(maxsize=1)
def _stemmer():
    # Loading the dictionary takes a moment: once per process.
    return Stemmer(_RootWords(StemmerFactory().get_words_from_file()))


# word -> its term, or None for a word that is no term (stop word, number, too
# short). News repeats its words, so most lookups skip the stemmer entirely.
_TERM_OF_WORD = {}
_TERM_CACHE_LIMIT = 500_000


def _term_of(word):
    if len(word) < 3 or word.isdigit() or word in STOP_WORDS:
        return None
    term = _stemmer().stem(word)
    return term[:TERM_MAX_LENGTH] if len(term) >= 3 and term not in STOP_WORDS else None


def plain_words(text):
    """Every word of ``text``, case-folded: what a plain TF-IDF baseline sees."""
    return _WORD.findall(text.lower())


def terms(text):
    """The content words of ``text``: case-folded, stop words dropped, Sastrawi-stemmed.

    Numbers and one- or two-letter words are dropped: they rarely tell two stories apart.
    """
    cache = _TERM_OF_WORD
    if len(cache) > _TERM_CACHE_LIMIT:
        cache.clear()
    found = []
    for word in _WORD.findall(text.lower()):
        try:
            term = cache[word]
        except KeyError:
            term = cache[word] = _term_of(word)
        if term is not None:
            found.append(term)
    return found


def body_text(body_html):
    """The words of a body, with paragraph boundaries kept as spaces."""
    return html.unescape(_TAG.sub(" ", body_html or ""))


def term_counts(title, lead, body_html):
    """Weighted term frequencies of an article's title, lead and body."""
    counts = Counter()
    for field, text in (("title", title), ("lead", lead), ("body", body_text(body_html))):
        for term in terms(text or ""):
            counts[term] += FIELD_WEIGHTS[field]
    return counts


def idf(document_frequency, total):
    """Inverse document frequency: rare terms weigh more, a term in every article little."""
    total = max(total, 1)
    return math.log((total + 1) / min(max(document_frequency, 1), total))


def normalised(weights):
    """``weights`` scaled to unit length, so that a dot product is a cosine."""
    length = math.sqrt(sum(w * w for w in weights.values()))
    return {term: w / length for term, w in weights.items()} if length else {}


def tfidf_vector(counts, document_frequency, total, *, limit=TERMS_PER_ARTICLE):
    """The article's ``limit`` heaviest terms as a unit TF-IDF vector.

    ``document_frequency`` maps a term to the number of articles using it; a term
    it does not know counts as seen once (new names are rare by definition).
    """
    weights = {
        term: (1 + math.log(count)) * idf(document_frequency.get(term, 1), total)
        for term, count in counts.items()
    }
    heaviest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return normalised({term: w for term, w in heaviest if w > 0})


def cosine(a, b):
    """Dot product of two unit vectors (dicts), over the terms they share."""
    return sum(a[term] * b[term] for term in a.keys() & b.keys())
