"""A course's optional short quiz: questions written by its authors, answered by those
who studied the course. Never part of completion or hours, never a score of a person
shown to anyone else: officers see per question how many answered and the share right."""
