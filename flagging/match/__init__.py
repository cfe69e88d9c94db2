"""Token-pattern matching for lexicon entries and context triggers."""
