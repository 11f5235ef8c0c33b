# GaussianProcessRegressor: the default (ConstantKernel() * RBF(), both tuned) on diabetes and
# the mixed tables (lazypredict's recipe), then non-default settings: normalize_y,
# kernel expressions with free hyper-parameters, optimizer=None, restarts. fitpool takes the
# kernel as a string; "sklearn" is the same model in Python (the kernel as objects).
import re

# friedman (5000 training rows: ~80 s for fitpool, ~160 s for scikit-learn on one core) is in
# gp_slow.py, checked by an ignored test.


def gp(dataset, args="", rtol=0.01):
    repr_ = "GaussianProcessRegressor(%s)" % args
    case = {"dataset": dataset, "repr": repr_, "rtol": rtol}
    python = re.sub(r"kernel='([^']*)'", r"kernel=\1", repr_)
    if python != repr_:
        case["sklearn"] = python
    return case


CASES = [
    gp("diabetes"),
    # the wide table (900 rows, about 230 columns once encoded): along the default's path the
    # kernel matrix is diagonal to working precision, and fitpool evaluates it without a
    # factorisation (Likelihood::near_diagonal)
    gp("wide"),
    gp("wide", "normalize_y=True"),
    gp("shop"),
    gp("penguins"),
    gp("clinic"),
    gp("diabetes", "normalize_y=True"),
    gp("diabetes", "kernel='1.0 * RBF(1.0) + WhiteKernel(1.0)'"),
    gp("diabetes", "kernel='1.0 * RBF(1.0) + WhiteKernel(1.0)', normalize_y=True"),
    gp("diabetes", "kernel='Matern(nu=2.5) + WhiteKernel()', normalize_y=True"),
    gp("diabetes", "kernel='ConstantKernel(1.0, \"fixed\") * Matern(length_scale=2.0, nu=0.5) + WhiteKernel(0.5)', normalize_y=True"),
    gp("diabetes", "kernel='RationalQuadratic() + WhiteKernel()', normalize_y=True"),
    gp("diabetes", "kernel='DotProduct() + WhiteKernel()'"),
    gp("diabetes", "kernel='1.0 * RBF(10.0)', alpha=0.1, optimizer=None, normalize_y=True"),
    gp("diabetes", "kernel='1.0 * RBF(1.0) + WhiteKernel(1.0)', n_restarts_optimizer=2, normalize_y=True, random_state=0"),
    gp("shop", "kernel='1.0 * RBF(1.0) + WhiteKernel(1.0)', normalize_y=True"),
    gp("clinic", "kernel='1.0 * Matern(nu=1.5) + WhiteKernel(0.1)', normalize_y=True"),
]
