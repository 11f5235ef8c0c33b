#!/usr/bin/env python3
"""The pandas + scikit-learn side of the prep benchmark (issue 11): what `fitpool inspect`
does, the scikit-learn way.

Usage: /opt/skl/bin/python prep.py FILE.csv TARGET [--scale]

pandas.read_csv, train_test_split(test_size=0.25, random_state=0), lazypredict's
ColumnTransformer fit_transform on the training rows and transform on the test rows.
Prints the shapes and the seconds of each step on stderr.
"""

import sys
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler


def main():
    path, target = sys.argv[1], sys.argv[2]
    scale = "--scale" in sys.argv[3:]
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    t1 = time.perf_counter()
    X, y = df.drop(columns=[target]), df[target]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    t2 = time.perf_counter()
    numeric = list(X.select_dtypes(include=[np.number]).columns)
    categorical = [c for c in X.columns if c not in numeric]
    low = [c for c in categorical if X_train[c].nunique() <= 11]
    high = [c for c in categorical if X_train[c].nunique() > 11]
    num_steps = [("imputer", SimpleImputer(strategy="mean"))]
    if scale:
        num_steps.append(("scaler", StandardScaler()))
    imp = ("imputer", SimpleImputer(strategy="constant", fill_value="missing"))
    ct = ColumnTransformer(
        [
            ("numeric", Pipeline(num_steps), numeric),
            ("categorical_low", Pipeline([imp, ("encoding", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), low),
            (
                "categorical_high",
                Pipeline([imp, ("encoding", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1))]),
                high,
            ),
        ]
    )
    a = ct.fit_transform(X_train)
    b = ct.transform(X_test)
    t3 = time.perf_counter()
    print(
        "pandas+sklearn: train %s test %s; read %.2fs split %.2fs encode %.2fs"
        % (a.shape, b.shape, t1 - t0, t2 - t1, t3 - t2),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
