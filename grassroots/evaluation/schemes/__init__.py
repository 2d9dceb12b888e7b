"""Indicator schemes (党建绩效考核): dimensions and indicators with points and scoring
curves, scores computed from the records, objections (异议) and results."""
