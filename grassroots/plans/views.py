"""Work plans pages."""
