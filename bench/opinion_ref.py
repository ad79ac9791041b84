#!/usr/bin/env python3
"""opinion_ref.py - the reference for bench/opinion.sh: the same opinion map
(PCA with two components, Pol.is's sparsity-aware projection, base k-means
then k = 2..5 groups chosen by silhouette) with numpy, scipy and
scikit-learn, on the matrix bench/opinion_bench.c wrote.

usage: opinion_ref.py FILE

FILE is opinion_bench's --write format (see the comment at the top of
bench/opinion_bench.c).  Reading the file is not timed; everything from the
vote arrays to the group labels is, to match what linli's "map" figure
covers (its matrix is already built).  Run it on one core for a fair figure
(opinion.sh sets OMP_NUM_THREADS=1 and friends).

Prints the same kind of figures as the C bench and, last, one line:
  RESULT map_s=... pca_s=... cluster_s=... k=... ari_latent=... ari_linli=...
"""
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import adjusted_rand_score, silhouette_score

MIN_VOTES = 7
BASE_K = 100
K_MAX = 5


def read(path):
    with open(path, "rb") as f:
        if f.read(8) != b"LINLIOP1":
            sys.exit(f"opinion_ref: {path}: not an opinion_bench matrix")
        np_, ns, nv = (int(x) for x in np.fromfile(f, dtype="<u8", count=3))
        row = np.fromfile(f, dtype="<i4", count=nv)
        col = np.fromfile(f, dtype="<i4", count=nv)
        val = np.fromfile(f, dtype="i1", count=nv)
        latent = np.fromfile(f, dtype="i1", count=np_)
        group = np.fromfile(f, dtype="i1", count=np_)
    if len(group) != np_:
        sys.exit(f"opinion_ref: {path}: truncated")
    return np_, ns, row, col, val, latent, group


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    n, ns, row, col, val, latent, linli_group = read(sys.argv[1])

    t0 = time.perf_counter()
    # centred matrix: vote minus column mean where present, 0 where missing;
    # its columns have mean 0, so a truncated SVD of it is the PCA
    seen = np.bincount(col, minlength=ns)
    mean = np.bincount(col, weights=val, minlength=ns) / np.maximum(seen, 1)
    x = val - mean[col]
    X = sp.csr_matrix((x, (row, col)), shape=(n, ns))
    svd = TruncatedSVD(n_components=2, algorithm="arpack", random_state=0)
    svd.fit(X)
    comps = svd.components_
    # sparsity-aware projection (Pol.is): scale by sqrt(n_statements / n_votes)
    n_votes = np.bincount(row, minlength=n)
    proj = (X @ comps.T) * np.sqrt(ns / np.maximum(n_votes, 1))[:, None]
    t1 = time.perf_counter()

    clustered = n_votes >= min(MIN_VOTES, ns)
    pts = proj[clustered]
    base = KMeans(n_clusters=min(BASE_K, len(pts)), n_init=1, random_state=0).fit(pts)
    centres = base.cluster_centers_
    weights = np.bincount(base.labels_, minlength=len(centres))
    runs = []
    for k in range(2, min(K_MAX, 2 + len(centres) // 12) + 1):
        km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(centres, sample_weight=weights)
        runs.append((silhouette_score(centres, km.labels_), k, km.labels_))
        print(f"    k={k} silhouette {runs[-1][0]:.3f}")
    # as linli: the smallest k unless the best beats it by k_margin (0.02)
    best = max(runs, key=lambda r: r[0])
    if best[0] <= runs[0][0] + 0.02:
        best = runs[0]
    group = np.full(n, -1)
    group[clustered] = best[2][base.labels_]
    t2 = time.perf_counter()

    both = (group >= 0) & (linli_group >= 0)
    ari_latent = adjusted_rand_score(latent[group >= 0], group[group >= 0])
    ari_linli = adjusted_rand_score(linli_group[both], group[both])
    print(f"  PCA (arpack) + projection      {t1 - t0:8.3f} s")
    print(f"  base k-means + groups k=2..5   {t2 - t1:8.3f} s")
    print(f"  k = {best[1]}, ARI vs latent groups {ari_latent:.3f}, vs linli's groups {ari_linli:.3f}")
    print(f"RESULT map_s={t2 - t0:.3f} pca_s={t1 - t0:.3f} cluster_s={t2 - t1:.3f} "
          f"k={best[1]} ari_latent={ari_latent:.3f} ari_linli={ari_linli:.3f}")


if __name__ == "__main__":
    main()
