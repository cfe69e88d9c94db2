"""Dutch personal-data redaction on Presidio, with Deduce's lookup lists."""
