# Issue 14, linear_bayes: DummyRegressor, BayesianRidge, ARDRegression, RidgeCV, KernelRidge,
# PLSRegression. Defaults on diabetes, friedman and a mixed table, plus one non-default setting.
CASES = [
    {"dataset": "diabetes", "repr": "DummyRegressor()"},
    {"dataset": "friedman", "repr": "DummyRegressor()"},
    {"dataset": "shop", "repr": "DummyRegressor()"},
    {"dataset": "diabetes", "repr": "DummyRegressor(strategy='quantile', quantile=0.3)"},
    {"dataset": "friedman", "repr": "DummyRegressor(strategy='median')"},
]
