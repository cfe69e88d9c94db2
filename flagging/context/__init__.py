"""ConText-style context for case notes: negated, hypothetical, historical,
other experiencer, general and explained (see ``shared/spec/context.md``)."""

from flagging.context.apply import ContextResult, Trigger, assign_context, find_triggers

__all__ = ["ContextResult", "Trigger", "assign_context", "find_triggers"]
