"""Keyness: which terms does a target use more than a reference, and how sure are we?

One row per term, with a significance statistic and several effect sizes, each
computed exactly as published (``a``/``b`` are the term's counts in the target and
the reference, ``c``/``d`` the total number of terms in each):

``g2``
    Dunning's (1993) log-likelihood on the full 2x2 table
    ``[[a, b], [c - a, d - b]]``: ``G2 = 2 * sum(O * ln(O / E))`` over the four
    cells, with ``0 * ln 0 = 0``, signed positive when the term is relatively more
    frequent in the target (``a / c > b / d``) and negative when less.
``p_value``
    Upper tail of the chi-square distribution with 1 degree of freedom at
    ``|g2|``. With ``correction="bh"`` a ``p_adjusted`` column follows, the
    Benjamini-Hochberg (1995) false-discovery-rate adjustment over every row of
    the table (``"bonferroni"`` is offered too).
``log_ratio``
    Hardie's (2014) binary log of the ratio of relative frequencies,
    ``log2((a / c) / (b / d))``, with a zero count replaced by 0.5. A value of 1
    means twice as frequent in the target.
``pct_diff``
    Gabrielatos and Marchi's (2012) %DIFF, ``100 * (f_t - f_r) / f_r`` of the
    normalised frequencies. Convention for a zero reference count: ``+inf`` (the
    ratio is unbounded; their own workaround, dividing by 1e-18, gives an
    astronomically large number that only looks like a measurement). A zero
    target count gives -100.
``log_odds``, ``log_odds_z``
    Monroe, Colaresi and Quinn's (2008) log-odds ratio with an informative
    Dirichlet prior ``a_w`` (``a_0 = sum of a_w``):
    ``delta = ln((a + a_w) / (c + a_0 - a - a_w)) - ln((b + a_w) / (d + a_0 - b - a_w))``
    and its z-score ``delta / sqrt(1 / (a + a_w) + 1 / (b + a_w))``. See
    :func:`keyness` for the priors.

Every statistic is vectorised numpy over float64, so a 500,000-term vocabulary
takes well under two seconds and very large counts do not overflow.

Small corpora: below :data:`SMALL_CORPUS_TERMS` terms in the target or the
reference, :func:`keyness` warns (:class:`SmallCorpusWarning`): a term rarer than 5
per 1,000 then has an expected count below 5, where the chi-square approximation
behind ``p_value`` is unreliable and one sentence more or less changes the ranking.
:func:`keyness_bootstrap` shows how much.

Examples
--------
>>> table = keyness({"kim": 10, "pace": 2}, {"kim": 10, "guerra": 8}, small_corpus_warning=False)
>>> table[["term", "n_target", "n_reference", "log_ratio"]].values.tolist()
[['pace', 2, 0, 2.5849...], ['kim', 10, 10, 0.5849...], ['guerra', 0, 8, -3.4150...]]
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from scipy.special import erfc
from sklearn.feature_extraction.text import CountVectorizer

from .counts import TermCounts
from .langs import check_lang
from .tokens import Analyzer, sentence_spans

#: Working precision of the statistics (x87 extended precision where the platform has
#: it): counts and totals are exact integers up to 2**64; results are float64.
_LD = np.longdouble

__all__ = [
    "BOOTSTRAP_COLUMNS",
    "KEYNESS_COLUMNS",
    "MEASURES",
    "SENSITIVITY_COLUMNS",
    "SMALL_CORPUS_TERMS",
    "SmallCorpusWarning",
    "keyness",
    "keyness_bootstrap",
    "prior_sensitivity",
]

#: Columns of :func:`keyness`, in order (``p_adjusted`` follows ``p_value`` when a
#: correction is asked for).
KEYNESS_COLUMNS = [
    "term",
    "n_target",
    "n_reference",
    "per_1k_target",
    "per_1k_reference",
    "g2",
    "p_value",
    "log_ratio",
    "pct_diff",
    "log_odds",
    "log_odds_z",
]
#: Columns a keyness table can be sorted by.
MEASURES = ("g2", "p_value", "p_adjusted", "log_ratio", "pct_diff", "log_odds", "log_odds_z",
            "n_target", "n_reference", "per_1k_target", "per_1k_reference")
#: Columns of :func:`keyness_bootstrap`, in order.
BOOTSTRAP_COLUMNS = [
    "term",
    "n_target",
    "n_reference",
    "log_ratio",
    "ci_low",
    "ci_high",
    "excludes_zero",
    "same_sign_share",
    "top_k_share",
]
#: Columns of :func:`prior_sensitivity`, in order.
SENSITIVITY_COLUMNS = ["prior", "a0", "term", "side", "log_odds", "log_odds_z", "rank",
                       "in_top_k"]

#: Below this many terms in the target or the reference, :func:`keyness` warns.
#: At 1,000 terms a term with 5 occurrences per 1,000 has an expected count of 5,
#: the usual lower limit for trusting a chi-square approximation; rarer terms (most
#: of a vocabulary) fall below it.
SMALL_CORPUS_TERMS = 1000

_STR_DTYPE = pd.Series([""], dtype="str").dtype  # pandas' default string dtype
_CORRECTIONS = (None, "bh", "bonferroni")
_PRIOR_NAMES = ("pooled", "uniform")
_BOOTSTRAP_MEASURES = ("log_ratio", "g2", "log_odds_z")


class SmallCorpusWarning(UserWarning):
    """The texts compared are too short for the statistics to be stable."""


# ---------------------------------------------------------------------------
# Validation and input forms
# ---------------------------------------------------------------------------


def _as_counts(value, argument: str) -> tuple[list, np.ndarray]:
    """Turn a term -> count mapping (dict or Series) into (terms, float64 counts)."""
    if isinstance(value, pd.Series):
        keys = value.index.tolist()
        raw = value.to_numpy()
    elif isinstance(value, Mapping):
        keys = list(value.keys())
        raw = list(value.values())
    else:
        raise TypeError(
            f"{argument} must be a term -> count mapping (dict or pandas Series) or, as "
            f"the first argument, a TermCounts from term_counts(); got {type(value).__name__}"
        )
    try:
        kind = np.asarray(raw).dtype.kind
    except (TypeError, ValueError):
        kind = "O"
    bad = None
    if kind not in "iuf":  # strings, booleans, or a mix: find the culprit (slow path)
        bad = next((v for v in raw if isinstance(v, (bool, np.bool_))
                    or not isinstance(v, numbers.Real)), None)
    if bad is not None or kind in "bUS":
        raise ValueError(f"{argument} has a count that is not a number ({bad!r}); "
                         "counts must be non-negative numbers (convert strings first)")
    # extended precision: sums and complements (total - count) stay exact up to 2**64,
    # so counts near the int64 limit neither overflow nor cancel
    counts = np.asarray(raw, dtype=_LD)
    if counts.ndim != 1:
        raise ValueError(f"{argument} must map each term to one count")
    if not all(type(k) is str for k in keys):
        keys = [str(k) for k in keys]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{argument} lists a term twice after conversion to str; "
                             "give each term once")
    elif isinstance(value, pd.Series) and not value.index.is_unique:
        raise ValueError(f"{argument} lists a term twice; give each term once")
    _check_values(keys, counts, argument, what="count")
    return keys, counts


def _check_values(terms, values, argument: str, *, what: str, positive=False) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{argument} has a {what} of {values[k]:g} for term {terms[k]!r}; "
                         f"{what}s must be finite numbers (no NaN or infinity)")
    bad = values <= 0 if positive else values < 0
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        sign = "positive" if positive else "non-negative"
        raise ValueError(f"{argument} has a {what} of {values[k]:g} for term {terms[k]!r}; "
                         f"{what}s must be {sign}")


def _group_names(value, argument: str, groups) -> list[str]:
    names = [value] if isinstance(value, str) else list(value) if isinstance(value, Iterable) else None
    if not names or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{argument}= must be a group name (or a list of them) of the counts; "
                         f"groups: {list(groups)}")
    missing = [n for n in names if n not in groups]
    if missing:
        raise ValueError(f"{argument}={value!r}: group {missing[0]!r} is not in the counts; "
                         f"groups: {list(groups)}")
    return sorted(set(names))


def _from_term_counts(counts: TermCounts, target, reference):
    if target is None:
        raise ValueError("target= is required with a TermCounts: name the target group, "
                         f"one of {list(counts.groups)}")
    tgt = _group_names(target, "target", counts.groups)
    if reference is None:
        ref = [g for g in counts.groups if g not in tgt]
        if not ref:
            raise ValueError(f"reference=: the counts have only the group(s) {list(counts.groups)}, "
                             "so there is nothing to compare the target with; count more groups "
                             "or pass two mappings")
    else:
        ref = _group_names(reference, "reference", counts.groups)
    if set(tgt) == set(ref):
        raise ValueError(f"target and reference are the same group(s) {tgt}; "
                         "choose two different groups")
    overlap = sorted(set(tgt) & set(ref))
    if overlap:
        raise ValueError(f"target and reference share the group(s) {overlap}; "
                         "a group can be on one side only")
    idx = {g: k for k, g in enumerate(counts.groups)}
    matrix = counts.matrix
    a = np.asarray(matrix[:, [idx[g] for g in tgt]].sum(axis=1)).ravel().astype(_LD)
    b = np.asarray(matrix[:, [idx[g] for g in ref]].sum(axis=1)).ravel().astype(_LD)
    c = _LD(sum(int(counts.totals[idx[g]]) for g in tgt))
    d = _LD(sum(int(counts.totals[idx[g]]) for g in ref))
    terms = np.asarray(counts.terms, dtype=object)
    return terms, a, b, c, d, " + ".join(tgt), " + ".join(ref)


def _from_mappings(target, reference):
    t_terms, t_counts = _as_counts(target, "target")
    r_terms, r_counts = _as_counts(reference, "reference")
    # union vocabulary, sorted, with Arrow's C++ hashing and sorting (fast for 10^6 terms;
    # UTF-8 byte order is code-point order, the same as Python's str order)
    encoded = pc.dictionary_encode(pa.array(t_terms + r_terms, type=pa.string()))
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    position = rank[encoded.indices.to_numpy(zero_copy_only=False)]
    a = np.zeros(len(order), dtype=_LD)
    b = np.zeros(len(order), dtype=_LD)
    a[position[: len(t_terms)]] = t_counts
    b[position[len(t_terms):]] = r_counts
    vocab = encoded.dictionary.take(pa.array(order)).to_numpy(zero_copy_only=False)
    return vocab.astype(object), a, b, t_counts.sum(), r_counts.sum()


def _resolve(args, target, reference, totals):
    """Return (terms, a, b, c, d) from any of the accepted call forms."""
    if len(args) > 2:
        raise TypeError(f"keyness takes at most two positional arguments, got {len(args)}")
    if args and isinstance(args[0], TermCounts):
        if len(args) == 2:
            raise TypeError("with a TermCounts, name the groups with target= and reference=, "
                            "e.g. keyness(counts, target='Le Monde', reference='Unsigned')")
        if totals is not None:
            raise ValueError("totals= is only for mappings; a TermCounts carries its totals")
        terms, a, b, c, d, _, _ = _from_term_counts(args[0], target, reference)
        return terms, a, b, c, d
    if len(args) == 2:
        if target is not None or reference is not None:
            raise TypeError("give the target and reference counts either positionally or as "
                            "target=/reference=, not both")
        target, reference = args
    elif len(args) == 1:
        if target is not None:
            raise TypeError("the first positional argument is the target counts; do not "
                            "pass target= as well")
        target = args[0]
    if target is None:
        raise ValueError("target is missing: pass two term -> count mappings, or a "
                         "TermCounts with target= and reference= group names")
    if reference is None:
        raise ValueError("reference is missing: pass the reference term -> count mapping")
    if isinstance(target, str) or isinstance(reference, str):
        raise TypeError("group names (strings) need a TermCounts as first argument: "
                        "keyness(counts, target='Le Monde', reference='Unsigned')")
    if target is reference:
        raise ValueError("target and reference are the same object; pass two different "
                         "count mappings")
    terms, a, b, c, d = _from_mappings(target, reference)
    if totals is not None:
        try:
            c_given, d_given = (float(v) for v in totals)
        except (TypeError, ValueError):
            raise ValueError(f"totals={totals!r} must be a pair (target_total, "
                             "reference_total)") from None
        for name, given, summed in (("target", c_given, c), ("reference", d_given, d)):
            if not np.isfinite(given) or given < summed:
                raise ValueError(f"totals: the {name} total {given!r} is smaller than the sum "
                                 f"of its counts ({summed:g}) or not finite; give the number of "
                                 "terms the counts were taken from")
        c, d = c_given, d_given
    return terms, a, b, c, d


# ---------------------------------------------------------------------------
# The statistics (vectorised)
# ---------------------------------------------------------------------------


def _g2(a, b, c, d):
    """Signed Dunning G2 on the 2x2 table [[a, b], [c-a, d-b]].

    ``2 * sum(O * ln(O / E))`` written as ``2 * sum(O * log1p((O - E) / E))``: every
    cell deviates from its expectation by the same ``D = (a (d-b) - b (c-a)) / n`` (up
    to sign), computed from the complements directly, so the sum does not cancel
    catastrophically when the counts are huge and the difference is small.
    """
    n = c + d
    row1 = a + b
    row2 = n - row1
    rest_t = c - a
    rest_r = d - b
    dev = (a * rest_r - b * rest_t) / n  # O - E for the cells a and d-b; E - O for the others

    def cell(o, e, sign):
        with np.errstate(divide="ignore", invalid="ignore"):
            value = o * np.log1p(sign * dev / np.where(e > 0, e, 1.0))
        return np.where(o > 0, value, 0.0)

    g = 2.0 * (cell(a, row1 * c / n, 1.0) + cell(b, row1 * d / n, -1.0)
               + cell(rest_t, row2 * c / n, -1.0) + cell(rest_r, row2 * d / n, 1.0))
    g = np.maximum(g, 0.0)  # rounding can make an exact zero slightly negative
    return np.where(dev > 0, g, np.where(dev < 0, -g, 0.0))


def _log_ratio(a, b, c, d):
    return np.log2((np.where(a > 0, a, 0.5) / c) / (np.where(b > 0, b, 0.5) / d))


def _pct_diff(a, b, c, d):
    with np.errstate(divide="ignore", invalid="ignore"):
        f_t = a / c
        f_r = b / d
        out = 100.0 * (f_t - f_r) / f_r
    return np.where(b > 0, out, np.inf)


def _log_odds(a, b, c, d, alpha, a0):
    # NaN only when one term carries all the prior and all the counts (nothing to
    # contrast it with): its complement n + a_0 - y - a_w is then 0 on both sides
    rest_prior = a0 - alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (np.log(a + alpha) - np.log((c - a) + rest_prior)
                 - np.log(b + alpha) + np.log((d - b) + rest_prior))
        z = delta / np.sqrt(1.0 / (a + alpha) + 1.0 / (b + alpha))
    return delta, z


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (step-up), in the input order."""
    m = len(p)
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def _prior_weights(prior, prior_strength, terms, a, b):
    """Return (a_w per term, a_0, label) for the ``prior=`` argument."""
    if prior_strength is not None:
        if (isinstance(prior_strength, bool) or not isinstance(prior_strength, numbers.Real)
                or not math.isfinite(prior_strength) or prior_strength <= 0):
            raise ValueError(f"prior_strength={prior_strength!r} must be a positive number "
                             "(the prior's total pseudo-count a_0), or None for the default")
    default_a0 = a.sum() + b.sum()
    if isinstance(prior, str):
        if prior not in _PRIOR_NAMES:
            raise ValueError(f"prior={prior!r} is not known; use 'pooled', 'uniform', a "
                             "background table (DataFrame with columns term, frequency) or "
                             "a term -> pseudo-count mapping")
        a0 = float(prior_strength) if prior_strength is not None else default_a0
        if prior == "pooled":
            shares = (a + b) / (a + b).sum()
        else:
            shares = np.full(len(terms), 1.0 / len(terms))
        return a0 * shares, a0
    if isinstance(prior, pd.DataFrame):
        missing = [c for c in ("term", "frequency") if c not in prior.columns]
        if missing:
            raise ValueError(f"prior: a background table needs the columns term and frequency "
                             f"(missing {missing}); see background_frequencies()")
        freq = prior["frequency"].to_numpy(dtype=np.float64)
        bg_terms = prior["term"].astype(str).to_numpy(dtype=object)
        _check_values(bg_terms, freq, "prior", what="frequency", positive=True)
        lookup = pd.Series(freq, index=bg_terms)
        lookup = lookup[~lookup.index.duplicated()]
        found = lookup.reindex(terms.astype(str)).to_numpy()
        found = np.where(np.isnan(found), freq.min(), found)  # unseen terms: rarest frequency
        a0 = float(prior_strength) if prior_strength is not None else default_a0
        return a0 * found / found.sum(), a0
    if isinstance(prior, (Mapping, pd.Series)):
        if prior_strength is not None:
            raise ValueError("prior_strength= cannot be combined with a pseudo-count mapping: "
                             "the mapping is used exactly as given (a_0 = sum of its values)")
        p_terms, p_values = _as_counts(prior, "prior")
        _check_values(p_terms, p_values, "prior", what="pseudo-count", positive=True)
        lookup = pd.Series(p_values, index=p_terms)
        found = lookup.reindex(terms.astype(str)).to_numpy()
        if np.isnan(found).any():
            absent = terms[np.isnan(found)][:5].tolist()
            raise ValueError(f"prior has no pseudo-count for the term(s) {absent}; give every "
                             "term of the counts a positive value")
        return found, float(p_values.sum())
    raise TypeError(f"prior must be 'pooled', 'uniform', a background DataFrame or a mapping; "
                    f"got {type(prior).__name__}")


