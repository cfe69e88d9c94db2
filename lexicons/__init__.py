"""Data package: Dutch lexicons, context rules and lookup lists (no code).

Installed as ``flagging.lexicons`` so the files ship inside the wheel and load
with :mod:`importlib.resources` from any working directory.
"""
