"""SQLAlchemy 2.0 persistence: tables, engine and migrations, unit of work."""
