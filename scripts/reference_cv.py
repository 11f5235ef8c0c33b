#!/usr/bin/env python3
"""scikit-learn reference for cross-validation (issue 12, "How it is checked").

Usage: /opt/skl/bin/python scripts/reference_cv.py
  writes tests/fixtures/data/cv_leak.csv and tests/fixtures/reference_cv.json

For table_shop.csv (target sales) and diabetes_train.csv (no header, id column 0, target the
last column): cross_validate(Pipeline([("prep", lazypredict's ColumnTransformer with
StandardScaler), ("model", M)]), X, y, cv=KFold(5, shuffle=True, random_state=S),
scoring="neg_root_mean_squared_error") for S in 0, 1; per-fold scores kept. Also
RepeatedKFold(5, 2), GroupKFold(5) on shop's `region` and TimeSeriesSplit(5) on diabetes, for
Ridge. cv_leak.csv: a table whose fold RMSE differs when the pipeline is learned on all rows
(both values recorded; tests/cv_fidelity.rs checks fitpool gives the in-fold one).
"""

import json
import os
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.model_selection import GroupKFold, KFold, RepeatedKFold, TimeSeriesSplit, cross_validate
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.svm import SVR, NuSVR

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "tests", "fixtures", "data")
MAX_ONEHOT = 11


def preprocessor(X):
    numeric = list(X.select_dtypes(include=[np.number]).columns)
    cat = [c for c in X.columns if c not in numeric]
    low = [c for c in cat if X[c].nunique() <= MAX_ONEHOT]
    high = [c for c in cat if X[c].nunique() > MAX_ONEHOT]
    imp = ("imputer", SimpleImputer(strategy="constant", fill_value="missing"))
    return ColumnTransformer(
        [
            ("numeric", Pipeline([("imputer", SimpleImputer(strategy="mean")), ("scaler", StandardScaler())]), numeric),
            ("categorical_low", Pipeline([imp, ("encoding", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), low),
            ("categorical_high", Pipeline([imp, ("encoding", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1))]), high),
        ]
    )


def models():
    return [
        Ridge(), Lasso(), ElasticNet(), LinearRegression(), KNeighborsRegressor(), SVR(), NuSVR(),
        HistGradientBoostingRegressor(), RandomForestRegressor(random_state=0),
    ]


def cv_scores(X, y, model, cv, groups=None, prep=None):
    pipe = Pipeline([("prep", prep if prep is not None else preprocessor(X)), ("model", clone(model))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = cross_validate(pipe, X, y, cv=cv, groups=groups, scoring="neg_root_mean_squared_error")
    return [-float(s) for s in r["test_score"]]


def tables():
    shop = pd.read_csv(os.path.join(DATA, "table_shop.csv"))
    dia = pd.read_csv(os.path.join(DATA, "diabetes_train.csv"), header=None)
    return [
        ("shop", "table_shop.csv", ["--target", "sales"], shop.drop(columns=["sales"]), shop["sales"]),
        ("diabetes", "diabetes_train.csv", ["--id-col", "0", "--no-header"], dia.iloc[:, 1:-1].set_axis(["f%d" % i for i in range(dia.shape[1] - 2)], axis=1), dia.iloc[:, -1]),
    ]


def leak_table():
    """A numeric column with holes whose mean differs strongly between folds, and a category
    present in one fold only."""
    n = 100
    rng = np.random.RandomState(5)
    fold_of = np.zeros(n, dtype=int)
    for k, (_, test) in enumerate(KFold(5, shuffle=True, random_state=0).split(np.arange(n))):
        fold_of[test] = k
    x = rng.randn(n) + fold_of * 10.0
    z = rng.randn(n)
    y = 2.0 * np.nan_to_num(x, nan=0.0) + z + rng.randn(n) * 0.3
    x[rng.rand(n) < 0.3] = np.nan
    cat = np.where(fold_of == 0, "only0", rng.choice(["a", "b"], n)).astype(object)
    y = y + (cat == "only0") * 3.0
    df = pd.DataFrame({"x": x, "z": z, "c": cat, "y": np.round(y, 5)})
    df.to_csv(os.path.join(DATA, "cv_leak.csv"), index=False)
    return df


def main():
    out = {"sklearn": sklearn.__version__, "kfold": [], "protocols": []}
    for name, file, args, X, y in tables():
        for seed in (0, 1):
            for m in models():
                folds = cv_scores(X, y, m, KFold(5, shuffle=True, random_state=seed))
                out["kfold"].append({"table": name, "file": file, "args": args, "seed": seed,
                                     "model": type(m).__name__ + "()", "folds": folds, "mean": float(np.mean(folds))})
    shop_X, shop_y = tables()[0][3], tables()[0][4]
    dia = tables()[1]
    groups = shop_X["region"]
    out["protocols"].append({"table": "shop", "file": "table_shop.csv", "args": ["--target", "sales", "--cv", "5", "--groups", "region"],
                             "folds": cv_scores(shop_X.drop(columns=["region"]), shop_y, Ridge(), GroupKFold(5), groups=groups)})
    out["protocols"].append({"table": "diabetes", "file": "diabetes_train.csv", "args": dia[2] + ["--cv", "5", "--cv-repeats", "2", "--seed", "0"],
                             "folds": cv_scores(dia[3], dia[4], Ridge(), RepeatedKFold(n_splits=5, n_repeats=2, random_state=0))})
    out["protocols"].append({"table": "diabetes", "file": "diabetes_train.csv", "args": dia[2] + ["--cv", "5", "--cv-time"],
                             "folds": cv_scores(dia[3], dia[4], Ridge(), TimeSeriesSplit(5))})
    df = leak_table()
    X, y = df.drop(columns=["y"]), df["y"]
    cv = KFold(5, shuffle=True, random_state=0)
    infold = cv_scores(X, y, Ridge(), cv)
    Xall = preprocessor(X).fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        allrows = [-float(s) for s in cross_validate(Ridge(), Xall, y, cv=cv, scoring="neg_root_mean_squared_error")["test_score"]]
    out["leak"] = {"file": "cv_leak.csv", "args": ["--target", "y", "--cv", "5", "--seed", "0"], "in_fold": infold, "all_rows": allrows}
    with open(os.path.join(ROOT, "tests", "fixtures", "reference_cv.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