def _statistics(a, b, c, d, alpha, a0) -> dict[str, np.ndarray]:
    a, b, alpha = (np.asarray(x, dtype=_LD) for x in (a, b, alpha))
    c, d, a0 = _LD(c), _LD(d), _LD(a0)
    g2 = _g2(a, b, c, d)
    delta, z = _log_odds(a, b, c, d, alpha, a0)
    stats = {
        "per_1k_target": 1000.0 * a / c,
        "per_1k_reference": 1000.0 * b / d,
        "g2": g2,
        # chi-square with 1 df: P(X > x) = erfc(sqrt(x / 2)), exactly, and fast
        "p_value": erfc(np.sqrt(np.abs(g2).astype(np.float64) / 2.0)),
        "log_ratio": _log_ratio(a, b, c, d),
        "pct_diff": _pct_diff(a, b, c, d),
        "log_odds": delta,
        "log_odds_z": z,
    }
    return {name: np.asarray(value, dtype=np.float64) for name, value in stats.items()}


def _order(terms: np.ndarray, values: np.ndarray, ascending: bool) -> np.ndarray:
    """Row order: by ``values`` (NaN last), ties by term, with stable numpy sorts."""
    if len(terms) > 1 and not np.all(terms[:-1] < terms[1:]):
        by_term = np.argsort(terms, kind="stable")
    else:  # already sorted (np.unique and TermCounts give sorted vocabularies)
        by_term = np.arange(len(terms))
    v = values[by_term]
    key = v if ascending else -v
    return by_term[np.argsort(key, kind="stable")]


