//! Times `prep` on 1,000,000 rows × (6 numeric + 4 text columns):
//! `cargo run --release --example prep_speed`.

use std::time::Instant;

use fitpool::prep::{Categorical, Column, Pipeline, PrepOptions};
use fitpool::split::RandomState;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n = 1_000_000;
    let mut rng = RandomState::from_u32(0);
    let mut unit = || f64::from(rng.next_u32()) / f64::from(u32::MAX);
    let mut cols = Vec::new();
    for j in 0..6 {
        let v: Vec<f64> = (0..n)
            .map(|_| {
                let x = unit();
                if x < 0.05 {
                    f64::NAN
                } else {
                    x * (j + 1) as f64
                }
            })
            .collect();
        cols.push(Column::numeric(format!("x{j}"), v));
    }
    for (j, levels) in [3usize, 8, 40, 5000].into_iter().enumerate() {
        let v: Vec<Option<String>> = (0..n)
            .map(|_| {
                let x = unit();
                (x >= 0.03).then(|| format!("level{}", (x * levels as f64) as usize))
            })
            .collect();
        cols.push(Column::categorical(
            format!("c{j}"),
            Categorical::from_strs(v)?,
        ));
    }
    let train: Vec<usize> = (0..n).filter(|i| i % 4 != 0).collect();
    let all: Vec<usize> = (0..n).collect();
    let t = Instant::now();
    let p = Pipeline::fit(&cols, &train, &PrepOptions::default())?;
    let fit = t.elapsed();
    let t = Instant::now();
    let m = p.transform(&cols, &all)?;
    let transform = t.elapsed();
    println!(
        "fit on {} rows: {:.1} ms; transform of {} rows to {} features: {:.1} ms",
        train.len(),
        fit.as_secs_f64() * 1e3,
        m.nrows(),
        m.ncols(),
        transform.as_secs_f64() * 1e3
    );
    Ok(())
}
