"""Consultations on decisions (征求意见, 三重一大): comments, moderation, an answer to
every comment, the adoption report."""
