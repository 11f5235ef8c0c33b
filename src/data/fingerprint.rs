//! The data's identity: journals record it, `--resume` refuses a journal written for other
//! data, `merge` notices journals of different datasets.

use super::Dataset;

/// A fingerprint of the data: shapes and every value's bits (FNV-1a, 64 bits).
pub fn fingerprint(data: &Dataset) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |v: u64| {
        for b in v.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for dim in [
        data.x_train.nrows(),
        data.x_train.ncols(),
        data.x_test.nrows(),
        data.x_test.ncols(),
    ] {
        eat(dim as u64);
    }
    for v in data
        .x_train
        .iter()
        .chain(data.y_train.iter())
        .chain(data.x_test.iter())
        .chain(data.y_test.iter())
    {
        eat(v.to_bits());
    }
    // folds are part of the data a fold task scores: another seed is other data
    if let Some(cv) = &data.cv {
        for fold in &cv.folds {
            eat(fold.test.len() as u64);
            for &i in &fold.test {
                eat(i as u64);
            }
        }
    }
    format!("{h:016x}")
}
