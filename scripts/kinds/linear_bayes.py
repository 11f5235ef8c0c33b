# Issue 14, linear_bayes: DummyRegressor, BayesianRidge, ARDRegression, RidgeCV, KernelRidge,
# PLSRegression. Defaults on diabetes, friedman and a mixed table, plus one non-default setting.
CASES = [
    {"dataset": "diabetes", "repr": "DummyRegressor()"},
    {"dataset": "friedman", "repr": "DummyRegressor()"},
    {"dataset": "shop", "repr": "DummyRegressor()"},
    {"dataset": "diabetes", "repr": "DummyRegressor(strategy='quantile', quantile=0.3)"},
    {"dataset": "friedman", "repr": "DummyRegressor(strategy='median')"},
]
CASES += [
    {"dataset": "diabetes", "repr": "RidgeCV()", "attrs": ["alpha_"]},
    {"dataset": "friedman", "repr": "RidgeCV()", "attrs": ["alpha_"]},
    {"dataset": "shop", "repr": "RidgeCV()", "attrs": ["alpha_"]},
    {"dataset": "clinic", "repr": "RidgeCV(alphas=(0.01, 0.1, 1.0, 10.0, 100.0))", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "RidgeCV(alphas=(0.001, 0.01, 0.03, 0.1, 0.3, 1.0))", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "RidgeCV(alphas=(0.001, 0.01, 0.03, 0.1, 0.3, 1.0), gcv_mode='svd')", "attrs": ["alpha_"]},
    {"dataset": "friedman", "repr": "RidgeCV(alphas=(1.0, 100.0, 1000.0, 3000.0), fit_intercept=False)", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "RidgeCV(alphas=(0.001, 0.01, 0.03, 0.1, 0.3, 1.0), cv=5)", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "RidgeCV(alphas=(0.001, 0.01, 0.03, 0.1, 0.3, 1.0), cv=4, scoring='neg_mean_squared_error')", "attrs": ["alpha_"]},
    {"dataset": "shop", "repr": "RidgeCV(alphas=(0.1, 1.0, 10.0, 100.0), cv=3)", "attrs": ["alpha_"]},
]
