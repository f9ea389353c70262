"""traceaudit: mechanical spec-to-code traceability for FastAPI backends."""

__version__ = "0.1.0"
