"""drill: interview drills with honest judges and spaced repetition."""

__version__ = "0.1.0"
