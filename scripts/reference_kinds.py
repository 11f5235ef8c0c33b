#!/usr/bin/env python3
"""scikit-learn reference numbers for a family of model kinds (issues 14, 15).

Usage: /opt/skl/bin/python scripts/reference_kinds.py FAMILY
  reads scripts/kinds/FAMILY.py and writes tests/fixtures/kinds/FAMILY.json

FAMILY.py defines CASES, a list of dicts:
  {"dataset": "diabetes" | "friedman" | "friedman20k" | "penguins" | "shop" | "clinic" | "wide",
   "repr": "BayesianRidge(alpha_1=1e-05)",   # scikit-learn syntax, evaluated here
   "rtol": 0.001,                            # optional, default 0.001 (0.1 %)
   "seeds": True,                            # optional: also fit random_state=0..4
   "attrs": ["alpha_"],                      # optional: fitted attributes to record
   "sklearn": "TransformedTargetRegressor(func=np.log1p, inverse_func=np.expm1)"}
                                             # optional: the Python for scikit-learn where
                                             # fitpool's repr differs (functions by name)
The article-layout datasets (no header, id in column 0, target last) are read from
tests/fixtures/data/{dataset}_{train,test}.csv; the tables (table_{name}.csv) go through
scripts/reference_tables.py's preprocessing (lazypredict's recipe) with StandardScaler on the
numeric columns, as `fitpool run --scale`, after train_test_split(test_size=0.25,
random_state=0). tests/kinds_fidelity.rs checks every file in tests/fixtures/kinds/.
"""
import importlib.util
import json
import os
import platform
import sys
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import clone
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.utils import all_estimators

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
DATA = os.path.join(ROOT, "tests", "fixtures", "data")
TABLES = {"penguins": "body_mass_g", "shop": "sales", "clinic": "risk", "wide": "price"}


def namespace():
    """Every scikit-learn estimator class, and the Gaussian-process kernels, by name."""
    ns = {name: cls for name, cls in all_estimators()}
    import sklearn.gaussian_process.kernels as kernels

    ns.update({k: getattr(kernels, k) for k in dir(kernels) if k[0].isupper()})
    ns["np"] = np
    return ns


def load_article(name):
    a = np.loadtxt(os.path.join(DATA, name), delimiter=",", ndmin=2)
    return a[:, 1:-1], a[:, -1]


def load_table(name):
    sys.path.insert(0, HERE)
    import reference_tables as rt

    df = pd.read_csv(os.path.join(DATA, "table_%s.csv" % name))
    target = TABLES[name]
    X, y = df.drop(columns=[target]), df[target]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=rt.TEST_SIZE, random_state=rt.SEED)
    numeric = list(X.select_dtypes(include=[np.number]).columns)
    categorical = [c for c in X.columns if c not in numeric]
    low = [c for c in categorical if X_train[c].nunique() <= rt.MAX_ONEHOT]
    high = [c for c in categorical if X_train[c].nunique() > rt.MAX_ONEHOT]
    prep = rt.preprocessor(numeric, low, high, True)
    return X_train, X_test, y_train, y_test, prep


def data(dataset):
    if dataset in TABLES:
        return load_table(dataset)
    x_train, y_train = load_article("%s_train.csv" % dataset)
    x_test, y_test = load_article("%s_test.csv" % dataset)
    return x_train, x_test, y_train, y_test, None


def fit_score(model, d, attrs):
    x_train, x_test, y_train, y_test, prep = d
    est = model if prep is None else Pipeline([("prep", clone(prep)), ("model", model)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(x_train, y_train)
        pred = est.predict(x_test)
    fitted = model if prep is None else est.named_steps["model"]
    out = {"rmse": float(np.sqrt(mean_squared_error(y_test, pred))), "first": [float(v) for v in pred[:5]]}
    for a in attrs:
        v = getattr(fitted, a)
        out[a] = v.tolist() if hasattr(v, "tolist") else v
    return out


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    family = argv[1]
    spec = importlib.util.spec_from_file_location(family, os.path.join(HERE, "kinds", family + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    ns = namespace()
    cache = {}
    cases = []
    for c in mod.CASES:
        d = cache.setdefault(c["dataset"], None) or data(c["dataset"])
        cache[c["dataset"]] = d
        model = eval(c.get("sklearn", c["repr"]), ns)
        entry = dict(c)
        entry.update(fit_score(model, d, c.get("attrs", [])))
        if c.get("seeds"):
            entry["rmse_seeds"] = [
                fit_score(clone(model).set_params(random_state=s), d, [])["rmse"] for s in range(5)
            ]
        cases.append(entry)
        print("%-12s %-60s %.6g" % (c["dataset"], c["repr"], entry["rmse"]), file=sys.stderr)
    doc = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "family": family,
        "cases": cases,
    }
    with open(os.path.join(ROOT, "tests", "fixtures", "kinds", family + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
