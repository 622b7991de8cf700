//! The chart of wall time against N, written by hand as SVG: one line per (contender, command),
//! medians as points, ours solid and the `null_resource` floor dashed.

use crate::scale::{ScalePoint, OPS};
use crate::stats::summarize;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 190.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;
const COLOURS: [&str; 3] = ["#1f77b4", "#d62728", "#2ca02c"];

/// A "nice" upper bound of an axis: 1, 2 or 5 times a power of ten, at least `max`.
fn nice_ceiling(max: f64) -> f64 {
    let max = max.max(1e-9);
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * power)
}

/// The SVG document for `points`.
pub(crate) fn chart(points: &[ScalePoint]) -> String {
    let series = |floor: bool, op: usize| -> Vec<(f64, f64)> {
        points
            .iter()
            .map(|p| {
                let s = if floor { &p.floor[op] } else { &p.ours[op] };
                (p.n as f64, summarize(&s.wall_s).median)
            })
            .collect()
    };
    let max_n = points.iter().map(|p| p.n).max().unwrap_or(1) as f64;
    let max_t = (0..3)
        .flat_map(|op| [series(false, op), series(true, op)])
        .flatten()
        .map(|(_, t)| t)
        .fold(0.0, f64::max);
    let (x_max, y_max) = (nice_ceiling(max_n), nice_ceiling(max_t));
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |n: f64| LEFT + n / x_max * plot_w;
    let y = |t: f64| TOP + plot_h - t / y_max * plot_h;

    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">Wall time against number of objects (median)</text>\n",
        LEFT + plot_w / 2.0
    );
    for i in 0..=5 {
        let (tx, ty) = (x_max * f64::from(i) / 5.0, y_max * f64::from(i) / 5.0);
        svg += &format!(
            "<line x1=\"{LEFT}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\" stroke=\"#ddd\"/>\n\
             <text x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\">{4}</text>\n\
             <text x=\"{5:.1}\" y=\"{6:.1}\" text-anchor=\"middle\">{7}</text>\n",
            y(ty),
            LEFT + plot_w,
            LEFT - 6.0,
            y(ty) + 4.0,
            trim(ty),
            x(tx),
            TOP + plot_h + 18.0,
            trim(tx),
        );
    }
    svg += &format!(
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"none\" stroke=\"#333\"/>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">objects (N)</text>\n\
         <text transform=\"translate(18 {:.1}) rotate(-90)\" text-anchor=\"middle\">seconds</text>\n",
        LEFT + plot_w / 2.0,
        HEIGHT - 18.0,
        TOP + plot_h / 2.0
    );
    let mut legend_y = TOP + 10.0;
    for (op, name) in OPS.iter().enumerate() {
        for floor in [false, true] {
            let pts = series(floor, op);
            let dash = if floor {
                " stroke-dasharray=\"6 4\""
            } else {
                ""
            };
            let path: Vec<String> = pts
                .iter()
                .map(|(n, t)| format!("{:.1},{:.1}", x(*n), y(*t)))
                .collect();
            svg += &format!(
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{dash}/>\n",
                path.join(" "),
                COLOURS[op]
            );
            for (n, t) in &pts {
                svg += &format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"/>\n",
                    x(*n),
                    y(*t),
                    COLOURS[op]
                );
            }
            let who = if floor { "null_resource" } else { "acp" };
            let lx = WIDTH - RIGHT + 12.0;
            svg += &format!(
                "<line x1=\"{lx}\" y1=\"{legend_y}\" x2=\"{}\" y2=\"{legend_y}\" stroke=\"{}\" stroke-width=\"2\"{dash}/>\n\
                 <text x=\"{}\" y=\"{}\">{who} {name}</text>\n",
                lx + 28.0,
                COLOURS[op],
                lx + 34.0,
                legend_y + 4.0
            );
            legend_y += 20.0;
        }
    }
    svg += "</svg>\n";
    svg
}

fn trim(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_ceilings_are_round() {
        assert_eq!(nice_ceiling(1000.0), 1000.0);
        assert_eq!(nice_ceiling(37.0), 50.0);
        assert_eq!(nice_ceiling(0.3), 0.5);
        assert_eq!(trim(2.50), "2.5");
    }
}
