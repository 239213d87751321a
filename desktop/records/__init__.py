"""The records core: reading, validating, editing and saving front-matter records. Never imports Qt."""
