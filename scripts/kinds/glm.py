# Issue 14, glm: PoissonRegressor, GammaRegressor, TweedieRegressor (L-BFGS on the mean half
# deviance plus alpha/2 ||w||^2). Defaults and non-default settings on diabetes, friedman and
# the mixed tables with positive targets (penguins, clinic; shop has negative sales, so only the
# Tweedie normal case runs there). n_iter_ recorded to show where scikit-learn stopped.
N = ["n_iter_"]
CASES = [
    {"dataset": "diabetes", "repr": "PoissonRegressor()", "attrs": N},
    {"dataset": "diabetes", "repr": "PoissonRegressor(alpha=0.1)", "attrs": N},
    {"dataset": "diabetes", "repr": "PoissonRegressor(alpha=0.001, max_iter=300)", "attrs": N},
    {"dataset": "diabetes", "repr": "GammaRegressor()", "attrs": N},
    {"dataset": "diabetes", "repr": "GammaRegressor(alpha=0.01, tol=1e-06)", "attrs": N},
    {"dataset": "diabetes", "repr": "TweedieRegressor()", "attrs": N},
    {"dataset": "diabetes", "repr": "TweedieRegressor(power=1.5, link='log')", "attrs": N},
    {"dataset": "diabetes", "repr": "TweedieRegressor(power=3, alpha=0.01)", "attrs": N},
    {"dataset": "diabetes", "repr": "TweedieRegressor(power=1, link='identity', alpha=0.1)", "attrs": N},
    {"dataset": "diabetes", "repr": "PoissonRegressor(fit_intercept=False, alpha=0.01)", "attrs": N},
    {"dataset": "friedman", "repr": "PoissonRegressor()", "attrs": N},
    {"dataset": "friedman", "repr": "PoissonRegressor(alpha=0.1)", "attrs": N},
    {"dataset": "friedman", "repr": "GammaRegressor()", "attrs": N},
    {"dataset": "friedman", "repr": "GammaRegressor(alpha=0.001)", "attrs": N},
    {"dataset": "friedman", "repr": "TweedieRegressor()", "attrs": N},
    {"dataset": "friedman", "repr": "TweedieRegressor(power=1.5, link='log')", "attrs": N},
    {"dataset": "friedman", "repr": "TweedieRegressor(power=0, alpha=0.01)", "attrs": N},
    {"dataset": "penguins", "repr": "PoissonRegressor()"},
    {"dataset": "penguins", "repr": "GammaRegressor(alpha=0.1)"},
    {"dataset": "penguins", "repr": "TweedieRegressor(power=1.5, link='log')"},
    {"dataset": "clinic", "repr": "PoissonRegressor(alpha=0.1)"},
    {"dataset": "clinic", "repr": "GammaRegressor()"},
    {"dataset": "clinic", "repr": "TweedieRegressor(power=2, link='identity', alpha=0.01)"},
    {"dataset": "shop", "repr": "TweedieRegressor()"},
    {"dataset": "shop", "repr": "TweedieRegressor(alpha=0.01)"},
    {"dataset": "diabetes", "repr": "HuberRegressor()", "attrs": N},
    {"dataset": "diabetes", "repr": "HuberRegressor(epsilon=1.5, alpha=0.01)", "attrs": N},
    {"dataset": "friedman", "repr": "HuberRegressor()", "attrs": N},
    {"dataset": "friedman", "repr": "HuberRegressor(epsilon=1.5, alpha=0.01)", "attrs": N},
    {"dataset": "shop", "repr": "HuberRegressor()"},
    {"dataset": "clinic", "repr": "HuberRegressor(epsilon=1.5, alpha=0.01)"},
]
