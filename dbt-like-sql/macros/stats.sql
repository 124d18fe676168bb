-- Statistical methods as DuckDB macros. Each mirrors a pure function in libs/stats (same formula), and
-- libs/sql-runner/src/stats-sql-parity.spec.ts checks they agree on a grid of inputs.

-- Normal quantile: Acklam's rational approximation (libs/stats normalQuantile).
CREATE OR REPLACE MACRO acklam_tail(q) AS
  (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783)
  / ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1);
CREATE OR REPLACE MACRO acklam_central(q, r) AS
  (((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r + 1.38357751867269e2) * r - 3.066479806614716e1) * r + 2.506628277459239) * q
  / (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r + 6.680131188771972e1) * r - 1.328068155288572e1) * r + 1);
CREATE OR REPLACE MACRO normal_quantile(prob) AS CASE
  WHEN prob <= 0 OR prob >= 1 THEN NULL
  WHEN prob < 0.02425 THEN acklam_tail(sqrt(-2 * ln(prob)))
  WHEN prob > 1 - 0.02425 THEN -acklam_tail(sqrt(-2 * ln(1 - prob)))
  ELSE acklam_central(prob - 0.5, (prob - 0.5) * (prob - 0.5)) END;

-- Student t quantile: Hill's algorithm 396 (libs/stats studentTQuantileHill); tail2 = two-tailed probability.
-- The helpers take the normal deviate x = z(tail2 / 2) as a plain value. t_quantile computes x once in a
-- subquery: macros copy their arguments, so passing the normal-quantile expression down would make the
-- bound expression (and the binding time) explode.
CREATE OR REPLACE MACRO hill_a(df) AS 1 / (df - 0.5);
CREATE OR REPLACE MACRO hill_b(df) AS 48 * (df - 0.5) * (df - 0.5);
CREATE OR REPLACE MACRO hill_c0(df) AS ((20700 * hill_a(df) / hill_b(df) - 98) * hill_a(df) - 16) * hill_a(df) + 96.36;
CREATE OR REPLACE MACRO hill_d(df) AS ((94.5 / (hill_b(df) + hill_c0(df)) - 3) / hill_b(df) + 1) * sqrt(hill_a(df) * pi() / 2) * df;
CREATE OR REPLACE MACRO hill_c2(df, x) AS
  (((0.05 * hill_d(df) * x - 5) * x - 7) * x - 2) * x + hill_b(df) + hill_c0(df)
  + CASE WHEN df < 5 THEN 0.3 * (df - 4.5) * (x + 0.6) ELSE 0 END;
CREATE OR REPLACE MACRO hill_y_tail(df, x) AS hill_a(df) * pow(
  (((((0.4 * x * x + 6.3) * x * x + 36) * x * x + 94.5) / hill_c2(df, x) - x * x - 3) / hill_b(df) + 1) * x, 2);
CREATE OR REPLACE MACRO hill_y0(tail2, df) AS pow(hill_d(df) * tail2, 2 / df);
CREATE OR REPLACE MACRO hill_y_near(tail2, df) AS
  ((1 / (((df + 6) / (df * hill_y0(tail2, df)) - 0.089 * hill_d(df) - 0.822) * (df + 2) * 3) + 0.5 / (df + 4)) * hill_y0(tail2, df) - 1)
  * (df + 1) / (df + 2) + 1 / hill_y0(tail2, df);
CREATE OR REPLACE MACRO hill_expm1(y) AS CASE WHEN y > 0.002 THEN exp(y) - 1 ELSE 0.5 * y * y + y END;
CREATE OR REPLACE MACRO hill_t(tail2, df, x) AS CASE
  WHEN df = 1 THEN cos(tail2 * pi() / 2) / sin(tail2 * pi() / 2)
  WHEN df = 2 THEN sqrt(2 / (tail2 * (2 - tail2)) - 2)
  WHEN hill_y0(tail2, df) > 0.05 + hill_a(df) THEN sqrt(df * hill_expm1(hill_y_tail(df, x)))
  ELSE sqrt(df * hill_y_near(tail2, df)) END;
