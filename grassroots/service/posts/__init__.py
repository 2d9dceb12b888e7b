"""Service carriers: posts."""