def _frame(cols: dict, columns: list, sort_by: str, ascending: bool) -> pd.DataFrame:
    """Sort numpy columns (by ``sort_by``, then term) and build the DataFrame."""
    terms = np.asarray(cols["term"])
    order = _order(terms, np.asarray(cols[sort_by], dtype=np.float64), ascending)
    # the term column goes through Arrow: much faster than reordering Python strings
    term_col = pa.array(terms, type=pa.string()).take(pa.array(order)).to_pandas(
        types_mapper={pa.string(): _STR_DTYPE}.get)
    data = {name: (term_col if name == "term" else np.asarray(cols[name])[order])
            for name in columns}
    return pd.DataFrame(data, columns=columns)


def _as_int_if_whole(x: np.ndarray):
    if np.all(x == np.round(x)) and np.all(np.abs(x) < 2**63):
        return x.astype(np.int64)
    return x.astype(np.float64)


def keyness(
    *counts,
    target=None,
    reference=None,
    sort_by: str = "g2",
    ascending: bool = False,
    correction: str | None = None,
    prior="pooled",
    prior_strength: float | None = None,
    min_count: float = 1,
    totals: tuple[float, float] | None = None,
    small_corpus_warning: bool = True,
) -> pd.DataFrame:
    """Compare the term frequencies of a target with a reference, one row per term.

    Two ways to call it:

    * ``keyness(target_counts, reference_counts)`` (or ``keyness(target=...,
      reference=...)``) with two term -> count mappings (dict or pandas Series);
    * ``keyness(counts, target="Le Monde", reference="Unsigned")`` with the
      :class:`~analysis.counts.TermCounts` of :func:`analysis.term_counts` and group
      names. ``reference=None`` pools every other group; a list of names pools those
      groups. Rates then use the counts' totals (taken before any pruning).

    Parameters
    ----------
    *counts
        Two mappings (target, reference), or one TermCounts.
    target, reference
        The counts (mapping form), or group names (TermCounts form).
    sort_by : str, default "g2"
        Column to sort by (one of :data:`MEASURES`); ties are broken by term.
    ascending : bool, default False
        Sort order of ``sort_by`` (default: most target-distinctive first).
    correction : {None, "bh", "bonferroni"}, default None
        Adds ``p_adjusted`` after ``p_value``: Benjamini-Hochberg false discovery
        rate or Bonferroni, over all rows of the table (after ``min_count``).
    prior : "pooled", "uniform", DataFrame or mapping, default "pooled"
        The Dirichlet prior ``a_w`` of ``log_odds``:

        * ``"pooled"``: ``a_w = a_0 * (a + b) / sum(a + b)``, the shape of the two
          groups pooled;
        * ``"uniform"``: ``a_w = a_0 / V`` for every one of the ``V`` terms;
        * a background table (DataFrame with columns ``term, frequency``, e.g.
          :func:`analysis.tfidf.background_frequencies`): ``a_w = a_0 * f_w``
          renormalised over the compared terms; a term missing from the table gets
          the table's smallest frequency;
        * a mapping term -> ``a_w``, used exactly as given (``a_0`` is the sum of all
          its values); every compared term needs a positive value.
    prior_strength : float, optional
        ``a_0`` for ``"pooled"``, ``"uniform"`` and a background table. Default: the
        pooled number of counted terms (``sum(a + b)``), so the prior weighs as much as
        the data; with ``"pooled"`` each ``a_w`` is then the term's pooled count.
    min_count : float, default 1
        Keep terms with ``n_target + n_reference >= min_count``.
    totals : (float, float), optional
        Mapping form only: the number of terms the target and the reference were
        counted from, when the mappings list only some of them (default: the sums).
    small_corpus_warning : bool, default True
        Warn (:class:`SmallCorpusWarning`) when either side has fewer than
        :data:`SMALL_CORPUS_TERMS` terms.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`KEYNESS_COLUMNS` (``p_adjusted`` after ``p_value`` with a
        correction): counts, rates per 1,000 terms and the measures described in the
        module docstring. Counts are int64 when whole. Positive ``g2``,
        ``log_ratio``, ``log_odds`` mean "more in the target".

    Raises
    ------
    ValueError
        Naming the argument: empty target or reference, a negative, NaN or infinite
        count, the same group (or object) as target and reference, an unknown group,
        sort column, correction or prior.

    Examples
    --------
    >>> t = {"guerra": 4, "pace": 1}
    >>> r = {"guerra": 1, "pace": 4}
    >>> table = keyness(t, r, small_corpus_warning=False)
    >>> table[["term", "g2", "log_ratio"]].round(3).values.tolist()
    [['guerra', 3.855, 2.0], ['pace', -3.855, -2.0]]
    >>> keyness(r, t, small_corpus_warning=False)[["term", "g2"]].round(3).values.tolist()
    [['pace', 3.855], ['guerra', -3.855]]
    """
    terms, a, b, c, d = _resolve(counts, target, reference, totals)
    if c <= 0:
        raise ValueError("target is empty (no terms counted); keyness needs text on both sides")
    if d <= 0:
        raise ValueError("reference is empty (no terms counted); keyness needs text on both sides")
    if correction not in _CORRECTIONS:
        raise ValueError(f"correction={correction!r} must be None, 'bh' or 'bonferroni'")
    valid_sort = [m for m in MEASURES if m != "p_adjusted" or correction]
    if sort_by not in valid_sort:
        raise ValueError(f"sort_by={sort_by!r} must be one of {valid_sort}")
    if isinstance(min_count, bool) or not isinstance(min_count, numbers.Real) or min_count < 0:
        raise ValueError(f"min_count={min_count!r} must be a non-negative number")
    keep = (a + b > 0) & (a + b >= min_count)
    terms, a, b = terms[keep], a[keep], b[keep]
    if len(terms) == 0:
        raise ValueError(f"no term reaches min_count={min_count!r}; lower it")
    if small_corpus_warning and min(c, d) < SMALL_CORPUS_TERMS:
        small = " and ".join(f"the {side} has only {n:g} terms" for side, n
                             in (("target", c), ("reference", d)) if n < SMALL_CORPUS_TERMS)
        warnings.warn(
            f"small corpus: {small} (fewer than {SMALL_CORPUS_TERMS:,}); most terms occur "
            "a handful of times, so p-values rest on a poor chi-square approximation and "
            "the ranking changes with a sentence more or less; check the effect sizes "
            "with keyness_bootstrap()",
            SmallCorpusWarning,
            stacklevel=2,
        )
    alpha, a0 = _prior_weights(prior, prior_strength, terms, a, b)
    cols = {"term": terms, "n_target": _as_int_if_whole(a), "n_reference": _as_int_if_whole(b),
            **_statistics(a, b, c, d, alpha, a0)}
    columns = list(KEYNESS_COLUMNS)
    if correction:
        p = cols["p_value"]
        cols["p_adjusted"] = _bh(p) if correction == "bh" else np.minimum(p * len(p), 1.0)
        columns.insert(columns.index("p_value") + 1, "p_adjusted")
    return _frame(cols, columns, sort_by, ascending)


