"""Thin clients over the API: the `orthoplan` command line."""
