# Robust linear regression (issue 14): LinearSVR (liblinear), within 1 % (the bound:
# the primal squared loss is stopped by liblinear's trust-region Newton at a relative gradient
# of tol, ours at the optimum). random_state=None is unseeded in scikit-learn: its reference
# fits use random_state=0 so that the fixture is reproducible. The dual squared loss on shop
# is far from converged at max_iter=1000 and scikit-learn's RMSE depends on the seed (5.24 to
# 7.31): bounded by its spread over random_state 0..4.
# liblinear's dual coordinate descent visits the rows in a random order: fitpool draws it as
# scikit-learn's liblinear does (its seed from random_state, its std::mt19937, its bounded
# draws, one per swap), so where the descent stops far from converged, and the order decides
# the result, the cases at the end hold it to a millionth (issue 15: before, lazypredict's
# LinearSVR on a 3,000-row table was 1.60 against fitpool's 2.91).
def case(dataset, repr_, **kw):
    c = {"dataset": dataset, "repr": repr_, "rtol": 0.01}
    if "random_state" not in repr_:
        c["sklearn"] = repr_[:-1] + (", " if repr_[-2] != "(" else "") + "random_state=0)"
    c.update(kw)
    return c


CASES = [
    case("diabetes", "LinearSVR()"),
    case("friedman", "LinearSVR()"),
    case("shop", "LinearSVR()"),
    case("penguins", "LinearSVR(C=10.0, epsilon=0.5)"),
    case("friedman", "LinearSVR(C=0.1, intercept_scaling=10.0)"),
    case("diabetes", "LinearSVR(C=100.0, loss='squared_epsilon_insensitive')"),
    case("friedman", "LinearSVR(loss='squared_epsilon_insensitive', epsilon=0.5)"),
    case("shop", "LinearSVR(loss='squared_epsilon_insensitive', C=10.0)"),
    case("shop", "LinearSVR(loss='squared_epsilon_insensitive', dual=True)", seeds=True),
    case("clinic", "LinearSVR(random_state=3, max_iter=20)", rtol=1e-6),
    case("shop", "LinearSVR(random_state=7, max_iter=5)", rtol=1e-6),
    case("friedman", "LinearSVR(random_state=1, max_iter=3)", rtol=1e-6),
    case("penguins", "LinearSVR(C=10.0, random_state=2, max_iter=10)", rtol=1e-6),
    case("diabetes", "LinearSVR(random_state=11)", rtol=1e-6),
    case("shop", "LinearSVR(loss='squared_epsilon_insensitive', dual=True, random_state=4)", rtol=1e-6),
]
