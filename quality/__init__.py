"""Validation of submissions: the rules of PROTOCOL.md as Great Expectations suites, and their reports."""
