"""Indonesian text to weighted terms: case-folding, stop words, Sastrawi stemming, TF-IDF.

An article becomes a sparse unit vector of at most ``TERMS_PER_ARTICLE`` stems,
the ones that say most about it; two articles are compared by the cosine of
their vectors.
"""

import html
import math
import re
from collections import Counter
from functools import lru_cache
from operator import mul

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

# Fewer terms make smaller vectors but blur the comparison: on IndoSum, 100
# terms lose about half a point of precision@5 against 150; more add little.
TERMS_PER_ARTICLE = 150
TERM_MAX_LENGTH = 40
# Term frequency saturates (as in BM25): a word said twice counts about 1.3
# times once, ten times about 1.7. Raw counts let one repeated word swamp a story.
TF_SATURATION = 0.8
WEIGHT_DECIMALS = 5

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
    """Term frequencies of an article's title, lead and body together."""
    return Counter(terms(" ".join([title or "", lead or "", body_text(body_html)])))


def term_frequency_weight(count):
    """1 for a term said once, growing ever slower with repetition, never past 1 + TF_SATURATION."""
    return (TF_SATURATION + 1) * count / (count + TF_SATURATION)


def idf(document_frequency, total):
    """Inverse document frequency (smoothed): rare terms weigh more, common ones never nothing."""
    document_frequency = min(max(document_frequency, 1), max(total, 1))
    return math.log((total + 1) / (document_frequency + 1)) + 1


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
        term: term_frequency_weight(count) * idf(document_frequency.get(term, 1), total)
        for term, count in counts.items()
    }
    heaviest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:limit]
    # Five decimals are plenty for a cosine, and halve the stored vector's size.
    return {
        term: round(w, WEIGHT_DECIMALS)
        for term, w in normalised({term: w for term, w in heaviest if w > 0}).items()
    }


def cosine(a, b):
    """Dot product of two unit vectors (dicts), over the terms they share."""
    shared = a.keys() & b.keys()
    # map() keeps the loop in C: this runs millions of times in a batch recompute.
    return sum(map(mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))
