"""Venue and booking forms."""
