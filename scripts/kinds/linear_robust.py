# Robust linear regression (issue 14): LinearSVR (liblinear), within 1 % (the bound:
# liblinear's dual coordinate descent visits rows in a random order, ours from another
# generator; the primal squared loss is stopped by liblinear's trust-region Newton at a
# relative gradient of tol, ours at the optimum). random_state=None is unseeded in
# scikit-learn: its reference fits use random_state=0 so that the fixture is reproducible.
# The dual squared loss on shop is far from converged at max_iter=1000 and scikit-learn's RMSE
# depends on the seed (5.24 to 7.31): bounded by its spread over random_state 0..4.
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
]
