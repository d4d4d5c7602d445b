"""Segments of survey respondents by workplace situation: HDBSCAN on Gower distances.

The segments describe workplaces, not people: they are found from what respondents say their
employer offers (mental-health benefits, care options, a wellness programme, resources to seek
help, anonymity, how easy leave is, whether mental health is taken as seriously as physical
health) and from the company's size. Personal answers (family history, treatment, how work is
affected, gender, age) stay out: treatment is reported per segment as an outcome, and a segment
must never read as a label about its members' health. On the real 2014 OSMI survey all the
answers together leave (nearly) everyone as noise; these eight give a few segments.

HDBSCAN leaves respondents whose answers sit in no dense group as noise (-1); with survey answers
that is often a large share, and it is reported as such rather than forced into a segment.

Work is bounded: at most ``max_exact`` respondents (a fixed sample by hash of their id, so it
changes little when respondents are added) are clustered on a full distance matrix; every other
respondent takes the segment, membership probability and outlier score of their nearest
clustered respondent by Gower distance, computed in chunks, never as an n × n matrix.

Metrics say how far to trust the segments: bootstrap stability (adjusted Rand index of the
segments found again on random 80% subsamples of the clustered respondents, noise counted as one
more label) and density-based cluster validity (DBCV, from -1 to 1; categorical answers seldom
score above 0, since their groups are not separated by sparse regions).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ml_assets.gower import FeatureSpec, encode, gower_matrix, nearest_neighbours

SEGMENT_VERSION = "survey-segments/v1"
SEGMENT_FEATURES = FeatureSpec(
    categorical=(
        "benefits",
        "care_options",
        "wellness_program",
        "seek_help",
        "anonymity",
        "leave_ease",  # 'unsure' is its most common answer, so not an ordinal rank
        "mental_vs_physical",
    ),
    numeric=("company_size_rank",),  # ordinal: 1-5 employees is nearer 6-25 than 1000+
)
ASSIGNMENT_COLUMNS = [
    "respondent_id",
    "survey_year",
    "segment",  # -1: in no segment (noise); 0 = the largest segment
    "membership_probability",
    "outlier_score",
    "assigned_by",  # 'clustered' or 'nearest_neighbour'
]


@dataclass
class SegmentResult:
    assignments: pd.DataFrame
    metrics: dict[str, float] = field(default_factory=dict)
    features: FeatureSpec = SEGMENT_FEATURES


def default_min_cluster_size(n_clustered: int, share: float = 0.03, floor: int = 20) -> int:
    """3% of the clustered respondents, at least 20. Why 3%: on the real 2014 survey (1,259
    respondents, min_samples 10), 2-2.5% finds 6-8 segments, mostly variants of "unsure about
    everything", whose number changes with the order of the rows (adjusted Rand index 0.3-0.55
    on subsamples); 3-3.5% finds the same two workplace situations (employer support in place;
    little support or unsure) whatever the order, 43% noise, index 0.45-0.65. A segment under 20
    people is too small to report answer shares from."""
    return max(int(floor), int(round(share * n_clustered)))


def segment_respondents(
    respondents: pd.DataFrame,
    *,
    features: FeatureSpec = SEGMENT_FEATURES,
    max_exact: int = 5_000,
    min_cluster_size: int | None = None,
    min_samples: int = 10,
    bootstraps: int = 5,
    bootstrap_share: float = 0.8,
    validity_max_rows: int = 2_000,
    chunk_rows: int = 2_048,
    seed: int = 0,
) -> SegmentResult:
    """Segments of marts.dim_survey_respondents rows (any row order gives the same result).

    ``min_cluster_size`` None means ``default_min_cluster_size`` of the clustered rows.
    ``min_samples`` 10: a respondent is in a dense region when ten others answered (nearly)
    the same; on the real survey, lower values pull noise into segments that come back less
    reliably on subsamples.

    Outlier scores are HDBSCAN's GLOSH scores: 0 at the densest part of a segment, towards 1
    far from it. Identical answers are at Gower distance 0, an infinite density, and GLOSH
    compares every respondent with their segment's densest point: without care, a segment
    holding ten identical answers gives every other member nan (inf / inf), or 1. So distance 0
    between two respondents is raised to half the smallest non-zero distance before
    clustering: every density is finite and the order of all distances is kept (on the real
    survey and the test frames the segments came out identical). A nan would still be filled
    with 1.0, the formula's limit.

    DBCV is computed on at most ``validity_max_rows`` clustered respondents who answered every
    feature (a fixed random subset): its cost grows with the square of a segment's size.
    ``validity_rows`` says how many it used.
    """
    clock: dict[str, float] = {}
    rows = respondents.sort_values(["survey_year", "respondent_id"], ignore_index=True)
    n = len(rows)
    sample = _exact_sample(rows, max_exact, seed)
    size = min_cluster_size or default_min_cluster_size(len(sample))
    metrics: dict[str, float] = {
        "n_respondents": n,
        "n_clustered": len(sample),
        "n_assigned": n - len(sample),
        "min_cluster_size": size,
        "min_samples": min_samples,
        "assigned_mean_distance": float("nan"),  # to the nearest clustered respondent
    }

    started = time.perf_counter()
    reference = encode(rows.iloc[sample], features)
    distances = gower_matrix(reference).astype(np.float64)  # float32 peaks lower; HDBSCAN wants 64
    _separate_identical_answers(distances)
    clock["distances"] = time.perf_counter() - started

    started = time.perf_counter()
    labels, probability, outlier = _cluster(distances, size, min_samples)
    clock["cluster"] = time.perf_counter() - started

    segment = np.full(n, -1, dtype=np.int64)
    membership = np.zeros(n)
    outlier_score = np.ones(n)
    assigned_by = np.full(n, "nearest_neighbour", dtype=object)
    segment[sample], membership[sample], outlier_score[sample] = labels, probability, outlier
    assigned_by[sample] = "clustered"

    started = time.perf_counter()
    rest = np.setdiff1d(np.arange(n), sample)
    if len(rest):
        query = encode(rows.iloc[rest], features, reference=reference)
        nearest, gap = nearest_neighbours(query, reference, chunk_rows)
        # Nothing in common with any clustered respondent: no segment to borrow.
        alike = gap < 1.0
        segment[rest] = np.where(alike, labels[nearest], -1)
        membership[rest] = np.where(alike, probability[nearest], 0.0)
        outlier_score[rest] = np.where(alike, outlier[nearest], 1.0)
        metrics["assigned_mean_distance"] = float(gap.mean())
    clock["assign"] = time.perf_counter() - started

    started = time.perf_counter()
    metrics |= _stability(distances, labels, size, min_samples, bootstraps, bootstrap_share, seed)
    clock["stability"] = time.perf_counter() - started

    started = time.perf_counter()
    complete = (reference.codes >= 0).all(axis=1) & ~np.isnan(reference.values).any(axis=1)
    metrics |= _validity(
        distances, labels, complete, len(features.features), validity_max_rows, seed
    )
    clock["validity"] = time.perf_counter() - started

    metrics["n_segments"] = int(labels.max() + 1) if len(labels) else 0
    metrics["noise_share"] = float(np.mean(segment == -1)) if n else float("nan")
    metrics["clustered_noise_share"] = float(np.mean(labels == -1)) if n else float("nan")
    metrics |= {f"seconds_{stage}": round(seconds, 4) for stage, seconds in clock.items()}
    assignments = pd.DataFrame(
        {
            "respondent_id": rows["respondent_id"],
            "survey_year": rows["survey_year"],
            "segment": segment,
            "membership_probability": membership,
            "outlier_score": outlier_score,
            "assigned_by": assigned_by,
        },
        columns=ASSIGNMENT_COLUMNS,
    )
    return SegmentResult(assignments, metrics, features)


def _exact_sample(rows: pd.DataFrame, max_exact: int, seed: int) -> np.ndarray:
    """Positions of the rows to cluster: all of them, or the ``max_exact`` with the smallest
    seeded hash of their id. New respondents change the sample little: one already in it
    leaves only when newcomers with smaller hashes take its place."""
    if len(rows) <= max_exact:
        return np.arange(len(rows))
    key = f"{seed:016d}"[-16:]  # pandas takes a key of exactly 16 characters
    hashes = pd.util.hash_pandas_object(
        rows["respondent_id"].astype(str) + "|" + rows["survey_year"].astype(str),
        index=False,
        hash_key=key,
    ).to_numpy()
    return np.sort(np.argsort(hashes, kind="stable")[:max_exact])


def _separate_identical_answers(distances: np.ndarray) -> None:
    """Raise zero distances between two respondents, in place, to half the smallest non-zero
    one (see segment_respondents: it keeps densities finite and the order of distances)."""
    smallest = np.min(distances, where=distances > 0, initial=np.inf)
    if np.isfinite(smallest):
        np.maximum(distances, smallest / 2, out=distances)
        np.fill_diagonal(distances, 0)


def _cluster(
    distances: np.ndarray, min_cluster_size: int, min_samples: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """HDBSCAN labels (renumbered: 0 = largest segment), probabilities and GLOSH scores."""
    import hdbscan

    n = len(distances)
    if n <= max(min_cluster_size, min_samples, 1):
        return np.full(n, -1, dtype=np.int64), np.zeros(n), np.ones(n)
    model = hdbscan.HDBSCAN(
        metric="precomputed", min_cluster_size=min_cluster_size, min_samples=min_samples
    )
    model.fit(distances)
    labels = _by_size(model.labels_)
    outlier = np.nan_to_num(np.asarray(model.outlier_scores_, dtype=np.float64), nan=1.0)
    return labels, np.asarray(model.probabilities_, dtype=np.float64), np.clip(outlier, 0, 1)


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Segments numbered by size, largest first (ties: the one met first), noise left -1."""
    found = labels[labels >= 0]
    if not len(found):
        return labels.astype(np.int64)
    ids, first, counts = np.unique(found, return_index=True, return_counts=True)
    order = ids[np.lexsort((first, -counts))]
    renumber = np.full(labels.max() + 1, -1, dtype=np.int64)
    renumber[order] = np.arange(len(order))
    return np.where(labels >= 0, renumber[np.maximum(labels, 0)], -1)


