"""Evaluation harnesses and data (not shipped in the wheel)."""
