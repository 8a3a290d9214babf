"""Statistics of the marts: confidence intervals (standard library only) and disclosure-safe quantiles."""

import math

Z_95 = 1.959963984540054


def _lower_regularized_gamma(a: float, x: float) -> float:
    """P(a, x), by its series below a + 1 and its continued fraction above (Numerical Recipes 6.2)."""
    if x <= 0:
        return 0.0
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-17:
            n += 1
            term *= x / n
            total += term
        return total * math.exp(log_prefix)
    tiny = 1e-300
    b, c, d = x + 1 - a, 1 / tiny, 1 / (x + 1 - a)
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-17:
            break
    return 1 - math.exp(log_prefix) * h


def _solve(function, target: float, high: float) -> float:
    """The x in [0, high] where the increasing `function` reaches `target`, by bisection."""
    low = 0.0
    while function(high) < target:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if function(middle) < target:
            low = middle
        else:
            high = middle
        if high - low <= 1e-15 * max(1.0, high):
            break
    return (low + high) / 2


def poisson_exact_interval(count: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) interval of a Poisson count: chi2(alpha/2, 2k)/2 and chi2(1 - alpha/2, 2k + 2)/2,
    i.e. the means where P(k, mean) = alpha/2 and P(k + 1, mean) = 1 - alpha/2."""
    start = count + 10 * math.sqrt(count + 1) + 10
    lower = 0.0 if count == 0 else _solve(lambda m: _lower_regularized_gamma(count, m), alpha / 2, start)
    upper = _solve(lambda m: _lower_regularized_gamma(count + 1, m), 1 - alpha / 2, start)
    return lower, upper


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of a proportion (as fractions)."""
    p = successes / trials
    centre = p + z * z / (2 * trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    denominator = 1 + z * z / trials
    return max(0.0, (centre - half) / denominator), min(1.0, (centre + half) / denominator)


def harrell_davis_weights(n: int, p: float):
    """Weights of the n order statistics in the Harrell-Davis estimate of the p quantile: the Beta((n + 1) p,
    (n + 1)(1 - p)) probability of each interval [(i - 1) / n, i / n]; all positive (Harrell and Davis, 1982)."""
    import numpy as np
    from scipy.special import betainc

    return np.diff(betainc((n + 1) * p, (n + 1) * (1 - p), np.arange(n + 1) / n))


def harrell_davis_quantiles(values, probabilities) -> list[float]:
    """Harrell-Davis estimates of the quantiles: weighted means of every value of the sample, so that no estimate is
    one value of the sample."""
    import numpy as np

    ordered = np.sort(np.asarray(values, dtype=float))
    return [float(np.dot(harrell_davis_weights(len(ordered), p), ordered)) for p in probabilities]


def with_poisson_rate(frame, count: str, exposure: str, per: float, prefix: str = ""):
    """Adds to a pandas frame the rate `count` / `exposure` × `per` and its exact Poisson 95 % interval (Garwood:
    chi2(2.5 %, 2k) / 2 and chi2(97.5 %, 2k + 2) / 2, divided by the exposure); empty where the exposure is 0."""
    import numpy as np
    from scipy.stats import chi2

    counts = frame[count].to_numpy(dtype=float)
    scale = per / frame[exposure].where(frame[exposure] > 0).to_numpy(dtype=float)
    low = np.where(counts > 0, chi2.ppf(0.025, 2 * counts) / 2, 0.0)
    high = chi2.ppf(0.975, 2 * counts + 2) / 2
    return frame.assign(**{f"{prefix}rate": counts * scale, f"{prefix}ci_low": low * scale,
                           f"{prefix}ci_high": high * scale})


def funnel_limits(target, exposure, probability: float, distribution: str):
    """Control limits of a funnel plot around `target` (a rate per unit of exposure, or a proportion) for each
    `exposure` (patient-days, expected count, or trials), at `probability` (0.025 / 0.975 for 95 %, 0.001 / 0.999 for
    99.8 %): the exact Poisson or binomial quantile, interpolated between counts as Spiegelhalter (2005, Statistics in
    Medicine 24:1185) does, so that the limits are smooth curves; in the unit of the target, never below 0."""
    import numpy as np
    from scipy.stats import binom, poisson

    exposure = np.asarray(exposure, dtype=float)
    target = np.broadcast_to(np.asarray(target, dtype=float), exposure.shape)
    if distribution == "poisson":
        law = poisson(target * exposure)
    elif distribution == "binomial":
        law = binom(np.round(exposure).astype(int), target)
    else:
        raise ValueError(f"unknown distribution {distribution!r}")
    quantile = law.ppf(probability)
    above, below = law.cdf(quantile), law.cdf(quantile - 1)
    step = np.where(above > below, (above - probability) / np.where(above > below, above - below, 1), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.maximum(0.0, (quantile - step) / exposure)


FUNNEL_LIMITS = {"lower_998": 0.001, "lower_95": 0.025, "upper_95": 0.975, "upper_998": 0.999}


def with_funnel_limits(frame, rate: str, exposure: str, distribution: str, per: float):
    """Adds to a pandas frame the 95 % and 99.8 % funnel limits (FUNNEL_LIMITS columns) of the national `rate` for
    each `exposure`, times `per` (the unit the indicator is shown in)."""
    return frame.assign(**{column: funnel_limits(frame[rate], frame[exposure], probability, distribution) * per
                           for column, probability in FUNNEL_LIMITS.items()})


def dispersion_ratio(counts, rate, exposure, distribution: str) -> float:
    """Spiegelhalter's (2005) overdispersion estimate of a funnel plot: the mean squared z-score of the units, after
    winsorising the 10 % at each end. Near 1, the limits hold; well above 1, the units spread more than the
    distribution allows (DDD are not independent events), and the exact limits flag too many of them."""
    import numpy as np

    counts, exposure = np.asarray(counts, dtype=float), np.asarray(exposure, dtype=float)
    expected = rate * exposure
    variance = expected if distribution == "poisson" else expected * (1 - rate)
    z = (counts - expected) / np.sqrt(variance)
    low, high = np.quantile(z, [0.1, 0.9])
    return float(np.mean(np.clip(z, low, high) ** 2))
