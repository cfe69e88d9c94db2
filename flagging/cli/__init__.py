"""The ``flagging`` command line."""
