"""Service carriers: activities with sign-up, a waitlist and volunteer hours."""
