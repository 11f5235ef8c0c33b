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
