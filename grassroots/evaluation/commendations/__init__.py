"""Commendations (两优一先) with their public notice (公示), and the six haves (六有)
computed from the records."""
