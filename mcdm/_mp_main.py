"""Stand-in main module for worker processes (see mcdm.parallel): imports and runs nothing."""
