"""Five-services coverage: how a branch's work spreads over the five services."""
