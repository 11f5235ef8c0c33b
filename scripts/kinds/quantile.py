# QuantileRegressor (issue 14): scikit-learn's linear programme solved by HiGHS; ours by
# microlp's simplex. Both end on a vertex of the same optimal face, so the RMSE agrees within
# the default 0.1 % except where the optimum is not unique (there the vertex may differ).
# Where q * n is a whole number the optimum is a face, not a point, and the two simplexes may
# stop on different vertices of it with equal objectives (checked: 86825.0 on penguins'
# training rows for both, 138.548754 on clinic's): penguins' default is the constant median
# of 256 targets, any value in [4050, 4075] (HiGHS 4075, ours 4050), and clinic at q=0.3 has
# 600 rows. HiGHS's pick depends on the row order, not on a rule we could follow; those two
# cases are bounded by 1 %.
# The default alpha=1.0 penalises every coefficient to zero on these data (scikit-learn's
# penalty is n * alpha per unit of |w|): a constant model, the median of the targets, which
# is what users get.
CASES = [
    {"dataset": "diabetes", "repr": "QuantileRegressor()"},
    {"dataset": "diabetes", "repr": "QuantileRegressor(quantile=0.8, alpha=0.0)"},
    {"dataset": "diabetes", "repr": "QuantileRegressor(alpha=0.001, solver='highs-ds')"},
    {"dataset": "friedman", "repr": "QuantileRegressor()"},
    {"dataset": "friedman", "repr": "QuantileRegressor(quantile=0.8, alpha=0.01)"},
    {"dataset": "friedman", "repr": "QuantileRegressor(alpha=0.0, fit_intercept=False)"},
    {"dataset": "penguins", "repr": "QuantileRegressor()", "rtol": 0.01},
    {"dataset": "penguins", "repr": "QuantileRegressor(quantile=0.8, alpha=0.0)"},
    {"dataset": "shop", "repr": "QuantileRegressor()"},
    {"dataset": "shop", "repr": "QuantileRegressor(quantile=0.8, alpha=0.01)"},
    {"dataset": "clinic", "repr": "QuantileRegressor()"},
    {"dataset": "clinic", "repr": "QuantileRegressor(quantile=0.3, alpha=0.0)", "rtol": 0.01},
]
