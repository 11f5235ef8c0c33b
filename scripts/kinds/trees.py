# Issue 15's tree kinds on our own regression tree (src/models/tree.rs), on the tables with
# categories and holes (one-hot columns: the features found constant below a node) and the
# bootstrap choice both forests take. All randomised (bootstrap rows, feature order, random
# thresholds, ties between equally good splits): against scikit-learn's RMSE over
# random_state 0..4, widened by 5 %.
CASES = [
    {"dataset": "shop", "repr": "DecisionTreeRegressor()", "seeds": True},
    {"dataset": "clinic", "repr": "DecisionTreeRegressor(max_depth=4)", "seeds": True},
    {"dataset": "shop", "repr": "ExtraTreeRegressor()", "seeds": True},
    {"dataset": "penguins", "repr": "ExtraTreeRegressor(min_samples_leaf=3)", "seeds": True},
    {"dataset": "shop", "repr": "RandomForestRegressor()", "seeds": True},
    {"dataset": "clinic", "repr": "RandomForestRegressor(bootstrap=False, max_features='sqrt')", "seeds": True},
    {"dataset": "shop", "repr": "ExtraTreesRegressor()", "seeds": True},
    {"dataset": "penguins", "repr": "ExtraTreesRegressor(bootstrap=True, n_estimators=50)", "seeds": True},
    {"dataset": "shop", "repr": "BaggingRegressor()", "seeds": True},
    {"dataset": "clinic", "repr": "BaggingRegressor(bootstrap_features=True)", "seeds": True},
]
