#!/usr/bin/env python3
"""scikit-learn reference RMSE on mixed tables (issue 11, "How it is checked").

Usage: /opt/skl/bin/python scripts/reference_tables.py
  writes tests/fixtures/data/table_*.csv and tests/fixtures/reference_tables.json

Builds three mixed tables and saves them as CSV: palmerpenguins (`pip install
palmerpenguins`; target body_mass_g, the two rows without it dropped) and two generated ones
with categories, missing numbers, missing categories, a level seen only in test rows and a
high-cardinality (> 11 levels) column. None has a column fitpool drops (all-distinct text,
a 0..n-1 / 1..n integer column, a constant).

Each CSV is read back with pandas.read_csv (so the column types are pandas'), split with
train_test_split(X, y, test_size=0.25, random_state=0), and scikit-learn's own
  Pipeline([("prep", ColumnTransformer([("numeric", ...), ("categorical_low", ...),
                                        ("categorical_high", ...)])), ("model", M)])
(lazypredict's recipe, with and without StandardScaler on the numeric block) is fitted for
each default model; RandomForestRegressor over random_state 0..4 (rmse_seeds). The test
RMSE is recorded; tests/tables_fidelity.rs runs fitpool's binary on the same files.
"""

import json
import os
import platform
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.svm import SVR, NuSVR

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "tests", "fixtures", "data")
MAX_ONEHOT = 11
TEST_SIZE = 0.25
SEED = 0
SEEDS = 5


def split_rows(n):
    return train_test_split(np.arange(n), test_size=TEST_SIZE, random_state=SEED)


def with_missing(rng, values, frac):
    values = np.array(values, dtype=object)
    values[rng.rand(len(values)) < frac] = None
    return values


def num_with_missing(rng, values, frac):
    values = np.array(values, dtype=float)
    values[rng.rand(len(values)) < frac] = np.nan
    return values


def table_penguins():
    from palmerpenguins import load_penguins

    df = load_penguins()
    df = df[df["body_mass_g"].notna()].reset_index(drop=True)
    return df, "body_mass_g"


def table_shop():
    """1200 rows: 4 numeric (two with holes, one integer), 3 text columns: a 4-level one
    with holes, a 7-level one with a level only in test rows, a 40-level one with holes and
    an unseen test level (ordinal)."""
    rng = np.random.RandomState(11)
    n = 1200
    price = num_with_missing(rng, rng.gamma(3.0, 20.0, n), 0.08)
    qty = rng.randint(1, 30, n)
    weight = num_with_missing(rng, rng.randn(n) * 2.5 + 10, 0.15)
    rating = np.round(rng.uniform(1, 5, n), 1)
    color = rng.choice(["red", "green", "blue", "black"], n)
    region = rng.choice(["north", "south", "east", "west", "centre", "islands", "abroad"], n)
    city = rng.choice(["city%02d" % i for i in range(40)], n)
    effect_color = {"red": 3.0, "green": -2.0, "blue": 0.5, "black": 6.0}
    effect_region = {r: i * 1.5 for i, r in enumerate(sorted(set(region)))}
    y = (
        0.4 * np.nan_to_num(price, nan=60.0)
        + 1.2 * qty
        - 2.0 * np.nan_to_num(weight, nan=10.0)
        + 4.0 * rating
        + np.array([effect_color[c] for c in color])
        + np.array([effect_region[r] for r in region])
        + np.array([int(c[4:]) * 0.3 for c in city])
        + rng.randn(n) * 5.0
    )
    df = pd.DataFrame(
        {
            "price": price,
            "qty": qty,
            "weight": weight,
            "rating": rating,
            "color": with_missing(rng, color, 0.06),
            "region": region.astype(object),
            "city": with_missing(rng, city, 0.04),
            "sales": np.round(y, 3),
        }
    )
    _, test = split_rows(n)
    df.loc[test[:5], "region"] = "moon"  # one-hot: unseen in training, all zeros
    df.loc[test[5:9], "city"] = "atlantis"  # ordinal: unseen, -1
    df.loc[test[9:12], "color"] = None  # a hole only in test rows
    return df, "sales"


