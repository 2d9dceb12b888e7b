"""Service carriers: commitments."""
