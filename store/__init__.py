"""Persistence for the front-desk console: the inquiry log, staff accounts, call-back requests.

Knows SQLAlchemy but not Flask: every function takes a Session, so the same code
serves requests, CLI commands and tests against SQLite or PostgreSQL.
"""
