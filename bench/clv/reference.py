"""Reference BG/NBD + Gamma-Gamma fit with scipy, for bench/clv.

Reads the summary CSV written by the Go side (x, t_x, T, m), fits both models by maximum
likelihood on log-parameters with scipy.optimize.minimize (BFGS, analytic gradient, vectorised
numpy over all customers: the way lifetimes and most notebooks do it, with an exact gradient
added), and prints the estimates and the fit time (reading excluded) as name=value lines.
"""
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln


def bgnbd_objective(logp, x, tx, T):
    r, alpha, a, b = np.exp(logp)
    n = len(x)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    rep = x > 0
    a4 = np.where(rep, np.log(a) - np.log(np.where(rep, b + x - 1, 1.0)) - (r + x) * np.log(alpha + tx), -np.inf)
    m = np.maximum(a3, a4)
    e3, e4 = np.exp(a3 - m), np.exp(a4 - m)
    ll = a1 + a2 + m + np.log(e3 + e4)
    w3 = e3 / (e3 + e4)
    w4 = 1 - w3
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + tx)
    d_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + tx))
    d_a = digamma(a + b) - digamma(a + b + x) + w4 / a
    d_b = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x) - w4 / np.where(rep, b + x - 1, 1.0)
    grad = np.array([d_r.sum() * r, d_alpha.sum() * alpha, d_a.sum() * a, d_b.sum() * b])
    return -ll.sum() / n, -grad / n


def gg_objective(logp, x, m):
    p, q, v = np.exp(logp)
    n = len(x)
    px = p * x
    lv = np.log(x * m + v)
    ll = (gammaln(px + q) - gammaln(q) + q * np.log(v) + (px - 1) * np.log(m) + px * np.log(x)
          - (px + q) * lv - gammaln(px))
    d_p = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - lv)
    d_q = digamma(px + q) - digamma(q) + np.log(v) - lv
    d_v = q / v - (px + q) / (x * m + v)
    grad = np.array([d_p.sum() * p, d_q.sum() * q, d_v.sum() * v])
    return -ll.sum() / n, -grad / n


def fit(data):
    x, tx, T, m = data
    res_bg = minimize(bgnbd_objective, np.array([0.0, np.log(max(T.mean(), 1.0)), 0.0, 0.0]),
                      args=(x, tx, T), jac=True, method="BFGS", options={"gtol": 1e-7, "maxiter": 2000})
    rep = x > 0
    xr, mr = x[rep], m[rep]
    keep = mr > 0
    xr, mr = xr[keep], mr[keep]
    res_gg = minimize(gg_objective, np.array([0.0, 0.0, np.log(mr.mean())]),
                      args=(xr, mr), jac=True, method="BFGS", options={"gtol": 1e-7, "maxiter": 2000})
    return res_bg, res_gg, len(x)


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    raw = np.loadtxt(path, delimiter=",", skiprows=1)
    data = (raw[:, 0], raw[:, 1], raw[:, 2], raw[:, 3])
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        res_bg, res_gg, n = fit(data)
        times.append(time.perf_counter() - t0)
    r, alpha, a, b = np.exp(res_bg.x)
    p, q, v = np.exp(res_gg.x)
    print(f"ref_r={r:.9g}\nref_alpha={alpha:.9g}\nref_a={a:.9g}\nref_b={b:.9g}")
    print(f"ref_p={p:.9g}\nref_q={q:.9g}\nref_gamma={v:.9g}")
    print(f"ref_loglik={-res_bg.fun * n:.6f}\nref_bgnbd_iterations={res_bg.nit}\nref_gg_iterations={res_gg.nit}")
    print(f"ref_bgnbd_success={res_bg.success}\nref_gg_success={res_gg.success}")
    print(f"ref_fit_seconds={sorted(times)[len(times) // 2]:.4f}")


if __name__ == "__main__":
    main()
