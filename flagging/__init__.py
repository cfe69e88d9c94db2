"""flagging: suggests review flags for signals of undermining in Dutch case notes.

The library *suggests*; a person decides. Nothing here files, sends or escalates
anything. Importing the package has no side effects: no logging set-up, no
network, no model download.
"""

import logging

from flagging.suggest import Flagger, Signal, Suggestion

__all__ = ["Flagger", "Signal", "Suggestion", "Redactor", "__version__"]
__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str):
    # The redactor pulls in Presidio and Deduce: import it only when asked for.
    if name == "Redactor":
        from flagging.redact.redactor import Redactor

        return Redactor
    raise AttributeError(name)
