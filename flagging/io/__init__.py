"""Reading JSON Lines input so that every line yields exactly one record."""
