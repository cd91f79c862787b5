//! Optimisation advice with reason, evidence and confidence: index hints, rewrites, materialised
//! views, partition pruning, parallel execution, result caching.
