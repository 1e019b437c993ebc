"""Standard errors of BG/NBD and Gamma-Gamma estimates, independently: the total log-likelihoods'
gradients written here in numpy (natural parameters), the Hessian by scipy's approx_fprime of
each gradient component, inverted with numpy. For mining/btyd's test.

usage: stderr_reference.py SUMMARY.csv r alpha a b p q gamma
The CSV has a header and columns x, t_x, T, m (m: mean spend per repeat purchase, 0 without).
"""
import sys

import numpy as np
from scipy.optimize import approx_fprime
from scipy.special import digamma


def bgnbd_grad(theta, x, tx, T):
    r, alpha, a, b = theta
    a3 = -(r + x) * np.log(alpha + T)
    rep = x > 0
    a4 = np.where(rep, np.log(a) - np.log(np.where(rep, b + x - 1, 1.0)) - (r + x) * np.log(alpha + tx), -np.inf)
    w3 = np.exp(a3 - np.logaddexp(a3, a4))
    w4 = 1 - w3
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + tx)
    d_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + tx))
    d_a = digamma(a + b) - digamma(a + b + x) + w4 / a
    d_b = digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x) - w4 / np.where(rep, b + x - 1, 1.0)
    return np.array([d_r.sum(), d_alpha.sum(), d_a.sum(), d_b.sum()])


def gg_grad(theta, x, m):
    p, q, v = theta
    px = p * x
    lv = np.log(x * m + v)
    d_p = x * (digamma(px + q) - digamma(px) + np.log(m) + np.log(x) - lv)
    d_q = digamma(px + q) - digamma(q) + np.log(v) - lv
    d_v = q / v - (px + q) / (x * m + v)
    return np.array([d_p.sum(), d_q.sum(), d_v.sum()])


def std_errors(grad, theta, *args):
    theta = np.asarray(theta, dtype=float)
    eps = 1e-7 * theta
    h = np.array([approx_fprime(theta, lambda t, i=i: grad(t, *args)[i], eps) for i in range(len(theta))])
    h = (h + h.T) / 2
    return np.sqrt(np.diag(np.linalg.inv(-h)))


def main():
    data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
    x, tx, T, m = data[:, 0], data[:, 1], data[:, 2], data[:, 3]
    params = [float(v) for v in sys.argv[2:9]]
    bg = std_errors(bgnbd_grad, params[:4], x, tx, T)
    keep = (x > 0) & (m > 0)
    gg = std_errors(gg_grad, params[4:], x[keep], m[keep])
    for name, v in zip(["r", "alpha", "a", "b", "p", "q", "gamma"], list(bg) + list(gg)):
        print(f"{name}_se={v:.10g}")


if __name__ == "__main__":
    main()
