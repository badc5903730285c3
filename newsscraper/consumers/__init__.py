"""What downstream consumers read: the text layout of an article, the database handle
the read-only commands (``export``, ``show``, ``runs``) share."""
