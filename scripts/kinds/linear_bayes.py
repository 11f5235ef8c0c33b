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
CASES += [
    {"dataset": "diabetes", "repr": "KernelRidge()"},
    {"dataset": "friedman", "repr": "KernelRidge()"},
    {"dataset": "shop", "repr": "KernelRidge()"},
    {"dataset": "diabetes", "repr": "KernelRidge(alpha=0.01, kernel='rbf', gamma=0.5)"},
    {"dataset": "friedman", "repr": "KernelRidge(alpha=0.1, kernel='rbf')"},
    {"dataset": "shop", "repr": "KernelRidge(alpha=0.5, kernel='rbf', gamma=0.05)"},
    {"dataset": "clinic", "repr": "KernelRidge(kernel='poly', degree=2)"},
    {"dataset": "diabetes", "repr": "KernelRidge(alpha=0.1, kernel='poly', gamma=1.0, coef0=0.5)"},
    {"dataset": "diabetes", "repr": "KernelRidge(alpha=0.3, kernel='laplacian')"},
    {"dataset": "clinic", "repr": "KernelRidge(alpha=2.0, kernel='laplacian', gamma=0.1)"},
    {"dataset": "friedman", "repr": "KernelRidge(alpha=0.1, kernel='chi2', gamma=0.5)"},
    {"dataset": "diabetes", "repr": "KernelRidge(alpha=0.1, kernel='sigmoid', gamma=0.5, coef0=0.0)"},
    {"dataset": "shop", "repr": "KernelRidge(alpha=10.0, kernel='sigmoid', gamma=0.01)"},
]
CASES += [
    {"dataset": "diabetes", "repr": "BayesianRidge()", "attrs": ["alpha_", "lambda_", "n_iter_"]},
    {"dataset": "friedman", "repr": "BayesianRidge()", "attrs": ["alpha_", "lambda_", "n_iter_"]},
    {"dataset": "shop", "repr": "BayesianRidge()"},
    {"dataset": "clinic", "repr": "BayesianRidge(fit_intercept=False)"},
    {"dataset": "diabetes", "repr": "BayesianRidge(alpha_init=1.0, lambda_init=0.001, tol=1e-06)", "attrs": ["alpha_", "lambda_", "n_iter_"]},
    {"dataset": "diabetes", "repr": "BayesianRidge(max_iter=2, alpha_1=0.1, lambda_2=10.0)", "attrs": ["alpha_", "lambda_", "n_iter_"]},
    {"dataset": "friedman", "repr": "BayesianRidge(lambda_1=1.0, lambda_2=0.01, fit_intercept=False)"},
]
CASES += [
    {"dataset": "diabetes", "repr": "ARDRegression()", "attrs": ["alpha_", "n_iter_"]},
    {"dataset": "friedman", "repr": "ARDRegression()", "attrs": ["alpha_", "n_iter_"]},
    {"dataset": "shop", "repr": "ARDRegression()"},
    {"dataset": "clinic", "repr": "ARDRegression(threshold_lambda=100.0)"},
    {"dataset": "diabetes", "repr": "ARDRegression(threshold_lambda=1000.0, tol=1e-05)", "attrs": ["alpha_", "n_iter_"]},
    {"dataset": "friedman", "repr": "ARDRegression(max_iter=5, alpha_1=0.5, lambda_1=0.01)", "attrs": ["alpha_", "n_iter_"]},
]
CASES += [
    {"dataset": "diabetes", "repr": "PLSRegression()"},
    {"dataset": "friedman", "repr": "PLSRegression()"},
    {"dataset": "shop", "repr": "PLSRegression()"},
    {"dataset": "clinic", "repr": "PLSRegression(n_components=4, scale=False)"},
    {"dataset": "diabetes", "repr": "PLSRegression(n_components=5)"},
    {"dataset": "diabetes", "repr": "PLSRegression(n_components=10, scale=False)"},
    {"dataset": "friedman", "repr": "PLSRegression(n_components=1, scale=False)"},
    {"dataset": "friedman", "repr": "PLSRegression(n_components=8, max_iter=10, tol=0.01)"},
]
