#!/usr/bin/env python3
"""The article's comparison written the idiomatic joblib way: the data is read once in the
parent, and joblib.Parallel(n_jobs=n) (the loky backend; large arrays are memory-mapped to the
workers rather than pickled) runs fit + predict for the same four regressors.

  joblib_version.py TRAIN_CSV TEST_CSV [N_JOBS]

Prints "RMSE repr(model)" per model, like article.py.
"""
import sys

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import ElasticNet, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.svm import NuSVR


def load(path):
    df = pd.read_csv(path, header=None)
    X = df.drop([df.columns[0], df.columns[-1]], axis=1).to_numpy()
    y = df[df.columns[-1]].to_numpy()
    return X, y


def find_rmse(reg, X_train, y_train, X_test, y_test):
    reg.fit(X_train, y_train)
    return np.sqrt(mean_squared_error(y_test, reg.predict(X_test))), repr(reg)


if __name__ == "__main__":
    n = int(sys.argv[3]) if len(sys.argv) > 3 else -1  # -1: one worker per core
    X_train, y_train = load(sys.argv[1])
    X_test, y_test = load(sys.argv[2])
    regressors_list = [RandomForestRegressor(), NuSVR(), Ridge(), ElasticNet()]
    results = Parallel(n_jobs=n)(
        delayed(find_rmse)(reg, X_train, y_train, X_test, y_test) for reg in regressors_list
    )
    for error, name in results:
        print(str(error) + " " + name, flush=True)
