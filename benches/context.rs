//! Context benches (filled in with the packing step).
fn main() {}
