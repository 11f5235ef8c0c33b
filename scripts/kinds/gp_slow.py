# GaussianProcessRegressor() on friedman (5000 training rows): each likelihood evaluation
# factorises and inverts a 5000 x 5000 kernel, ~80 s in all for fitpool on one core, so this
# family's test is ignored by default (`cargo nextest run --release --test kinds_fidelity
# --run-ignored all gp_slow`).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gp import gp  # noqa: E402

CASES = [gp("friedman")]
