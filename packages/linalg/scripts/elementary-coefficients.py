"""
The coefficients of expNonPositive and log1pUnit (packages/linalg/src/elementary.ts; the same numbers in hexadecimal in
the table of logloss_pass, src/wasm/kernels.wat), and the error of the polynomials they make.

Each polynomial interpolates its function at the Chebyshev nodes of the reduced range (close to the best polynomial of
its degree: its error is within a small factor of the minimax error), computed in 60-digit arithmetic, then rounded to
doubles; the error printed is that of the rounded coefficients, in exact arithmetic (the evaluation in doubles adds
its own rounding, which elementary.test.ts bounds at 2 ulp against Math.exp and Math.log1p).

  exp: e^r = 1 + r·q(r) for |r| ≤ ln2/2, q interpolating (e^r − 1)/r (so that the constant term is 1 exactly).
  log: log(1+f) = 2·atanh(s) = 2s + s·z·F(z), s = f/(2+f), z = s², F(z) = Σ 2z^(n−1)/(2n+1), for z ≤ (3 − 2√2)².

For each, the degree below the one used is printed too, to show it would not do (its error is above 2^-53 ≈ 1.1e-16).
Needs mpmath (Debian: python3-mpmath):

  python3 packages/linalg/scripts/elementary-coefficients.py
"""
from mpmath import mp, mpf, exp, cos, pi, matrix, lu_solve, sqrt, atanh, factorial, log, nstr

mp.dps = 60


def cheb_fit(F, a, b, deg):
    """Monomial coefficients of the polynomial of degree deg interpolating F at the Chebyshev nodes of [a, b]."""
    N = deg + 1
    xs = [(a + b) / 2 + (b - a) / 2 * cos(pi * (2 * k + 1) / (2 * N)) for k in range(N)]
    A = matrix(N, N)
    v = matrix(N, 1)
    for i, x in enumerate(xs):
        for j in range(N):
            A[i, j] = x ** j
        v[i] = F(x)
    c = lu_solve(A, v)
    return [c[j] for j in range(N)]


def poly(c, x):
    return sum(cj * x ** j for j, cj in enumerate(c))


h = log(2) / 2
# (e^r − 1)/r by its series (no cancellation at r = 0)
q = lambda r: sum(r ** k / factorial(k + 1) for k in range(60))
for deg in (9, 10):
    c = [mpf(float(x)) for x in cheb_fit(q, -h, h, deg)]
    err = max(abs(1 + r * poly(c, r) - exp(r)) / exp(r) for r in (-h + 2 * h * k / 4000 for k in range(4001)))
    print(f'exp, {deg + 2} terms: max relative error {nstr(err, 3)}')
    if deg == 10:
        print('  EXP_COEF =', [1.0] + [float(x) for x in c])

zmax = (3 - 2 * sqrt(2)) ** 2
F = lambda z: (2 * atanh(sqrt(z)) - 2 * sqrt(z)) / (sqrt(z) * z) if z != 0 else mpf(2) / 3
for deg in (5, 6):
    c = [mpf(float(x)) for x in cheb_fit(F, mpf(0), zmax, deg)]
    err = mpf(0)
    for k in range(1, 2001):
        s = sqrt(zmax) * k / 2000
        z = s * s
        exact = 2 * atanh(s)
        err = max(err, abs(2 * s + s * z * poly(c, z) - exact) / exact)
    print(f'log, {deg + 1} terms: max relative error {nstr(err, 3)}')
    if deg == 6:
        print('  LOG_COEF =', [float(x) for x in c])
