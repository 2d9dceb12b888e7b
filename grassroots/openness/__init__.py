"""Openness (党务公开) and consultations (征求意见): notices with their audiences and the
openness catalogue, consultations on decisions with an answer to every comment and the
adoption report, and the "you said, we did" page."""
