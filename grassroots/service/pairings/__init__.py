"""Service carriers: pairings."""
