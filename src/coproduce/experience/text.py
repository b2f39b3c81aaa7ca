"""Comment text into numbers: normalisation, tokens, and fast TF-IDF features.

Everything that reads comment text for classification, sentiment and themes goes through
:func:`normalise`, so the three agree on what a word is:

* lower case (:meth:`str.lower`); typographic quotes, apostrophes and dashes become ASCII;
* every punctuation mark or symbol (anything that is not a letter, digit, ``_``, ``'`` or
  space) becomes a token of its own: ``"Good, thanks!"`` → ``"good , thanks !"``;
* everything else (whitespace) separates tokens.

:func:`fit_features` learns two blocks of TF-IDF features from training comments, and
:func:`vectorise` turns any comments into a SciPy CSR matrix of them:

* **words**: word unigrams and bigrams seen in at least ``min_df`` training comments;
* **characters**: the character n-grams (2 to 5 by default) of each word padded with a space
  on both sides (``" good "`` → ``" g"``, ``"go"``, …, ``"ood "``; scikit-learn's
  ``char_wb`` analyzer), seen in at least ``min_df`` comments. They make the features robust
  to misspellings and word endings (``recieved``, ``caring``/``cared``), which matters in
  free-text feedback.

Each block is weighted as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` does:
``(1 + ln tf) × idf`` with ``idf = ln((1 + n) / (1 + df)) + 1``, then scaled to unit length
(L2) on its own; the word block is then multiplied by ``word_weight`` (0.5 by default) and
the two are placed side by side. ADR 0012 records how these choices were measured.

Why not ``TfidfVectorizer`` itself: its character analyzer runs a Python loop per n-gram and
transformed about 7,600 comments/s here, too slow for the 5,000 comments/s target of the
whole pipeline. Character n-grams depend only on the word, so we compute them once per
distinct word (a word × n-gram matrix built at fit time) and get each comment's n-gram
counts from one sparse product (comments × words) @ (words × n-grams) in SciPy's C++ code.
Words not seen in training get their n-grams computed on the fly, per distinct new word.
The features are the same as ``char_wb``'s (a test checks it), except that a word whose
padded form is shorter than the shortest n-gram gives none here, where ``char_wb`` keeps the
whole padded word (only possible when the shortest n-gram is longer than 3).

No comment text is ever logged or put into an exception message here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any

import numpy as np
from scipy import sparse

__all__ = [
    "FeatureOptions",
    "TextFeatures",
    "feature_names",
    "fit_features",
    "has_words",
    "normalise",
    "tokenise",
    "unique_texts",
    "vectorise",
]

#: Typographic characters written the ASCII way before anything else.
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u0060": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
#: A token: a run of word characters and apostrophes, or one other non-space character.
_TOKEN = re.compile(r"[\w']+|[^\w\s]")


def tokenise(text: str) -> list[str]:
    """The tokens of ``text``: lower case, typographic quotes and dashes as ASCII, then
    runs of letters, digits, ``_`` and ``'``, and each other punctuation mark or symbol."""
    return _TOKEN.findall(text.lower().translate(_TRANSLATE))


def normalise(text: str) -> str:
    """``text`` as the features see it: its tokens joined by single spaces."""
    return " ".join(tokenise(text))


def _is_word(token: str) -> bool:
    """A token with at least one letter or digit (not a lone punctuation mark)."""
    return any(ch.isalnum() for ch in token)


@dataclass(frozen=True, slots=True)
class FeatureOptions:
    """How comments become features (see the module docstring).

    Attributes:
        char_ngrams: shortest and longest character n-gram of a space-padded word, or
            ``None`` for no character features (themes use words only).
        word_ngrams: 1 for word unigrams, 2 for unigrams and bigrams.
        min_df: a feature is kept if it occurs in at least this many training comments.
        max_df: a word feature in more than this share of training comments is dropped.
        word_weight: the word block's weight beside the character block (each has unit
            length before weighting).
        stop_words: words that are neither unigram features nor part of a bigram feature
            (they still give character n-grams).
        punctuation: whether punctuation tokens (``!``, ``?``) are word features.
    """

    char_ngrams: tuple[int, int] | None = (2, 5)
    word_ngrams: int = 2
    min_df: int = 2
    max_df: float = 1.0
    word_weight: float = 0.5
    stop_words: frozenset[str] = frozenset()
    punctuation: bool = True

    def __post_init__(self) -> None:
        if self.char_ngrams is not None:
            low, high = self.char_ngrams
            if not 1 <= low <= high:
                raise ValueError("char_ngrams must be (low, high) with 1 <= low <= high")
        if self.word_ngrams not in (1, 2):
            raise ValueError("word_ngrams must be 1 or 2")
        if self.min_df < 1:
            raise ValueError("min_df must be at least 1")
        if not 0.0 < self.max_df <= 1.0:
            raise ValueError("max_df must be in (0, 1]")
        if self.word_weight < 0:
            raise ValueError("word_weight must not be negative")


