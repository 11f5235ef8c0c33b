#!/usr/bin/env python3
"""scikit-learn reference matrices for fitpool's `prep` module (lazypredict's recipe).

Usage: /opt/skl/bin/python scripts/reference_prep.py > tests/fixtures/prep_reference.json

Generates mixed tables (missing numbers, missing categories, a level seen only in test rows,
high-cardinality columns, a column empty in training, ...), splits each with
train_test_split, and runs scikit-learn's own ColumnTransformer of
  numeric:          SimpleImputer(strategy="mean") [+ StandardScaler()]
  categorical_low:  SimpleImputer(strategy="constant", fill_value="missing")
                    + OneHotEncoder(handle_unknown="ignore", sparse_output=False)
  categorical_high: the same imputer
                    + OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
with lazypredict's split of the categorical columns (X_train[col].nunique() > 11: high),
fitted on the training rows. Records the input table, the rows, the fitted statistics, the
feature names (sklearn's, and fitpool's `name=level` form) and the transformed train and
test matrices: in full for small tables; for big ones sampled rows plus column sums.
Missing categories are np.nan in object columns, as pandas.read_csv gives them.
"""

import json
import platform
import sys
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

MAX_ONEHOT = 11


def cat(values):
    return pd.Series(values, dtype=object)


def with_missing(rng, values, frac):
    values = np.array(values, dtype=object)
    values[rng.rand(len(values)) < frac] = np.nan
    return values


def num_with_missing(rng, values, frac):
    values = np.array(values, dtype=float)
    values[rng.rand(len(values)) < frac] = np.nan
    return values


def table_small():
    rng = np.random.RandomState(0)
    n = 40
    df = pd.DataFrame(
        {
            "num_a": num_with_missing(rng, rng.randn(n) * 10 + 5, 0.15),
            "num_b": num_with_missing(rng, rng.randint(-3, 9, n), 0.2),
            "num_const": np.full(n, 3.3),
            "num_empty": np.full(n, np.nan),
            "cat_low": cat(with_missing(rng, rng.choice(["b", "a", "B", "é", "Zürich"], n), 0.15)),
            "cat_high": cat(rng.choice(["L%02d" % i for i in range(15)], n)),
            "cat_unseen": cat(rng.choice(["x", "y"], n)),
        }
    )
    return df, 0.25, 0

def patch_small(df, train, test):
    # a level only in test rows, a missing value only in test rows, a numeric column
    # empty in training but not in test
    df.loc[test[0], "cat_unseen"] = "new"
    df.loc[test[1], "cat_unseen"] = np.nan
    df.loc[test[2], "num_empty"] = 7.5
    df.loc[test[3], "cat_low"] = "zz"


def table_boundary():
    rng = np.random.RandomState(1)
    n = 150
    lv11 = ["k%d" % i for i in range(11)]
    lv12 = ["m%d" % i for i in range(12)]
    df = pd.DataFrame(
        {
            "big": 1e6 + rng.randn(n) * 1e-3,
            "tiny": num_with_missing(rng, rng.randn(n) * 1e-9, 0.3),
            "point_one": np.full(n, 0.1),
            "c11": cat(np.array(lv11 * 14)[rng.permutation(154)][:n]),
            "c12": cat(np.array(lv12 * 13)[rng.permutation(156)][:n]),
            "c11_nan": cat(with_missing(rng, np.array(lv11 * 14)[rng.permutation(154)][:n], 0.1)),
            "literal": cat(with_missing(rng, rng.choice(["missing", "Missing", "a"], n), 0.2)),
            "all_nan": cat(np.full(n, np.nan, dtype=object)),
        }
    )
    return df, 0.2, 7


def table_wide():
    rng = np.random.RandomState(2)
    n = 800
    cols = {}
    for j in range(6):
        cols["x%d" % j] = num_with_missing(rng, rng.randn(n) * (j + 1) + j * 3.7, 0.05 * j)
    cols["color"] = cat(with_missing(rng, rng.choice(["red", "green", "blue"], n), 0.05))
    cols["size"] = cat(rng.choice(["S", "M", "L", "XL"], n))
    cols["city"] = cat(with_missing(rng, rng.choice(["c%02d" % i for i in range(30)], n), 0.1))
    cols["id"] = cat(rng.choice(["id%03d" % i for i in range(300)], n))
    return pd.DataFrame(cols), 0.25, 42


