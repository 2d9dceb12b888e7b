"""The insights' tables live with the part that owns them."""

from grassroots.insights.topics.models import HotTopic, TopicRun

__all__ = ["HotTopic", "TopicRun"]