@dataclass(frozen=True, slots=True, eq=False)
class TextFeatures:
    """A fitted vocabulary: what :func:`vectorise` needs to turn comments into features.

    Attributes:
        options: the options it was fitted with.
        lexicon: every token seen in training → its row in ``char_of_token`` (and the code
            used in bigram keys).
        word_of_token: for each lexicon row, its unigram feature, or -1.
        bigram_keys: sorted ``first * len(lexicon) + second`` lexicon codes of the bigram
            features; ``bigram_features`` holds the feature of each key.
        word_terms: the text of each word feature (``"waiting time"``), in feature order.
        word_idf: the idf of each word feature.
        char_ngrams: each kept character n-gram → its character feature.
        char_of_token: (len(lexicon) × number of character features) CSR counts of each
            lexicon token's kept n-grams.
        char_idf: the idf of each character feature.
    """

    options: FeatureOptions
    lexicon: Mapping[str, int]
    word_of_token: np.ndarray
    bigram_keys: np.ndarray
    bigram_features: np.ndarray
    word_terms: tuple[str, ...]
    word_idf: np.ndarray
    char_ngrams: Mapping[str, int] = field(default_factory=dict)
    char_of_token: Any = None
    char_idf: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def n_word(self) -> int:
        """The number of word features (the first columns of :func:`vectorise`'s matrix)."""
        return len(self.word_terms)

    @property
    def n_features(self) -> int:
        """The number of columns of :func:`vectorise`'s matrix: words, then characters."""
        return self.n_word + len(self.char_idf)


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True, slots=True)
class _Tokens:
    """The tokens of a batch of comments, flattened: ``doc[i]`` is token ``i``'s comment."""

    flat: list[str]
    doc: np.ndarray  # int64, one per token
    n_docs: int


def _tokens(texts: Sequence[str]) -> _Tokens:
    per_doc = [tokenise(t) for t in texts]
    lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(per_doc))
    flat = list(chain.from_iterable(per_doc))
    doc = np.repeat(np.arange(len(per_doc), dtype=np.int64), lengths)
    return _Tokens(flat, doc, len(per_doc))


def _char_ngrams_of(token: str, low: int, high: int) -> list[str]:
    padded = f" {token} "
    size = len(padded)
    return [padded[i : i + n] for n in range(low, min(high, size) + 1) for i in range(size - n + 1)]


