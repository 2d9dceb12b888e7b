"""Service carriers: deeds."""
