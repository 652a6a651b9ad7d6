"""Pieces of the real stack a test starts for itself: a free loopback port, a
PostgreSQL database of its own, made anew (a missing PostgreSQL fails, never skips),
and a server process that is up before the test goes on and gone after it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests


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


@contextmanager
def serving(command: list[str], *, cwd: Path, env: dict[str, str], ready_url: str, what: str) -> Iterator[None]:
    """Run ``command`` in its own process group until ``ready_url`` answers 200 (or fail
    with its output), and stop the whole group afterwards."""
    server = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(ready_url, timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start:\n{server.stdout.read()[-5000:] if server.stdout else ''}", pytrace=False)
            time.sleep(0.3)
        yield
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
