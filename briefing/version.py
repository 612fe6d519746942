"""The version of briefing, in one place: the package, its metadata and every file it writes say it."""

__version__ = "0.1.0"
