"""Pieces of the real stack a test starts for itself: a free loopback port and a
PostgreSQL database of its own, made anew (a missing PostgreSQL fails, never skips)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import psycopg
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Database:
    name: str
    user: str
    host: str
    port: str

    @property
    def url(self) -> str:
        return f"postgres://{self.user}@{self.host}:{self.port}/{self.name}"


def fresh_database(suffix: str) -> Database:
    """``<the run's test database>_<suffix>``, dropped and created empty."""
    db = Database(f"{os.environ.get('OAUTH_EXT_TEST_DB', 'test')}_{suffix}", os.environ.get("PGUSER", "postgres"),
                  os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432"))
    try:
        with psycopg.connect(host=db.host, port=db.port, user=db.user, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db.name}"')
    except psycopg.Error as exc:
        pytest.fail(f"PostgreSQL is required at {db.host}:{db.port}: {exc}", pytrace=False)
    return db
