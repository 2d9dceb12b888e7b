"""The "you said, we did" (你说我改) page of a unit."""