def table_clinic():
    """800 rows: 5 numeric with holes (one integer with holes, read as float), a 3-level
    text column, an 11-level one with holes (12 one-hot columns with "missing"), a
    13-level one (ordinal) and a yes/no column."""
    rng = np.random.RandomState(12)
    n = 800
    age = rng.randint(18, 90, n).astype(float)
    age[rng.rand(n) < 0.05] = np.nan
    bmi = num_with_missing(rng, rng.randn(n) * 4 + 26, 0.1)
    bp = num_with_missing(rng, rng.randn(n) * 12 + 120, 0.03)
    chol = num_with_missing(rng, rng.lognormal(5.3, 0.2, n), 0.2)
    visits = rng.poisson(3, n)
    smoker = rng.choice(["yes", "no"], n, p=[0.3, 0.7])
    blood = rng.choice(["A", "B", "O"], n)
    ward = rng.choice(["w%d" % i for i in range(11)], n)
    doctor = rng.choice(["Dr %s" % c for c in "ABCDEFGHIJKLM"], n)
    y = (
        0.03 * np.nan_to_num(age, nan=50)
        + 0.1 * np.nan_to_num(bmi, nan=26)
        + 0.02 * np.nan_to_num(bp, nan=120)
        + 0.004 * np.nan_to_num(chol, nan=200)
        + 0.2 * visits
        + (smoker == "yes") * 1.5
        + np.array([{"A": 0.2, "B": -0.4, "O": 0.0}[b] for b in blood])
        + np.array([int(w[1:]) * 0.1 for w in ward])
        + np.array([(ord(d[-1]) - 65) * 0.05 for d in doctor])
        + rng.randn(n) * 0.7
    )
    df = pd.DataFrame(
        {
            "age": age,
            "bmi": bmi,
            "smoker": smoker.astype(object),
            "bp": bp,
            "blood": blood.astype(object),
            "chol": chol,
            "ward": with_missing(rng, ward, 0.07),
            "visits": visits,
            "doctor": doctor.astype(object),
            "risk": np.round(y, 4),
        }
    )
    return df, "risk"


def preprocessor(numeric, low, high, scale):
    num_steps = [("imputer", SimpleImputer(strategy="mean"))]
    if scale:
        num_steps.append(("scaler", StandardScaler()))
    cat_imputer = ("imputer", SimpleImputer(strategy="constant", fill_value="missing"))
    return ColumnTransformer(
        transformers=[
            ("numeric", Pipeline(num_steps), numeric),
            (
                "categorical_low",
                Pipeline(
                    [cat_imputer, ("encoding", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]
                ),
                low,
            ),
            (
                "categorical_high",
                Pipeline(
                    [
                        cat_imputer,
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


def models():
    return [
        Ridge(),
        Lasso(),
        ElasticNet(),
        LinearRegression(),
        SVR(),
        NuSVR(),
        KNeighborsRegressor(),
        RandomForestRegressor(random_state=0),
    ]


def rmse(y, p):
    return float(np.sqrt(mean_squared_error(y, p)))


def evaluate(name, path, target):
    df = pd.read_csv(path)
    X, y = df.drop(columns=[target]), df[target]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=TEST_SIZE, random_state=SEED)
    numeric = list(X.select_dtypes(include=[np.number]).columns)
    categorical = [c for c in X.columns if c not in numeric]
    low = [c for c in categorical if X_train[c].nunique() <= MAX_ONEHOT]
    high = [c for c in categorical if X_train[c].nunique() > MAX_ONEHOT]
    out = []
    for scale in (False, True):
        results = []
        for m in models():
            entry = {"repr": type(m).__name__ + "()"}
            seeds = range(SEEDS) if isinstance(m, RandomForestRegressor) else [None]
            scores = []
            for s in seeds:
                mm = sklearn.base.clone(m)
                if s is not None:
                    mm.set_params(random_state=s)
                pipe = Pipeline([("prep", preprocessor(numeric, low, high, scale)), ("model", mm)])
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pipe.fit(X_train, y_train)
                scores.append(rmse(y_test, pipe.predict(X_test)))
            entry["rmse"] = scores[0]
            if len(scores) > 1:
                entry["rmse_seeds"] = scores
            results.append(entry)
        out.append(
            {
                "name": name,
                "file": os.path.basename(path),
                "target": target,
                "scale": scale,
                "rows": len(df),
                "numeric": numeric,
                "onehot": low,
                "ordinal": high,
                "models": results,
            }
        )
    return out


def main():
    tables = []
    for name, build in (("penguins", table_penguins), ("shop", table_shop), ("clinic", table_clinic)):
        df, target = build()
        path = os.path.join(DATA, "table_%s.csv" % name)
        df.to_csv(path, index=False)
        tables.extend(evaluate(name, path, target))
    doc = {
        "sklearn": sklearn.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "test_size": TEST_SIZE,
        "seed": SEED,
        "tables": tables,
    }
    with open(os.path.join(ROOT, "tests", "fixtures", "reference_tables.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
