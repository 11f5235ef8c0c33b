#!/usr/bin/env python3
"""Python side of scripts/bench/lazy.sh (issue 15): lazypredict's LazyRegressor on one table.

  lazy.py TABLE.csv TARGET     prints one JSON line {"side": "lazypredict", "table", "seconds",
                               "models": {name: rmse}}

The split is scikit-learn's train_test_split(test_size=0.25, random_state=0), the one
`fitpool run --test-size 0.25 --seed 0` makes; LazyRegressor scales the numbers and encodes the
categories itself (as `fitpool run --scale`). The time is the whole process's (imports, reading
and every model), as a user waits for it; lazypredict runs its models one after another.
"""
import json
import os
import sys
import time

T0 = time.perf_counter()
os.environ.setdefault("OMP_NUM_THREADS", "1")
import warnings  # noqa: E402

warnings.filterwarnings("ignore")
import pandas as pd  # noqa: E402
from lazypredict.Supervised import LazyRegressor  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402


def main():
    table, target = sys.argv[1], sys.argv[2]
    df = pd.read_csv(table)
    y = df.pop(target)
    x_train, x_test, y_train, y_test = train_test_split(df, y, test_size=0.25, random_state=0)
    reg = LazyRegressor(verbose=0, ignore_warnings=True, predictions=False)
    models, _ = reg.fit(x_train, x_test, y_train, y_test)
    secs = time.perf_counter() - T0
    rmse = {name: float(r["RMSE"]) for name, r in models.iterrows()}
    print(json.dumps({"side": "lazypredict", "table": os.path.basename(table), "seconds": secs,
                      "models": rmse}))


if __name__ == "__main__":
    main()
