# The uplift figures computed with scipy from the raw per-customer values (stdin: JSON with the
# two groups' revenues and responses), for uplift_test.go to compare with. Written independently
# of the Go code: Welch's test and interval from scipy, the two-proportion z-test by its formula.
import json, sys
import numpy as np
from scipy import stats

d = json.load(sys.stdin)
t_rev, c_rev = np.array(d["t_revenue"]), np.array(d["c_revenue"])
t_resp, c_resp = np.array(d["t_response"]), np.array(d["c_response"])

res = stats.ttest_ind(t_rev, c_rev, equal_var=False)
# Debian's scipy (1.10) has no confidence_interval() on this result: Welch's interval by hand.
a, b = t_rev.var(ddof=1) / len(t_rev), c_rev.var(ddof=1) / len(c_rev)
df = (a + b) ** 2 / (a ** 2 / (len(t_rev) - 1) + b ** 2 / (len(c_rev) - 1))
half = stats.t.ppf(0.975, df) * np.sqrt(a + b)
diff = t_rev.mean() - c_rev.mean()

n1, n2 = len(t_resp), len(c_resp)
p1, p2 = t_resp.mean(), c_resp.mean()
pool = (t_resp.sum() + c_resp.sum()) / (n1 + n2)
z = (p1 - p2) / np.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2))
se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
q = stats.norm.ppf(0.975)
print(json.dumps({
    "rev_diff": float(t_rev.mean() - c_rev.mean()), "rev_t": float(res.statistic), "rev_p": float(res.pvalue),
    "rev_low": float(diff - half), "rev_high": float(diff + half),
    "resp_diff": float(p1 - p2), "resp_z": float(z), "resp_p": float(2 * stats.norm.sf(abs(z))),
    "resp_low": float(p1 - p2 - q * se), "resp_high": float(p1 - p2 + q * se),
}))
