"""One servicer per proto service."""