CREATE OR REPLACE MACRO t_quantile(prob, df) AS (
  SELECT CASE WHEN q.df_ < 1 OR q.prob_ <= 0 OR q.prob_ >= 1 THEN NULL WHEN q.prob_ = 0.5 THEN 0.0
              ELSE q.sgn * hill_t(q.tail2, q.df_, q.x) END
  FROM (
    SELECT p.*, normal_quantile(p.tail2 / 2) AS x
    FROM (SELECT prob AS prob_, df AS df_, CASE WHEN prob > 0.5 THEN 2 * (1 - prob) ELSE 2 * prob END AS tail2,
                 CASE WHEN prob > 0.5 THEN 1 ELSE -1 END AS sgn) AS p
  ) AS q
);
-- t(0.975, df) without a subquery (x = z(0.025) as a literal): cheap to bind and to run on big tables.
CREATE OR REPLACE MACRO t975(df) AS CASE WHEN df >= 1 THEN hill_t(0.05::DOUBLE, df::DOUBLE, -1.959963984540054::DOUBLE) END;

-- Fixed confidence levels used throughout.
CREATE OR REPLACE MACRO z95() AS 1.959963984540054::DOUBLE;   -- z(0.975)
CREATE OR REPLACE MACRO z998() AS 3.090232306167813::DOUBLE;  -- z(0.999)

-- Wilson score interval (libs/stats wilsonInterval).
CREATE OR REPLACE MACRO wilson_low(x, n, z) AS CASE WHEN n > 0 AND x >= 0 AND x <= n THEN CASE WHEN x <= 0 THEN 0.0 ELSE
  greatest(0.0, (x + z * z / 2) / (n + z * z) - z / (n + z * z) * sqrt(x * (n - x) / n + z * z / 4)) END END;
CREATE OR REPLACE MACRO wilson_high(x, n, z) AS CASE WHEN n > 0 AND x >= 0 AND x <= n THEN CASE WHEN x >= n THEN 1.0 ELSE
  least(1.0, (x + z * z / 2) / (n + z * z) + z / (n + z * z) * sqrt(x * (n - x) / n + z * z / 4)) END END;

-- t interval for a mean from n, sum and sum of squares (libs/stats tMeanInterval).
CREATE OR REPLACE MACRO variance_from_sums(n, s, ss) AS CASE WHEN n >= 2 THEN greatest(0.0, (ss - s * s / n) / (n - 1)) END;
-- t_mean_half takes the quantile t(0.975, n - 1) as an argument so big tables can look it up per distinct n.
CREATE OR REPLACE MACRO t_mean_half(n, s, ss, t) AS CASE WHEN n >= 2 THEN t * sqrt(variance_from_sums(n, s, ss) / n) END;
CREATE OR REPLACE MACRO t_mean_low(n, s, ss) AS s / n - t_mean_half(n, s, ss, t975(n - 1));
CREATE OR REPLACE MACRO t_mean_high(n, s, ss) AS s / n + t_mean_half(n, s, ss, t975(n - 1));

-- Byar's approximation to Poisson limits of a count, and the observed/expected interval (libs/stats byarRatioInterval).
CREATE OR REPLACE MACRO byar_count_low(o, z) AS CASE WHEN o <= 0 THEN 0.0 ELSE o * pow(1 - 1 / (9 * o) - z / (3 * sqrt(o)), 3) END;
CREATE OR REPLACE MACRO byar_count_high(o, z) AS (o + 1) * pow(1 - 1 / (9 * (o + 1)) + z / (3 * sqrt(o + 1)), 3);
CREATE OR REPLACE MACRO byar_ratio_low(o, e, z) AS CASE WHEN e > 0 THEN byar_count_low(o, z) / e END;
CREATE OR REPLACE MACRO byar_ratio_high(o, e, z) AS CASE WHEN e > 0 THEN byar_count_high(o, z) / e END;

-- Funnel limits around the national value (libs/stats funnels.ts).
CREATE OR REPLACE MACRO funnel_prop_low(p, n, z) AS CASE WHEN n > 0 AND p BETWEEN 0 AND 1 THEN
  greatest(0.0, (2 * n * p + z * z - z * sqrt(z * z + 4 * n * p * (1 - p))) / (2 * (n + z * z))) END;
CREATE OR REPLACE MACRO funnel_prop_high(p, n, z) AS CASE WHEN n > 0 AND p BETWEEN 0 AND 1 THEN
  least(1.0, (2 * n * p + z * z + z * sqrt(z * z + 4 * n * p * (1 - p))) / (2 * (n + z * z))) END;
