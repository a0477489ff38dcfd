//! End-to-end tests and benchmarks for Lifeline.
