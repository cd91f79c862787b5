//! `QueryTracker`: record every executed statement cheaply from many threads, bounded memory,
//! slow-query detection, snapshots that merge across processes.
