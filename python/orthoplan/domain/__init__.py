"""Plain-Python rules of the domain: roles, scopes, the case state machine, errors. Imports nothing of the project."""
