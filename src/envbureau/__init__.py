"""envbureau — open-source platform for ecological-environment bureaus."""

__version__ = "0.1.0"
