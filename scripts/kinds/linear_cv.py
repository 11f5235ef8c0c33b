# The cross-validated elastic net (issue 14): LassoCV and ElasticNetCV, KFold(5) without
# shuffling; the selected alpha_ is recorded and checked (tests/linear_cv_alpha.rs).
CASES = [
    {"dataset": "diabetes", "repr": "LassoCV()", "attrs": ["alpha_"]},
    {"dataset": "friedman", "repr": "LassoCV()", "attrs": ["alpha_"]},
    {"dataset": "shop", "repr": "LassoCV()", "attrs": ["alpha_"]},
    {"dataset": "penguins", "repr": "LassoCV()", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "LassoCV(eps=0.0001, alphas=30)", "attrs": ["alpha_"]},
    {"dataset": "friedman", "repr": "LassoCV(cv=3, tol=0.001)", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "LassoCV(precompute=False)", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "ElasticNetCV()", "attrs": ["alpha_"]},
    {"dataset": "friedman", "repr": "ElasticNetCV()", "attrs": ["alpha_"]},
    {"dataset": "shop", "repr": "ElasticNetCV()", "attrs": ["alpha_"]},
    {"dataset": "clinic", "repr": "ElasticNetCV()", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "ElasticNetCV(l1_ratio=0.9, alphas=50)", "attrs": ["alpha_"]},
    {"dataset": "friedman", "repr": "ElasticNetCV(l1_ratio=0.1, cv=4)", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "ElasticNetCV(fit_intercept=False, max_iter=50)", "attrs": ["alpha_"]},
]