def _stability(
    distances: np.ndarray,
    labels: np.ndarray,
    min_cluster_size: int,
    min_samples: int,
    bootstraps: int,
    share: float,
    seed: int,
) -> dict[str, float]:
    """Adjusted Rand index between the segments and those found again on random subsamples
    (same settings, min_cluster_size not rescaled; distances indexed from the matrix already
    computed), on the subsample's rows, noise counted as one more label. Not defined (nan)
    without segments: agreeing that everyone is noise says nothing."""
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng([seed, 1])
    scores = []
    for _ in range(bootstraps if labels.max(initial=-1) >= 0 else 0):
        rows = np.sort(rng.choice(len(labels), int(share * len(labels)), replace=False))
        again, _, _ = _cluster(distances[np.ix_(rows, rows)], min_cluster_size, min_samples)
        scores.append(adjusted_rand_score(labels[rows], again))
    if not scores:
        return {"stability_ari_mean": float("nan"), "stability_ari_min": float("nan")}
    return {"stability_ari_mean": float(np.mean(scores)), "stability_ari_min": float(min(scores))}


def _validity(
    distances: np.ndarray,
    labels: np.ndarray,
    complete: np.ndarray,
    n_features: int,
    max_rows: int,
    seed: int,
) -> dict[str, float]:
    """DBCV of the clustering, on at most ``max_rows`` clustered respondents who answered every
    clustering feature (nan with fewer than two segments there, where it is not defined).

    Why only complete answers: DBCV's density estimate assumes a metric, and Gower distance
    with skipped features is not one (a respondent who answered one question is close to
    everyone who gave that answer, however far apart those are); on complete answers it is.
    It is computed on the distances HDBSCAN clustered (identical answers at the small floor).
    """
    from hdbscan.validity import validity_index

    rows = np.flatnonzero(complete)
    if len(rows) > max_rows:
        rows = np.sort(np.random.default_rng([seed, 2]).choice(rows, max_rows, replace=False))
    subset = labels[rows]
    present = np.unique(subset[subset >= 0])
    if len(present) < 2:
        return {"validity_dbcv": float("nan"), "validity_rows": len(rows)}
    # validity_index wants segments 0..k-1, and one may be absent from the subset.
    subset = np.where(subset >= 0, np.searchsorted(present, subset), -1)
    with warnings.catch_warnings():
        # It divides by zero for a segment of identical answers (and then handles it).
        warnings.simplefilter("ignore", RuntimeWarning)
        score = validity_index(
            distances[np.ix_(rows, rows)], subset, metric="precomputed", d=n_features
        )
    return {"validity_dbcv": float(score), "validity_rows": len(rows)}
