"""Themes in a new body of comments, found without labels, and the edits a facilitator makes.

:func:`find_themes` factorises the comments' TF-IDF matrix (word unigrams and bigrams,
English stop words removed but negations kept) with non-negative matrix factorisation
(NMF; Lee & Seung 1999; scikit-learn's coordinate-descent solver from an NNDSVDa start,
Boutsidis & Gallopoulos 2008): each theme is a weighted set of terms, each comment a
weighted mix of themes, and a comment belongs to the theme with the largest weight. A
comment with no usable word (empty, only stop words, or only words no other comment uses)
belongs to no theme (id 0).

Number of themes, unless given: ``k = clamp(n // 50, 2, 15)`` for ``n`` comments with
usable words, i.e. about 50 comments per theme and at most 15 themes, a number a co-design
group can read in one sitting. On the labelled framework data, agreement between themes and
the framework's sub-categories (adjusted mutual information) was flat from k = 8 to 30
(ADR 0012), so the rule picks a readable number and loses nothing measurable.

Themes are data (:class:`Theme`: id, label, terms, member comment ids, example comment
ids), and the facilitator's edits are functions that return new :class:`Themes`:
:func:`rename_theme`, :func:`merge_themes`, :func:`split_theme` and :func:`reassign`. The
same seed gives the same themes. Comment text is never logged nor put in an exception.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from coproduce.experience.text import FeatureOptions, fit_features, vectorise

__all__ = [
    "NOT_ASSIGNED",
    "Theme",
    "ThemeOptions",
    "Themes",
    "ThemesError",
    "find_themes",
    "merge_themes",
    "reassign",
    "rename_theme",
    "split_theme",
    "theme_count",
]

#: The theme id of comments that belong to no theme.
NOT_ASSIGNED = 0

#: Contractions that carry no topic (scikit-learn's list drops apostrophes, ours keeps them).
_CONTRACTIONS = frozenset(
    {
        "i'm", "i've", "i'd", "i'll", "it's", "that's", "there's", "they're", "we're",
        "you're", "he's", "she's", "we've", "they've", "you've", "we'd", "they'd",
    }
)  # fmt: skip
#: Words in scikit-learn's English stop list that matter in feedback ("nothing to improve",
#: "not listened to").
_KEEP = frozenset({"no", "not", "nothing", "never", "none", "nobody", "cannot", "without"})


class ThemesError(ValueError):
    """An edit that cannot be made (an unknown theme or comment id)."""


@dataclass(frozen=True, slots=True)
class Theme:
    """One theme.

    Attributes:
        id: 1, 2, … (by size when found; edits keep ids stable).
        label: a short readable name (its top terms until someone renames it).
        terms: its most characteristic terms, most characteristic first.
        members: the ids of its comments, in input order.
        examples: up to a few member ids whose comments are most typical of it.
    """

    id: int
    label: str
    terms: tuple[str, ...]
    members: tuple[str, ...]
    examples: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True, slots=True)
class ThemeOptions:
    """How themes are found.

    Attributes:
        k: the number of themes, or ``None`` for the rule in the module docstring.
        max_themes, comments_per_theme: the rule's cap and divisor.
        terms: how many terms each theme keeps.
        label_terms: how many of them make its label.
        examples: how many example comments each theme keeps.
        seed: seeds the factorisation's start.
        max_iter: the NMF solver's iteration limit.
    """

    k: int | None = None
    max_themes: int = 15
    comments_per_theme: int = 50
    terms: int = 8
    label_terms: int = 3
    examples: int = 3
    seed: int = 0
    max_iter: int = 300

    def __post_init__(self) -> None:
        if self.k is not None and self.k < 1:
            raise ValueError("k must be at least 1")
        if self.max_themes < 1 or self.comments_per_theme < 1:
            raise ValueError("max_themes and comments_per_theme must be at least 1")


@dataclass(frozen=True, slots=True)
class Themes:
    """The themes of a body of comments.

    Attributes:
        themes: the themes, by id.
        unassigned: ids of comments in no theme, in input order.
        ids: every comment id, in input order.
        seed: the seed they were found with.
    """

    themes: tuple[Theme, ...]
    unassigned: tuple[str, ...]
    ids: tuple[str, ...]
    seed: int
    _by_comment: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_comment = dict.fromkeys(self.unassigned, NOT_ASSIGNED)
        for theme in self.themes:
            for member in theme.members:
                by_comment[member] = theme.id
        object.__setattr__(self, "_by_comment", by_comment)

    def theme_of(self, comment_id: str) -> int:
        """The theme id of a comment (0 if it is in none)."""
        try:
            return self._by_comment[comment_id]
        except KeyError:
            raise ThemesError(f"there is no comment with id {comment_id!r}") from None

    def theme(self, theme_id: int) -> Theme:
        """The theme with this id."""
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise ThemesError(f"there is no theme {theme_id}")

    def assignments(self) -> list[tuple[str, int, str]]:
        """(comment id, theme id, theme label) per comment, in input order; label "" for 0."""
        labels = {t.id: t.label for t in self.themes}
        labels[NOT_ASSIGNED] = ""
        return [(i, self._by_comment[i], labels[self._by_comment[i]]) for i in self.ids]


# --------------------------------------------------------------------------- finding


def theme_count(n: int, options: ThemeOptions | None = None) -> int:
    """The number of themes for ``n`` comments with usable words (see the module docstring)."""
    options = options or ThemeOptions()
    if options.k is not None:
        return max(1, min(options.k, n))
    return max(1, min(n, max(2, min(options.max_themes, n // options.comments_per_theme))))


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return (frozenset(ENGLISH_STOP_WORDS) - _KEEP) | _CONTRACTIONS


def _label(terms: Sequence[str], count: int) -> str:
    """The first ``count`` terms, a bigram standing in (at its place) for the words it has:
    ``time, waiting, waiting time, long`` → ``waiting time, long``."""
    chosen: list[str] = []
    for term in terms:
        words = term.split()
        if len(words) > 1:
            inside = [i for i, c in enumerate(chosen) if c in words]
            if inside:
                chosen[inside[0]] = term
                chosen = [c for i, c in enumerate(chosen) if i not in inside[1:]]
            elif term not in chosen:
                chosen.append(term)
        elif not any(term in c.split() for c in chosen):
            chosen.append(term)
    return ", ".join(chosen[:count])


def _factorise(x: Any, k: int, options: ThemeOptions) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    model = NMF(
        n_components=k, init="nndsvda", random_state=options.seed, max_iter=options.max_iter
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # An exact fit (a handful of comments) leaves a residual of -0.0 whose square root
        # scikit-learn reports as invalid; the factors themselves are fine.
        warnings.filterwarnings("ignore", "invalid value encountered in sqrt", RuntimeWarning)
        w = np.asarray(model.fit_transform(x))
    return w, np.asarray(model.components_)


@dataclass(frozen=True, slots=True)
class _Found:
    """Themes of some comments, before ids are given: one entry per non-empty theme."""

    terms: list[tuple[str, ...]]
    members: list[np.ndarray]  # positions, ascending
    examples: list[np.ndarray]  # positions, most typical first
    unassigned: np.ndarray


def _find(texts: Sequence[str], k: int | None, options: ThemeOptions) -> _Found:
    n = len(texts)
    features = fit_features(
        texts,
        FeatureOptions(
            char_ngrams=None,
            word_ngrams=2,
            min_df=2 if n >= 20 else 1,
            max_df=0.5 if n >= 20 else 1.0,
            word_weight=1.0,
            stop_words=_stop_words(),
            punctuation=False,
        ),
    )
    x = vectorise(features, texts)
    has_words = np.diff(x.indptr) > 0
    usable = int(has_words.sum())
    if usable == 0 or features.n_word == 0:
        return _Found([], [], [], np.arange(n))
    k = theme_count(usable, replace(options, k=k) if k is not None else options)
    k = min(k, features.n_word)
    w, h = _factorise(x, k, options)
    best = np.argmax(w, axis=1)
    assigned = w.max(axis=1) > 0
    found_terms: list[tuple[str, ...]] = []
    found_members: list[np.ndarray] = []
    found_examples: list[np.ndarray] = []
    for t in range(k):
        members = np.flatnonzero(assigned & (best == t))
        if len(members) == 0:
            continue
        top = np.argsort(-h[t], kind="stable")[: options.terms]
        found_terms.append(tuple(features.word_terms[i] for i in top if h[t, i] > 0))
        found_members.append(members)
        # Most typical: the largest share of the comment's weight, then the largest weight;
        # one example per distinct text.
        share = w[members, t] / w[members].sum(axis=1)
        order = members[np.lexsort((-w[members, t], -share))]
        seen: set[str] = set()
        examples: list[int] = []
        for i in order.tolist():
            if texts[i] not in seen:
                seen.add(texts[i])
                examples.append(i)
                if len(examples) == options.examples:
                    break
        found_examples.append(np.asarray(examples, dtype=np.int64))
    return _Found(found_terms, found_members, found_examples, np.flatnonzero(~assigned))


def find_themes(
    texts: Sequence[str],
    *,
    ids: Sequence[str] | None = None,
    options: ThemeOptions | None = None,
) -> Themes:
    """Find themes in ``texts`` (see the module docstring).

    Args:
        texts: the comments.
        ids: a distinct id per comment (default ``"1"``, ``"2"``, … in input order).
        options: see :class:`ThemeOptions`.

    Returns:
        :class:`Themes` numbered 1, 2, … from the largest, ties in order of first member.
    """
    options = options or ThemeOptions()
    names = _ids(ids, len(texts))
    found = _find(texts, options.k, options)
    order = sorted(
        range(len(found.members)), key=lambda t: (-len(found.members[t]), found.members[t][0])
    )
    themes = tuple(
        Theme(
            id=number,
            label=_label(found.terms[t], options.label_terms),
            terms=found.terms[t],
            members=tuple(names[i] for i in found.members[t].tolist()),
            examples=tuple(names[i] for i in found.examples[t].tolist()),
        )
        for number, t in enumerate(order, start=1)
    )
    return Themes(
        themes=themes,
        unassigned=tuple(names[i] for i in found.unassigned.tolist()),
        ids=tuple(names),
        seed=options.seed,
    )


def _ids(ids: Sequence[str] | None, n: int) -> list[str]:
    if ids is None:
        return [str(i) for i in range(1, n + 1)]
    names = [str(i) for i in ids]
    if len(names) != n:
        raise ThemesError(f"there are {n} comments but {len(names)} ids")
    if len(set(names)) != n:
        raise ThemesError("comment ids must be distinct")
    return names


# --------------------------------------------------------------------------- editing


def rename_theme(themes: Themes, theme_id: int, label: str) -> Themes:
    """The same themes, theme ``theme_id`` called ``label``."""
    label = label.strip()
    if not label:
        raise ThemesError("a theme needs a name")
    themes.theme(theme_id)
    return replace(
        themes,
        themes=tuple(replace(t, label=label) if t.id == theme_id else t for t in themes.themes),
    )


def _interleave(groups: Iterable[Sequence[str]], limit: int) -> tuple[str, ...]:
    lists = [list(g) for g in groups]
    out: list[str] = []
    for position in range(max((len(g) for g in lists), default=0)):
        for g in lists:
            if position < len(g) and g[position] not in out:
                out.append(g[position])
    return tuple(out[:limit])


def merge_themes(themes: Themes, theme_ids: Sequence[int], *, label: str | None = None) -> Themes:
    """The themes with ``theme_ids`` made one, under the smallest of those ids.

    Its members are theirs together (in input order); its terms and examples alternate
    between them, the larger theme first; its label is ``label`` or the larger theme's.
    """
    wanted = sorted(set(theme_ids))
    if len(wanted) < 2:
        raise ThemesError("merging needs at least two themes")
    parts = sorted((themes.theme(i) for i in wanted), key=lambda t: (-t.size, t.id))
    position = {cid: i for i, cid in enumerate(themes.ids)}
    members = tuple(sorted((m for t in parts for m in t.members), key=position.__getitem__))
    merged = Theme(
        id=wanted[0],
        label=(label or "").strip() or parts[0].label,
        terms=_interleave((t.terms for t in parts), max(len(t.terms) for t in parts)),
        members=members,
        examples=_interleave((t.examples for t in parts), max(len(t.examples) for t in parts)),
    )
    kept = [t for t in themes.themes if t.id not in wanted] + [merged]
    return replace(themes, themes=tuple(sorted(kept, key=lambda t: t.id)))


def split_theme(
    themes: Themes,
    theme_id: int,
    texts: Mapping[str, str],
    *,
    parts: int = 2,
    options: ThemeOptions | None = None,
) -> Themes:
    """Theme ``theme_id`` split into up to ``parts`` themes found among its own comments.

    The largest part keeps the id, the others get new ids after the largest id in use;
    each part is labelled from its own terms. Members that the split cannot place (no
    usable words among these comments) stay with the largest part.

    Args:
        texts: comment id → text, for at least the theme's members.
    """
    options = options or ThemeOptions(seed=themes.seed)
    theme = themes.theme(theme_id)
    if parts < 2:
        raise ThemesError("a theme splits into at least two parts")
    missing = [m for m in theme.members if m not in texts]
    if missing:
        raise ThemesError(f"no text for comment {missing[0]!r}")
    member_texts = [texts[m] for m in theme.members]
    found = _find(member_texts, parts, options)
    if len(found.members) < 2:
        raise ThemesError(f"theme {theme_id} cannot be split: its comments share too few words")
    order = sorted(
        range(len(found.members)), key=lambda t: (-len(found.members[t]), found.members[t][0])
    )
    next_id = max(t.id for t in themes.themes) + 1
    new: list[Theme] = []
    for rank, t in enumerate(order):
        positions = found.members[t]
        if rank == 0 and len(found.unassigned):
            positions = np.sort(np.concatenate([positions, found.unassigned]))
        new.append(
            Theme(
                id=theme_id if rank == 0 else next_id + rank - 1,
                label=_label(found.terms[t], options.label_terms),
                terms=found.terms[t],
                members=tuple(theme.members[i] for i in positions.tolist()),
                examples=tuple(theme.members[i] for i in found.examples[t].tolist()),
            )
        )
    kept = [t for t in themes.themes if t.id != theme_id] + new
    return replace(themes, themes=tuple(sorted(kept, key=lambda t: t.id)))


def reassign(themes: Themes, comment_ids: Sequence[str], theme_id: int) -> Themes:
    """The comments ``comment_ids`` moved to theme ``theme_id`` (0: to no theme).

    A moved comment stops being an example of its old theme. A theme left with no members
    is kept (empty) so that ids stay stable; merge or reassign into it later.
    """
    if theme_id != NOT_ASSIGNED:
        themes.theme(theme_id)
    moving = set()
    for cid in comment_ids:
        themes.theme_of(cid)  # raises for an unknown id
        moving.add(cid)
    position = {cid: i for i, cid in enumerate(themes.ids)}
    updated = []
    for theme in themes.themes:
        kept = [m for m in theme.members if m not in moving]
        if theme.id == theme_id:
            kept = sorted(set(kept) | moving, key=position.__getitem__)
        updated.append(
            replace(
                theme,
                members=tuple(kept),
                examples=tuple(
                    e for e in theme.examples if e not in moving or theme.id == theme_id
                ),
            )
        )
    unassigned = [m for m in themes.unassigned if m not in moving]
    if theme_id == NOT_ASSIGNED:
        unassigned = sorted(set(unassigned) | moving, key=position.__getitem__)
    return replace(themes, themes=tuple(updated), unassigned=tuple(unassigned))
