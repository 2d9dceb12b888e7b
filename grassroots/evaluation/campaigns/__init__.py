"""Multi-party evaluation campaigns: a frozen roll, a secret ballot box that nothing links
to the roll, results after close, low-score cause analysis and rectification (整改)."""
