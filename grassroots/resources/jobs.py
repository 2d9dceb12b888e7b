"""Daily reminders to equipment keepers (filled in with the equipment slice)."""
