"""Commendations (两优一先): nominations, their public notice (公示), the decision and the
honour on the record."""
