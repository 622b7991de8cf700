//! Summaries of repeated measurements: median, range, percentiles and growth exponents.

/// Median, minimum and maximum of a sample.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Summary {
    /// The median (mean of the two middle values for an even count).
    pub(crate) median: f64,
    /// The smallest value.
    pub(crate) min: f64,
    /// The largest value.
    pub(crate) max: f64,
}

/// Summarises `values`; an empty sample gives all zeroes.
pub(crate) fn summarize(values: &[f64]) -> Summary {
    if values.is_empty() {
        return Summary::default();
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    Summary {
        median,
        min: sorted[0],
        max: sorted[n - 1],
    }
}

/// The `p`-th percentile (0–100) by nearest rank of an already sorted sample.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The exponent `b` of the least-squares fit `y = a * x^b` over positive points: 1 means the
/// cost grows linearly, below 1 a fixed part dominates, above 1 it grows faster than linearly.
pub(crate) fn growth_exponent(points: &[(f64, f64)]) -> Option<f64> {
    let logs: Vec<(f64, f64)> = points
        .iter()
        .filter(|(x, y)| *x > 0.0 && *y > 0.0)
        .map(|(x, y)| (x.ln(), y.ln()))
        .collect();
    if logs.len() < 2 {
        return None;
    }
    let n = logs.len() as f64;
    let mx = logs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = logs.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = logs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = logs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The marginal cost per unit of `x` between the smallest and largest point: `(y2-y1)/(x2-x1)`.
pub(crate) fn marginal_slope(points: &[(f64, f64)]) -> Option<f64> {
    let first = points.first()?;
    let last = points.last()?;
    (last.0 > first.0).then(|| (last.1 - first.1) / (last.0 - first.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_samples() {
        assert_eq!(summarize(&[3.0, 1.0, 2.0]).median, 2.0);
        assert_eq!(summarize(&[4.0, 1.0, 2.0, 3.0]).median, 2.5);
        assert_eq!(summarize(&[4.0, 1.0]).min, 1.0);
    }

    #[test]
    fn percentile_by_nearest_rank() {
        let sorted: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 50.0), 50.0);
        assert_eq!(percentile(&sorted, 99.0), 99.0);
        assert_eq!(percentile(&sorted, 100.0), 100.0);
    }

    #[test]
    fn growth_exponent_of_linear_and_quadratic_costs() {
        let linear = [(100.0, 2.0), (300.0, 6.0), (1000.0, 20.0)];
        let quadratic = [(100.0, 1.0), (300.0, 9.0), (1000.0, 100.0)];
        assert!((growth_exponent(&linear).unwrap() - 1.0).abs() < 1e-9);
        assert!((growth_exponent(&quadratic).unwrap() - 2.0).abs() < 1e-9);
        assert_eq!(marginal_slope(&linear), Some(0.02));
    }
}