# ---------------------------------------------------------------------------
# Prior sensitivity
# ---------------------------------------------------------------------------


def _default_priors(total: float) -> dict:
    return {
        "pooled, a0 = N/10": ("pooled", total / 10),
        "pooled, a0 = N": ("pooled", total),
        "pooled, a0 = 10N": ("pooled", total * 10),
        "uniform, a0 = N": ("uniform", total),
    }


def prior_sensitivity(
    *counts,
    target=None,
    reference=None,
    priors: Mapping | None = None,
    top_k: int = 10,
) -> pd.DataFrame:
    """How the log-odds ranking moves when the Dirichlet prior changes.

    Runs :func:`keyness` once per prior and keeps every term that is among the
    ``top_k`` of either side (target or reference) under at least one prior.

    Parameters
    ----------
    *counts, target, reference
        As in :func:`keyness`.
    priors : mapping, optional
        Label -> ``prior`` value or ``(prior, prior_strength)`` pair. Default: the
        pooled prior at ``a_0 = N/10``, ``N`` and ``10N`` and the uniform prior at
        ``a_0 = N``, where ``N`` is the pooled number of counted terms.
    top_k : int, default 10

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SENSITIVITY_COLUMNS`: ``prior`` (label), ``a0``, ``term``,
        ``side`` (``"target"`` when ``log_odds_z > 0``, else ``"reference"``),
        ``log_odds``, ``log_odds_z``, ``rank`` (1 = largest ``|z|`` on that side
        under that prior; tied terms, such as terms with the same counts, share the
        best rank) and ``in_top_k`` (``rank <= top_k``). Rows follow the order of
        ``priors``, then side (target first), rank.

    Examples
    --------
    >>> t = {"guerra": 6, "pace": 1, "kim": 3}
    >>> r = {"guerra": 1, "pace": 5, "kim": 3}
    >>> table = prior_sensitivity(t, r, top_k=1, priors={"flat": ("uniform", 3.0)})
    >>> table[["term", "side", "rank"]].values.tolist()
    [['guerra', 'target', 1], ['pace', 'reference', 1]]
    """
    if isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) or top_k < 1:
        raise ValueError(f"top_k={top_k!r} must be a whole number >= 1")
    base = keyness(*counts, target=target, reference=reference, small_corpus_warning=False)
    total = float(base["n_target"].sum() + base["n_reference"].sum())
    priors = _default_priors(total) if priors is None else dict(priors)
    if not priors:
        raise ValueError("priors= is empty; give at least one label -> prior")
    frames = []
    for label, spec in priors.items():
        prior, strength = (spec if isinstance(spec, tuple) else (spec, None))
        table = keyness(*counts, target=target, reference=reference, prior=prior,
                        prior_strength=strength, sort_by="log_odds_z",
                        small_corpus_warning=False)
        if isinstance(prior, (Mapping, pd.Series)):
            a0 = float(np.sum(list(prior.values()) if isinstance(prior, Mapping) else prior))
        else:
            a0 = float(strength) if strength is not None else total
        side = np.where(table["log_odds_z"] > 0, "target", "reference")
        frame = pd.DataFrame({"prior": str(label), "a0": a0, "term": table["term"],
                              "side": side, "log_odds": table["log_odds"],
                              "log_odds_z": table["log_odds_z"]})
        frame["_abs"] = frame["log_odds_z"].abs().round(10)  # equal counts: equal rank
        frame["_side"] = (frame["side"] == "reference").astype(int)
        frame = frame.sort_values(["_side", "_abs", "term"], ascending=[True, False, True],
                                  kind="stable")
        frame["rank"] = (frame.groupby("_side")["_abs"].rank(method="min", ascending=False)
                         .astype("int64"))
        frame["in_top_k"] = frame["rank"] <= top_k
        frame["_order"] = len(frames)
        frames.append(frame)
    long = pd.concat(frames, ignore_index=True)
    keep = set(long.loc[long["in_top_k"], "term"])
    long = long[long["term"].isin(keep)]
    long = long.sort_values(["_order", "_side", "rank"], kind="stable")
    return long[SENSITIVITY_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Bootstrap over sentences
# ---------------------------------------------------------------------------


def _sentence_matrix(docs: pd.DataFrame, analyzer_options: dict) -> tuple[np.ndarray, sp.csr_array, np.ndarray]:
    """Sentences x terms counts for a docs table (one analyzer per language)."""
    texts, langs = [], []
    for text, lang in zip(docs["text"], docs["lang"] if "lang" in docs.columns
                          else ["it"] * len(docs)):
        lang = check_lang(lang, argument="lang in docs")
        for start, end in sentence_spans(text, lang):
            texts.append(text[start:end])
            langs.append(lang)
    langs = np.asarray(langs, dtype=object)
    parts = []
    for lang in sorted(set(langs)):
        mask = langs == lang
        vec = CountVectorizer(analyzer=Analyzer(lang, **analyzer_options), dtype=np.int64)
        try:
            x = vec.fit_transform([t for t, m in zip(texts, mask) if m])
        except ValueError:  # no terms at all
            continue
        parts.append((np.flatnonzero(mask), vec.get_feature_names_out(), x))
    vocab = np.unique(np.concatenate([v for _, v, _ in parts])) if parts else np.asarray([], str)
    pos = {t: k for k, t in enumerate(vocab)}
    matrix = sp.csr_array((len(texts), len(vocab)), dtype=np.int64)
    for rows, v, x in parts:
        coo = x.tocoo()
        remap = np.asarray([pos[t] for t in v])
        matrix = matrix + sp.csr_array((coo.data, (rows[coo.row], remap[coo.col])),
                                       shape=matrix.shape)
    return vocab.astype(object), matrix.tocsr(), np.asarray(texts, dtype=object)


def _top_k_share(values: np.ndarray, k: int) -> np.ndarray:
    """Row-wise credit for being in the top k: 1 above the k-th value, and the free
    places shared equally among the terms tied at the k-th value (so a tie is never
    broken by alphabetical order)."""
    n = values.shape[1]
    if k >= n:
        return np.ones_like(values, dtype=np.float64)
    kth = -np.partition(-values, k - 1, axis=1)[:, k - 1 : k]
    greater = values > kth
    equal = values == kth
    room = k - greater.sum(axis=1, keepdims=True)
    share = room / np.maximum(equal.sum(axis=1, keepdims=True), 1)
    return greater + equal * share


def _replicate_measure(measure, a, b, c, d):
    if measure == "log_ratio":
        return _log_ratio(a, b, c, d)
    if measure == "g2":
        return _g2(a, b, c, d)
    alpha = (a + b) * 1.0  # pooled prior with the default strength: a_w = pooled count
    a0 = alpha.sum(axis=-1, keepdims=True)
    z = _log_odds(a, b, c, d, alpha, a0)[1]
    return np.nan_to_num(z, nan=0.0)  # a term absent from both sides of a replicate


def keyness_bootstrap(
    docs: pd.DataFrame,
    *,
    target: str,
    reference: str | None = None,
    by: str = "source",
    n_boot: int = 1000,
    top_k: int = 10,
    measure: str = "log_ratio",
    ci: float = 0.95,
    random_state: int = 0,
    stopwords=True,
    stem: bool = False,
    ngram_range: tuple[int, int] = (1, 1),
) -> pd.DataFrame:
    """Bootstrap over sentences: how stable is each term's keyness?

    Each replicate resamples, with replacement, as many sentences as each side
    has, separately for the target and the reference, sums their term counts and
    recomputes ``log_ratio`` (and the ranking ``measure``) for every term; in a
    replicate where a term occurs on neither side its log ratio is 0. A term
    whose interval excludes zero and that stays among the ``top_k`` in most
    replicates is a difference the text supports; one that drops out when a single
    sentence is missing is not. Sentences are the resampling unit because, with one
    article per source, they are the only independent-ish pieces there are.

    Parameters
    ----------
    docs : pandas.DataFrame
        The docs table (:func:`analysis.load_corpus`).
    target : str
        The target group (a value of ``docs[by]``).
    reference : str, optional
        The reference group; default every other group.
    by : str, default "source"
    n_boot : int, default 1000
        Number of replicates.
    top_k : int, default 10
        A term counts as "in the top k" in a replicate when it is among the ``top_k``
        terms most distinctive for its own side (the side of its observed
        ``log_ratio``) by ``measure``; terms tied at the k-th place share the places
        left equally (fractional credit), so ties are not broken alphabetically.
    measure : {"log_ratio", "g2", "log_odds_z"}, default "log_ratio"
        Ranking measure for ``top_k_share`` (``log_odds_z`` uses the pooled prior at
        its default strength).
    ci : float, default 0.95
        Coverage of the percentile interval.
    random_state : int, default 0
        Seed of numpy's default generator: same seed, same table.
    stopwords, stem, ngram_range
        Analyzer options, as in :func:`analysis.terms`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BOOTSTRAP_COLUMNS`: observed counts and ``log_ratio``, the
        percentile interval ``ci_low``/``ci_high``, ``excludes_zero``, the share of
        replicates where ``log_ratio`` keeps its observed sign (``same_sign_share``),
        and ``top_k_share``. Sorted by ``log_ratio`` (descending), then term.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["A", "B"], "lang": "it",
    ...     "text": ["Guerra e guerra. Pace oggi. Guerra ancora.", "Pace. Pace e guerra."]})
    >>> boot = keyness_bootstrap(docs, target="A", reference="B", n_boot=200, top_k=1)
    >>> boot[["term", "n_target", "n_reference"]].values.tolist()
    [['guerra', 3, 1], ['oggi', 1, 0], ['pace', 1, 2]]
    """
    missing = [c for c in ("text", by) if c not in docs.columns]
    if missing:
        raise ValueError(f"docs is missing column(s) {missing}; pass the table from load_corpus")
    groups = sorted(docs[by].astype(str).unique())
    tgt = _group_names(target, "target", groups)
    ref = ([g for g in groups if g not in tgt] if reference is None
           else _group_names(reference, "reference", groups))
    if not ref:
        raise ValueError(f"reference=: docs has only the group(s) {groups}; nothing to compare")
    if set(tgt) & set(ref):
        raise ValueError("target and reference are the same group; choose two different groups")
    for name, value in (("n_boot", n_boot), ("top_k", top_k)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name}={value!r} must be a whole number >= 1")
    if measure not in _BOOTSTRAP_MEASURES:
        raise ValueError(f"measure={measure!r} must be one of {list(_BOOTSTRAP_MEASURES)}")
    if not isinstance(ci, numbers.Real) or not 0 < ci < 1:
        raise ValueError(f"ci={ci!r} must be a number between 0 and 1 (e.g. 0.95)")
    options = {"stopwords": stopwords, "stem": stem, "ngram_range": ngram_range}
    labels = docs[by].astype(str)
    sides = []
    for name, names in (("target", tgt), ("reference", ref)):
        part = docs[labels.isin(names).to_numpy()]
        sides.append(_sentence_matrix(part, options))
    vocab = np.unique(np.concatenate([sides[0][0], sides[1][0]]).astype(str)).astype(object)
    pos = {t: k for k, t in enumerate(vocab)}
    mats = []
    for name, (v, m, _) in zip(("target", "reference"), sides):
        if m.shape[0] == 0 or m.sum() == 0:
            raise ValueError(f"{name} has no terms to resample; check the docs of that group")
        remap = np.asarray([pos[t] for t in v])
        coo = m.tocoo()
        mats.append(sp.csr_array((coo.data.astype(np.float64), (coo.row, remap[coo.col])),
                                 shape=(m.shape[0], len(vocab))))
    xt, xr = mats
    a_obs = np.asarray(xt.sum(axis=0)).ravel()
    b_obs = np.asarray(xr.sum(axis=0)).ravel()
    observed = _log_ratio(a_obs, b_obs, a_obs.sum(), b_obs.sum())
    favours_target = observed >= 0
    rng = np.random.default_rng(random_state)
    n_t, n_r = xt.shape[0], xr.shape[0]
    v = len(vocab)
    chunk = max(1, min(n_boot, int(4_000_000 // max(v, 1))))
    reps = []
    same_sign = np.zeros(v)
    in_top = np.zeros(v)
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        wt = rng.multinomial(n_t, np.full(n_t, 1.0 / n_t), size=size).astype(np.float64)
        wr = rng.multinomial(n_r, np.full(n_r, 1.0 / n_r), size=size).astype(np.float64)
        a = np.asarray(xt.T @ wt.T).T  # replicates x terms
        b = np.asarray(xr.T @ wr.T).T
        c = a.sum(axis=1, keepdims=True)
        d = b.sum(axis=1, keepdims=True)
        c = np.where(c > 0, c, 1.0)
        d = np.where(d > 0, d, 1.0)
        # a replicate in which the term occurs on neither side shows no difference:
        # log ratio 0, not Hardie's log2(d / c) from two 0.5 substitutes
        lr = np.where(a + b > 0, _log_ratio(a, b, c, d), 0.0)
        reps.append(lr)
        same_sign += (np.sign(lr) == np.sign(observed)).sum(axis=0)
        m = lr if measure == "log_ratio" else _replicate_measure(measure, a, b, c, d)
        top_t = _top_k_share(m, top_k)
        top_r = _top_k_share(-m, top_k)
        in_top += np.where(favours_target, top_t, top_r).sum(axis=0)
        done += size
    reps = np.vstack(reps)
    low, high = np.quantile(reps, [(1 - ci) / 2, (1 + ci) / 2], axis=0)
    cols = {
        "term": vocab,
        "n_target": a_obs.astype(np.int64),
        "n_reference": b_obs.astype(np.int64),
        "log_ratio": observed,
        "ci_low": low,
        "ci_high": high,
        "excludes_zero": (low > 0) | (high < 0),
        "same_sign_share": same_sign / n_boot,
        "top_k_share": in_top / n_boot,
    }
    return _frame(cols, BOOTSTRAP_COLUMNS, "log_ratio", False)
