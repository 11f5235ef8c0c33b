#!/usr/bin/env python3
"""Writes tests/fixtures/holdout_reference.json: the row indices scikit-learn's
train_test_split(test_size=F, random_state=S) picks out of n rows, for the cases below.
tests/real_tables.rs checks that fitpool::data::Holdout::new(n, F, S) gives the same.

Run with scikit-learn 1.9.1: /opt/skl/bin/python scripts/reference_holdout.py
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split

CASES = [(10, 0.3, 0), (10, 0.3, 7), (30, 0.1, 1), (101, 0.25, 42), (442, 0.2, 4294967295)]

out = {"sklearn": sklearn.__version__, "cases": []}
for n, test_size, seed in CASES:
    train, test = train_test_split(np.arange(n), test_size=test_size, random_state=seed)
    out["cases"].append(
        {
            "n": n,
            "test_size": test_size,
            "seed": seed,
            "train": [int(i) for i in train],
            "test": [int(i) for i in test],
        }
    )
path = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/holdout_reference.json"
path.write_text(json.dumps(out) + "\n")
print(f"wrote {path} ({len(CASES)} cases, scikit-learn {sklearn.__version__})")
