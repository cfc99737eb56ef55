"""e1desk firmware: the call-center daemon and its command tree."""

__version__ = "0.1.0"
