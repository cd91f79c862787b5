//! Per-fingerprint statistics (counts, Welford mean/stddev, mergeable percentiles, rows, cache
//! hits) and the efficiency score.
