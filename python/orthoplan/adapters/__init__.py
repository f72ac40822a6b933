"""Adapters to the outside world: the SQL store, password hashing, the audit log."""
