"""Scheduled work for practical deeds: flags for overdue or poorly rated deeds."""
