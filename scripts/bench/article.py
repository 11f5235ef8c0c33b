#!/usr/bin/env python3
"""The article's program ("Use all your cores, now!"), as written: multiprocessing.Pool(n).map
over four scikit-learn regressors, each task re-reading both CSVs with pandas.

Changes from the article, and only these: the two paths and the pool size come from the
command line (the article hard-codes '/independent_train.txt' and leaves n open), and each
task prints the model's full repr after the RMSE instead of its first four letters, so the
benchmark can match RMSEs to models.

  article.py TRAIN_CSV TEST_CSV [N_PROCESSES]
"""
import sys
from multiprocessing import Pool

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import ElasticNet, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.svm import NuSVR

TRAIN = sys.argv[1]
TEST = sys.argv[2]


def find_rmse(reg):

    df_train = pd.read_csv(TRAIN, header=None)
    df_test = pd.read_csv(TEST, header=None)

    X_train = df_train.drop([df_train.columns[0], df_train.columns[-1]], axis=1)
    y_train = df_train[df_train.columns[-1]]

    X_test = df_test.drop([df_test.columns[0], df_test.columns[-1]], axis=1)
    y_test = df_test[df_test.columns[-1]]

    reg.fit(X_train, y_train)

    y_out = reg.predict(X_test)

    error = np.sqrt(mean_squared_error(y_test, y_out))

    print(str(error) + " " + repr(reg), flush=True)


if __name__ == "__main__":
    n = int(sys.argv[3]) if len(sys.argv) > 3 else None  # None: one process per core
    regressors_list = [RandomForestRegressor(), NuSVR(), Ridge(), ElasticNet()]
    pool = Pool(n)
    pool.map(find_rmse, regressors_list)
    pool.close()
    pool.join()
