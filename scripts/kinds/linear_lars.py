# LARS, OMP and the cross-validated linear kinds (issue 14).
CASES = [
    {"dataset": "diabetes", "repr": "Lars()"},
    {"dataset": "friedman", "repr": "Lars()"},
    {"dataset": "shop", "repr": "Lars()"},
    {"dataset": "diabetes", "repr": "Lars(n_nonzero_coefs=4)"},
    {"dataset": "diabetes", "repr": "LassoLars()"},
    {"dataset": "friedman", "repr": "LassoLars()"},
    {"dataset": "shop", "repr": "LassoLars()"},
    {"dataset": "diabetes", "repr": "LassoLars(alpha=0.01)"},
    {"dataset": "friedman", "repr": "LassoLars(alpha=0.001)"},
]
CASES += [
    {"dataset": "diabetes", "repr": "LassoLarsIC()", "attrs": ["alpha_"]},
    {"dataset": "friedman", "repr": "LassoLarsIC()", "attrs": ["alpha_"]},
    {"dataset": "shop", "repr": "LassoLarsIC()", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "LassoLarsIC(criterion='bic')", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "LarsCV()", "attrs": ["alpha_"]},
    {"dataset": "friedman", "repr": "LarsCV()", "attrs": ["alpha_"]},
    {"dataset": "shop", "repr": "LarsCV()", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "LarsCV(max_n_alphas=10)", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "LassoLarsCV()", "attrs": ["alpha_"]},
    {"dataset": "friedman", "repr": "LassoLarsCV()", "attrs": ["alpha_"]},
    {"dataset": "shop", "repr": "LassoLarsCV()", "attrs": ["alpha_"]},
    {"dataset": "diabetes", "repr": "LassoLarsCV(max_n_alphas=20)", "attrs": ["alpha_"]},
]
CASES += [
    {"dataset": "diabetes", "repr": "OrthogonalMatchingPursuit()"},
    {"dataset": "friedman", "repr": "OrthogonalMatchingPursuit()"},
    {"dataset": "shop", "repr": "OrthogonalMatchingPursuit()"},
    {"dataset": "diabetes", "repr": "OrthogonalMatchingPursuit(n_nonzero_coefs=5)"},
    {"dataset": "friedman", "repr": "OrthogonalMatchingPursuit(tol=20000.0)"},
    {"dataset": "diabetes", "repr": "OrthogonalMatchingPursuitCV()", "attrs": ["n_nonzero_coefs_"]},
    {"dataset": "friedman", "repr": "OrthogonalMatchingPursuitCV()", "attrs": ["n_nonzero_coefs_"]},
    {"dataset": "shop", "repr": "OrthogonalMatchingPursuitCV()", "attrs": ["n_nonzero_coefs_"]},
    {"dataset": "diabetes", "repr": "OrthogonalMatchingPursuitCV(max_iter=8)", "attrs": ["n_nonzero_coefs_"]},
]
