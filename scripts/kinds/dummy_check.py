# Smoke family for the harness itself: kinds that exist already.
CASES = [
    {"dataset": "diabetes", "repr": "Ridge(alpha=0.5)"},
    {"dataset": "shop", "repr": "Lasso(alpha=0.1)"},
    {"dataset": "friedman", "repr": "DecisionTreeRegressor(max_depth=4)", "seeds": True},
]
