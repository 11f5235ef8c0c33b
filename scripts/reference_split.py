#!/usr/bin/env python3
"""scikit-learn reference index sets for fitpool's `split` module.

Usage: /opt/skl/bin/python scripts/reference_split.py > tests/fixtures/split_reference.json

Records numpy's legacy RandomState permutations and the train/test row indices that
scikit-learn's train_test_split, KFold, RepeatedKFold, GroupKFold, TimeSeriesSplit and
PredefinedSplit yield, in their order. tests/split_fidelity.rs compares them exactly.
"""

import json
import platform
import sys

import numpy as np
import sklearn
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    PredefinedSplit,
    RepeatedKFold,
    TimeSeriesSplit,
    train_test_split,
)


def ints(a):
    return [int(v) for v in a]


def splits(cv, n, groups=None):
    X = np.zeros((n, 1))
    return [
        {"train": ints(tr), "test": ints(te)} for tr, te in cv.split(X, groups=groups)
    ]


out = {
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "python": platform.python_version(),
}

out["permutation"] = [
    {"seed": seed, "n": n, "perm": ints(np.random.RandomState(seed).permutation(n))}
    for seed in [0, 1, 42, 2**31 - 1, 2**32 - 1]
    for n in [1, 2, 10, 1000, 1001]
]
# several draws from one generator: the state carries over
rs = np.random.RandomState(5)
out["permutation_sequence"] = {
    "seed": 5,
    "n": [3, 700, 1, 50],
    "perms": [ints(rs.permutation(n)) for n in [3, 700, 1, 50]],
}

tts = []
for n, test_size, train_size, seed, shuffle in [
    (10, 0.25, None, 42, True),
    (100, 0.2, None, 0, True),
    (1000, 0.3, None, 1, True),
    (1001, 0.33, None, 2**32 - 1, True),
    (50, 7, None, 3, True),
    (50, 7, 20, 3, True),
    (50, None, 0.5, 11, True),
    (50, 0.1, 0.3, 12, True),
    (37, None, None, 2**31 - 1, True),
    (20, 0.25, None, None, False),
    (20, 5, 10, None, False),
]:
    tr, te = train_test_split(
        np.arange(n),
        test_size=test_size,
        train_size=train_size,
        random_state=seed,
        shuffle=shuffle,
    )
    tts.append(
        {
            "n": n,
            "test_size": test_size,
            "train_size": train_size,
            "seed": seed,
            "shuffle": shuffle,
            "train": ints(tr),
            "test": ints(te),
        }
    )
out["train_test_split"] = tts

out["kfold"] = []
for n, k, shuffle, seed in [
    (10, 2, False, None),
    (10, 3, False, None),
    (103, 5, False, None),
    (10, 3, True, 0),
    (103, 5, True, 42),
    (1000, 10, True, 1),
    (7, 7, True, 2**32 - 1),
]:
    out["kfold"].append(
        {
            "n": n,
            "k": k,
            "shuffle": shuffle,
            "seed": seed,
            "splits": splits(KFold(k, shuffle=shuffle, random_state=seed), n),
        }
    )

out["repeated_kfold"] = []
for n, k, repeats, seed in [(10, 3, 2, 0), (103, 5, 3, 42), (20, 2, 1, 7)]:
    out["repeated_kfold"].append(
        {
            "n": n,
            "k": k,
            "repeats": repeats,
            "seed": seed,
            "splits": splits(
                RepeatedKFold(n_splits=k, n_repeats=repeats, random_state=seed), n
            ),
        }
    )

rng = np.random.RandomState(123)
group_cases = []
# uneven integer groups
g = rng.choice(9, size=60, p=np.array([20, 10, 8, 6, 5, 4, 3, 2, 2]) / 60.0)
group_cases.append(("int", ints(g)))
# string labels, uneven, with ties in group size, non-ASCII and case differences
labels = ["b", "a", "B", "Zürich", "zeta", "10", "9", "é", "A"]
sizes = [7, 5, 5, 3, 3, 3, 2, 2, 1]
s = [lab for lab, c in zip(labels, sizes) for _ in range(c)]
s = list(np.array(s, dtype=object)[rng.permutation(len(s))])
group_cases.append(("str", [str(v) for v in s]))
# float labels, all groups equal size (ties everywhere)
f = np.repeat([2.5, -1.0, 0.0, 3.25, 7.0, 1e10], 4)[rng.permutation(24)]
group_cases.append(("float", [float(v) for v in f]))
# many groups
g = rng.randint(0, 40, size=300)
group_cases.append(("int", ints(g)))

out["group_kfold"] = []
for kind, groups in group_cases:
    for k, shuffle, seed in [(2, False, None), (3, False, None), (4, True, 0), (3, True, 42)]:
        if k > len(set(groups)):
            continue
        arr = np.array(groups, dtype=object) if kind == "str" else np.array(groups)
        out["group_kfold"].append(
            {
                "kind": kind,
                "groups": groups,
                "k": k,
                "shuffle": shuffle,
                "seed": seed,
                "splits": splits(
                    GroupKFold(k, shuffle=shuffle, random_state=seed), len(groups), arr
                ),
            }
        )

out["time_series"] = []
for n, k, test_size, gap, max_train in [
    (10, 3, None, 0, None),
    (10, 4, None, 0, None),
    (23, 5, None, 0, None),
    (23, 3, 2, 0, None),
    (23, 3, 4, 2, None),
    (23, 4, None, 1, 5),
    (30, 3, 5, 3, 8),
    (30, 2, None, 0, 0),
]:
    out["time_series"].append(
        {
            "n": n,
            "k": k,
            "test_size": test_size,
            "gap": gap,
            "max_train_size": max_train,
            "splits": splits(
                TimeSeriesSplit(
                    k, test_size=test_size, gap=gap, max_train_size=max_train
                ),
                n,
            ),
        }
    )

out["predefined"] = []
for tf in [
    [0, 1, -1, 1, 0, 2, -1, 2],
    [3, 3, -1, -2, 0, 5, 5, -1, 0, 3],
    [-1, 0, -1, 0],
]:
    out["predefined"].append(
        {"test_fold": tf, "splits": splits(PredefinedSplit(tf), len(tf))}
    )

json.dump(out, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
