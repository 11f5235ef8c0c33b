# Issue 15's randomised linear kinds: SGDRegressor, RANSACRegressor,
# PassiveAggressiveRegressor, TheilSenRegressor, against scikit-learn's RMSE over
# random_state 0..4 (widened by 5 %). SGD and PA on the scaled data only (diabetes is
# scikit-learn's scaled copy; the mixed tables go through --scale): unscaled, SGD diverges
# in scikit-learn too.
CASES = [
    {"dataset": "diabetes", "repr": "SGDRegressor()", "seeds": True},
    {"dataset": "penguins", "repr": "SGDRegressor()", "seeds": True},
    {"dataset": "clinic", "repr": "SGDRegressor()", "seeds": True},
    {"dataset": "diabetes", "repr": "SGDRegressor(eta0=0.1, learning_rate='adaptive', average=True)", "seeds": True},
    {"dataset": "penguins", "repr": "SGDRegressor(loss='huber', penalty='elasticnet', alpha=0.001, epsilon=1.0)", "seeds": True},
    {"dataset": "clinic", "repr": "SGDRegressor(early_stopping=True, penalty='l1', n_iter_no_change=3)", "seeds": True},
    {"dataset": "clinic", "repr": "SGDRegressor(learning_rate='optimal', loss='epsilon_insensitive', average=10)", "seeds": True},
    # our shuffling is scikit-learn's draw for draw: a fixed seed matches within 0.1 %
    {"dataset": "diabetes", "repr": "SGDRegressor(random_state=0)"},
    {"dataset": "clinic", "repr": "SGDRegressor(early_stopping=True, penalty='l1', n_iter_no_change=3, random_state=3)"},
    {"dataset": "clinic", "repr": "SGDRegressor(learning_rate='optimal', loss='epsilon_insensitive', average=10, random_state=1)"},
    {"dataset": "diabetes", "repr": "PassiveAggressiveRegressor()", "seeds": True},
    {"dataset": "penguins", "repr": "PassiveAggressiveRegressor()", "seeds": True},
    {"dataset": "clinic", "repr": "PassiveAggressiveRegressor()", "seeds": True},
    {"dataset": "clinic", "repr": "PassiveAggressiveRegressor(C=0.1, loss='squared_epsilon_insensitive', average=True)", "seeds": True},
    {"dataset": "diabetes", "repr": "PassiveAggressiveRegressor(C=0.5, early_stopping=True, random_state=2)"},
    {"dataset": "diabetes", "repr": "RANSACRegressor()", "seeds": True},
    {"dataset": "friedman", "repr": "RANSACRegressor()", "seeds": True},
    {"dataset": "penguins", "repr": "RANSACRegressor()", "seeds": True},
    {"dataset": "diabetes", "repr": "RANSACRegressor(loss='squared_error', residual_threshold=2500.0, min_samples=0.2)", "seeds": True},
    {"dataset": "friedman", "repr": "RANSACRegressor(estimator=Ridge(alpha=2), min_samples=50, max_trials=30)", "seeds": True},
    {"dataset": "diabetes", "repr": "RANSACRegressor(random_state=3)"},
    {"dataset": "friedman", "repr": "RANSACRegressor(random_state=1)"},
    {"dataset": "diabetes", "repr": "TheilSenRegressor()", "seeds": True},
    {"dataset": "penguins", "repr": "TheilSenRegressor()", "seeds": True},
    {"dataset": "shop", "repr": "TheilSenRegressor()", "seeds": True},
    {"dataset": "diabetes", "repr": "TheilSenRegressor(max_subpopulation=2000, n_subsamples=30)", "seeds": True},
    {"dataset": "diabetes", "repr": "TheilSenRegressor(random_state=2)"},
]