def _counts(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> Any:
    """A CSR matrix of how often each (row, col) pair occurs (duplicates summed)."""
    data = np.ones(len(rows), dtype=np.float64)
    matrix = sparse.csr_matrix((data, (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    return matrix


def _document_frequency(matrix: Any) -> np.ndarray:
    return np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.int64)


def _idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    result: np.ndarray = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    return result


def _weigh(counts: Any, idf: np.ndarray, scale: float) -> Any:
    """Sublinear tf × idf, each row scaled to length ``scale`` (rows of zeros stay zero)."""
    matrix = counts.tocsr()
    data = matrix.data
    np.log(data, out=data)
    data += 1.0
    data *= idf[matrix.indices]
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=matrix.shape[0]))
    norms[norms == 0.0] = 1.0
    data *= (scale / norms)[rows]
    return matrix


def _bigram_codes(codes: np.ndarray, doc: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The key and comment of each pair of adjacent tokens of one comment, both known."""
    if len(codes) < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first, second = codes[:-1], codes[1:]
    ok = (doc[:-1] == doc[1:]) & (first >= 0) & (second >= 0)
    return first[ok] * size + second[ok], doc[:-1][ok]


# --------------------------------------------------------------------------- fitting


def fit_features(texts: Sequence[str], options: FeatureOptions | None = None) -> TextFeatures:
    """Learn the word and character vocabularies and their idf from training comments.

    Args:
        texts: the training comments (empty strings are allowed).
        options: see :class:`FeatureOptions`.

    Returns:
        A :class:`TextFeatures` for :func:`vectorise`.
    """
    options = options or FeatureOptions()
    tokens = _tokens(texts)
    n_docs = tokens.n_docs
    lexicon: dict[str, int] = {}
    for token in tokens.flat:
        lexicon.setdefault(token, len(lexicon))
    codes = np.fromiter(
        map(lexicon.__getitem__, tokens.flat), dtype=np.int64, count=len(tokens.flat)
    )
    words = list(lexicon)
    size = max(len(words), 1)
    max_docs = options.max_df * n_docs

    # Words: unigrams and bigrams of tokens that may be features.
    usable = np.array(
        [w not in options.stop_words and (options.punctuation or _is_word(w)) for w in words],
        dtype=bool,
    )
    unigram_counts = _counts(tokens.doc, codes, (n_docs, size))
    unigram_df = _document_frequency(unigram_counts)
    keep_uni = np.zeros(size, dtype=bool)
    keep_uni[: len(words)] = usable
    keep_uni &= (unigram_df >= options.min_df) & (unigram_df <= max_docs)
    word_of_token = np.full(len(words), -1, dtype=np.int64)
    uni_ids = np.flatnonzero(keep_uni[: len(words)])
    word_of_token[uni_ids] = np.arange(len(uni_ids))
    terms = [words[i] for i in uni_ids]
    df_parts = [unigram_df[uni_ids]]

    bigram_keys = np.zeros(0, dtype=np.int64)
    if options.word_ngrams == 2:
        usable_codes = np.where(usable[codes], codes, -1) if len(codes) else codes
        keys, key_doc = _bigram_codes(usable_codes, tokens.doc, size)
        if len(keys):
            pairs = np.unique(np.stack([keys, key_doc]), axis=1)  # one per (key, comment)
            distinct, df = np.unique(pairs[0], return_counts=True)
            kept = (df >= options.min_df) & (df <= max_docs)
            bigram_keys = distinct[kept]
            df_parts.append(df[kept])
            terms.extend(f"{words[k // size]} {words[k % size]}" for k in bigram_keys.tolist())
    bigram_features = np.arange(len(uni_ids), len(uni_ids) + len(bigram_keys), dtype=np.int64)
    word_idf = _idf(np.concatenate(df_parts), n_docs)

    if options.char_ngrams is None:
        return TextFeatures(
            options=options,
            lexicon=lexicon,
            word_of_token=word_of_token,
            bigram_keys=bigram_keys,
            bigram_features=bigram_features,
            word_terms=tuple(terms),
            word_idf=word_idf,
        )

    # Characters: the n-grams of each distinct token, then their document frequency.
    low, high = options.char_ngrams
    all_ngrams: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for row, word in enumerate(words):
        for gram in _char_ngrams_of(word, low, high):
            rows.append(row)
            cols.append(all_ngrams.setdefault(gram, len(all_ngrams)))
    token_ngrams = _counts(
        np.asarray(rows, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        (size, max(len(all_ngrams), 1)),
    )
    char_df = _document_frequency(unigram_counts @ token_ngrams)
    kept_chars = np.flatnonzero(char_df >= options.min_df)
    new_index = np.full(token_ngrams.shape[1], -1, dtype=np.int64)
    new_index[kept_chars] = np.arange(len(kept_chars))
    char_ngrams = {g: int(new_index[i]) for g, i in all_ngrams.items() if new_index[i] >= 0}
    char_of_token = token_ngrams[:, kept_chars].tocsr()[: len(words)]
    return TextFeatures(
        options=options,
        lexicon=lexicon,
        word_of_token=word_of_token,
        bigram_keys=bigram_keys,
        bigram_features=bigram_features,
        word_terms=tuple(terms),
        word_idf=word_idf,
        char_ngrams=char_ngrams,
        char_of_token=char_of_token,
        char_idf=_idf(char_df[kept_chars], n_docs),
    )


# --------------------------------------------------------------------------- vectorising


def vectorise(features: TextFeatures, texts: Sequence[str]) -> Any:
    """The TF-IDF features of ``texts``: a (len(texts) × features.n_features) SciPy CSR
    matrix of float64, word features first, then character features."""
    tokens = _tokens(texts)
    n_docs = tokens.n_docs
    lexicon = features.lexicon
    codes = np.fromiter(
        map(lexicon.get, tokens.flat, repeat(-1)), dtype=np.int64, count=len(tokens.flat)
    )
    size = max(len(lexicon), 1)
    options = features.options

    # Words.
    known = codes >= 0
    word = np.full(len(codes), -1, dtype=np.int64)
    word[known] = features.word_of_token[codes[known]]
    has_word = word >= 0
    word_rows = [tokens.doc[has_word]]
    word_cols = [word[has_word]]
    if len(features.bigram_keys):
        keys, key_doc = _bigram_codes(codes, tokens.doc, size)
        at = np.searchsorted(features.bigram_keys, keys)
        at[at == len(features.bigram_keys)] = 0
        hit = features.bigram_keys[at] == keys
        word_rows.append(key_doc[hit])
        word_cols.append(features.bigram_features[at[hit]])
    word_counts = _counts(
        np.concatenate(word_rows), np.concatenate(word_cols), (n_docs, features.n_word)
    )
    blocks = [_weigh(word_counts, features.word_idf, options.word_weight)]

    # Characters: known tokens through the fitted token × n-gram matrix; new tokens through
    # n-grams computed here, once per distinct new token.
    if options.char_ngrams is not None and features.char_of_token is not None:
        matrix = features.char_of_token
        if not known.all():
            new_tokens: dict[str, int] = {}
            unknown_at = np.flatnonzero(~known)
            for i in unknown_at.tolist():
                new_tokens.setdefault(tokens.flat[i], len(lexicon) + len(new_tokens))
            codes = codes.copy()
            codes[unknown_at] = [new_tokens[tokens.flat[i]] for i in unknown_at.tolist()]
            matrix = sparse.vstack([matrix, _new_token_ngrams(features, new_tokens)], format="csr")
        counts = _counts(tokens.doc, codes, (n_docs, matrix.shape[0])) @ matrix
        blocks.append(_weigh(counts, features.char_idf, 1.0))
    if len(blocks) == 1:
        return blocks[0]
    return sparse.hstack(blocks, format="csr")


def _new_token_ngrams(features: TextFeatures, new_tokens: Mapping[str, int]) -> Any:
    assert features.options.char_ngrams is not None
    low, high = features.options.char_ngrams
    lookup = features.char_ngrams
    rows: list[int] = []
    cols: list[int] = []
    for row, token in enumerate(new_tokens):
        for gram in _char_ngrams_of(token, low, high):
            col = lookup.get(gram)
            if col is not None:
                rows.append(row)
                cols.append(col)
    return _counts(
        np.asarray(rows, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        (len(new_tokens), len(features.char_idf)),
    )


def feature_names(features: TextFeatures) -> list[str]:
    """Readable names of every feature column: the word terms, then ``char:" go"``."""
    chars = sorted(features.char_ngrams.items(), key=lambda item: item[1])
    return [*features.word_terms, *(f"char:{gram!r}" for gram, _ in chars)]


_ALNUM = re.compile(r"[^\W_]")


def has_words(texts: Sequence[str]) -> np.ndarray:
    """For each comment, whether it has a letter or a digit (``"…"`` and ``""`` do not)."""
    search = _ALNUM.search
    return np.fromiter((search(t) is not None for t in texts), dtype=bool, count=len(texts))


def unique_texts(texts: Iterable[str]) -> tuple[list[str], np.ndarray]:
    """The distinct texts (first-seen order) and, for each input, the index of its text."""
    index: dict[str, int] = {}
    positions = np.fromiter((index.setdefault(t, len(index)) for t in texts), dtype=np.int64)
    return list(index), positions
