"""Opt-in profiles: rules fitted to one kind of benchmark, kept out of the default path."""