def preprocessor(numeric, low, high, scale):
    num_steps = [("imputer", SimpleImputer(strategy="mean"))]
    if scale:
        num_steps.append(("scaler", StandardScaler()))
    return ColumnTransformer(
        transformers=[
            ("numeric", Pipeline(num_steps), numeric),
            (
                "categorical_low",
                Pipeline(
                    [
                        ("imputer", SimpleImputer(strategy="constant", fill_value="missing")),
                        ("encoding", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
                    ]
                ),
                low,
            ),
            (
                "categorical_high",
                Pipeline(
                    [
                        ("imputer", SimpleImputer(strategy="constant", fill_value="missing")),
                        (
                            "encoding",
                            OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
                        ),
                    ]
                ),
                high,
            ),
        ]
    )


def column_json(df, c):
    s = df[c]
    if s.dtype == object:
        return {
            "name": c,
            "kind": "categorical",
            "values": [None if (isinstance(v, float) and np.isnan(v)) else v for v in s],
        }
    return {
        "name": c,
        "kind": "numeric",
        "values": [None if np.isnan(v) else float(v) for v in s],
    }


def matrix_json(m, full):
    m = np.asarray(m, dtype=float)
    out = {"shape": list(m.shape), "col_sum": m.sum(axis=0).tolist(), "col_abs_sum": np.abs(m).sum(axis=0).tolist()}
    if full:
        out["rows"] = m.tolist()
    else:
        pick = sorted(set([0, 1, 2, m.shape[0] - 1] + list(range(5, m.shape[0], 37))))
        out["sample_positions"] = pick
        out["sample_rows"] = m[pick].tolist()
    return out


def case(name, make, patch=None, full=True):
    df, test_size, seed = make()
    n = len(df)
    train, test = train_test_split(np.arange(n), test_size=test_size, random_state=seed)
    if patch:
        patch(df, train, test)
    X_train, X_test = df.iloc[train], df.iloc[test]
    numeric = list(X_train.select_dtypes(include=[np.number]).columns)
    categorical = list(X_train.select_dtypes(include=["object"]).columns)
    nunique = X_train[categorical].nunique()
    high = [c for c in categorical if nunique[c] > MAX_ONEHOT]
    low = [c for c in categorical if nunique[c] <= MAX_ONEHOT]
    out = {
        "name": name,
        "columns": [column_json(df, c) for c in df.columns],
        "test_size": test_size,
        "seed": seed,
        "train_rows": [int(i) for i in train],
        "test_rows": [int(i) for i in test],
        "onehot_columns": low,
        "ordinal_columns": high,
        "variants": [],
    }
    for scale in [True, False]:
        ct = preprocessor(numeric, low, high, scale)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ct.fit(X_train)
            m_train = ct.transform(X_train)
            m_test = ct.transform(X_test)
        sk_names = [str(s) for s in ct.get_feature_names_out()]
        ours = []
        num = ct.named_transformers_["numeric"]
        imp = num["imputer"]
        kept = [c for c, s in zip(numeric, imp.statistics_) if not np.isnan(s)]
        ours += kept
        dropped = {c for c in numeric if c not in kept}
        for block, cols in [("categorical_low", low), ("categorical_high", high)]:
            if cols:
                st = ct.named_transformers_[block]["imputer"].statistics_
                dropped |= {c for c, v in zip(cols, st) if isinstance(v, float) and np.isnan(v)}
        stats = {
            "dropped": [c for c in df.columns if c in dropped],
            "impute": [float(s) for s in imp.statistics_ if not np.isnan(s)],
        }
        if scale:
            stats["center"] = [float(v) for v in num["scaler"].mean_]
            stats["scale"] = [float(v) for v in num["scaler"].scale_]
        if low:
            enc = ct.named_transformers_["categorical_low"]["encoding"]
            low_kept = [c for c in low if c not in dropped]
            for c, levels in zip(low_kept, enc.categories_):
                ours += ["%s=%s" % (c, lv) for lv in levels]
        ours += [c for c in high if c not in dropped]
        # sklearn's names are ours with its prefixes and `_` for `=`
        expect_sk = ["numeric__" + c for c in kept]
        if low:
            expect_sk += [
                "categorical_low__%s_%s" % (c, lv)
                for c, lvs in zip(low_kept, enc.categories_)
                for lv in lvs
            ]
        expect_sk += ["categorical_high__" + c for c in high if c not in dropped]
        assert sk_names == expect_sk, (sk_names, expect_sk)
        out["variants"].append(
            {
                "scale": scale,
                "sklearn_feature_names": sk_names,
                "feature_names": ours,
                "stats": stats,
                "train": matrix_json(m_train, full),
                "test": matrix_json(m_test, full),
            }
        )
    return out


out = {
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "pandas": pd.__version__,
    "python": platform.python_version(),
    "max_onehot": MAX_ONEHOT,
    "cases": [
        case("small", table_small, patch_small),
        case("boundary", table_boundary),
        case("wide", table_wide, full=False),
    ],
}
json.dump(out, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