CREATE OR REPLACE MACRO funnel_mean_low(m, sd, n, z) AS CASE WHEN n > 0 THEN m - z * sd / sqrt(n) END;
CREATE OR REPLACE MACRO funnel_mean_high(m, sd, n, z) AS CASE WHEN n > 0 THEN m + z * sd / sqrt(n) END;
CREATE OR REPLACE MACRO funnel_ratio_low(e, z) AS CASE WHEN e > 0 THEN byar_count_low(e, z) / e END;
CREATE OR REPLACE MACRO funnel_ratio_high(e, z) AS CASE WHEN e > 0 THEN byar_count_high(e, z) / e END;

-- Comparison with the national value (libs/stats compare.ts).
CREATE OR REPLACE MACRO direction_to_comparison(direction, polarity) AS CASE
  WHEN direction = 'same' THEN 'similar'
  WHEN polarity = 'none' THEN 'not_comparable'
  WHEN (direction = 'higher') = (polarity = 'higher_is_better') THEN 'better'
  ELSE 'worse' END;
CREATE OR REPLACE MACRO compare_interval(lo, hi, nat, polarity) AS CASE
  WHEN lo IS NULL OR hi IS NULL OR nat IS NULL THEN 'not_comparable'
  WHEN lo > nat THEN direction_to_comparison('higher', polarity)
  WHEN hi < nat THEN direction_to_comparison('lower', polarity)
  ELSE 'similar' END;
CREATE OR REPLACE MACRO compare_distribution(v, q1, q3, units, min_units, polarity) AS CASE
  WHEN v IS NULL OR q1 IS NULL OR q3 IS NULL OR units < min_units THEN 'not_comparable'
  WHEN v < q1 THEN direction_to_comparison('lower', polarity)
  WHEN v > q3 THEN direction_to_comparison('higher', polarity)
  ELSE 'similar' END;

-- Year-on-year change tests (libs/stats change.ts): the statistic; significant when |statistic| > critical.
CREATE OR REPLACE MACRO two_prop_z(x1, n1, x0, n0) AS CASE
  WHEN n1 > 0 AND n0 > 0 AND (x1 + x0) > 0 AND (x1 + x0) < (n1 + n0) THEN
    (x1 / n1 - x0 / n0) / sqrt((x1 + x0) / (n1 + n0) * (1 - (x1 + x0) / (n1 + n0)) * (1 / n1 + 1 / n0)) END;
CREATE OR REPLACE MACRO welch_se2(n1, s1, ss1, n0, s0, ss0) AS variance_from_sums(n1, s1, ss1) / n1 + variance_from_sums(n0, s0, ss0) / n0;
CREATE OR REPLACE MACRO welch_t(n1, s1, ss1, n0, s0, ss0) AS CASE WHEN welch_se2(n1, s1, ss1, n0, s0, ss0) > 0 THEN
  (s1 / n1 - s0 / n0) / sqrt(welch_se2(n1, s1, ss1, n0, s0, ss0)) END;
CREATE OR REPLACE MACRO welch_df(n1, s1, ss1, n0, s0, ss0) AS CASE WHEN welch_se2(n1, s1, ss1, n0, s0, ss0) > 0 THEN
  pow(welch_se2(n1, s1, ss1, n0, s0, ss0), 2)
  / (pow(variance_from_sums(n1, s1, ss1) / n1, 2) / (n1 - 1) + pow(variance_from_sums(n0, s0, ss0) / n0, 2) / (n0 - 1)) END;
-- df is computed once in a subquery (passing the welch_df expression into t975 would copy it dozens of times).
-- Big tables should compute welch_df as a column and compare abs(welch_t(...)) > t975(df) directly.
CREATE OR REPLACE MACRO welch_significant(n1, s1, ss1, n0, s0, ss0) AS (
  SELECT abs(welch_t(n1, s1, ss1, n0, s0, ss0)) > t975(w.df) FROM (SELECT welch_df(n1, s1, ss1, n0, s0, ss0) AS df) AS w
);
CREATE OR REPLACE MACRO ratio_change_z(v1, o1, v0, o0) AS CASE WHEN o1 > 0 AND o0 > 0 AND v1 > 0 AND v0 > 0 THEN
  ln(v1 / v0) / sqrt(1 / o1 + 1 / o0) END;
