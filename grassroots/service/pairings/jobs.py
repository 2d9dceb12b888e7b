"""Scheduled work for pairings: reminders when a pairing has gone without a visit."""
