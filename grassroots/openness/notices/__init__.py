"""Notices (党务公开): publishing to an audience, 公示 with objections, the openness
catalogue and drafts made from the records."""
