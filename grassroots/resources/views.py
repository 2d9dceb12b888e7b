"""Venue pages."""
