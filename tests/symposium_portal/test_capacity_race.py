"""Concurrency on real PostgreSQL over real HTTP (gunicorn, several worker processes).

Indico checks capacity without a lock and overbooks; here 50 simultaneous registrations for
10 seats must give exactly 10 seats and 40 on the waiting list, every time, and the same
for the confirmations that make the seats count.
"""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

from digiready.storage import migrate

from .conftest import REG, csrf_from, seed, start_gunicorn, stop

N_CLIENTS, SEATS, ROUNDS = 50, 10, 3


@pytest.fixture
def pg_server(postgres_url, tmp_path, portal_env):
    migrate.upgrade(postgres_url)
    import os

    os.environ["DIGIREADY_DATABASE_URL"] = postgres_url
    try:
        seed(postgres_url, capacity=SEATS)
    finally:
        del os.environ["DIGIREADY_DATABASE_URL"]
    env = {"DIGIREADY_DATABASE_URL": postgres_url, "DIGIREADY_VAR_DIR": str(tmp_path / "var"),
           "DIGIREADY_PORTAL_RATELIMIT": "100000/minute",
           "DIGIREADY_SECRET_KEY": "race-test-secret"}
    proc, base = start_gunicorn(env, workers=4, threads=8)
    engine = create_engine(postgres_url)
    yield base, engine
    stop(proc)
    engine.dispose()


def _statuses(engine) -> dict[str, int]:
    """Statuses counted from the rows, after checking the event's counters agree."""
    with engine.connect() as conn:
        counts = dict(conn.execute(text(
            "SELECT status, count(*) FROM portal_registration GROUP BY status")).all())
        taken, waiting = conn.execute(text(
            "SELECT seats_taken, waitlisted_count FROM portal_event")).one()
    seat_rows = sum(counts.get(s, 0) for s in ("held", "pending_approval", "confirmed"))
    assert (taken, waiting) == (seat_rows, counts.get("waitlisted", 0))
    return counts


def _run_concurrently(fn, n: int) -> list:
    barrier = threading.Barrier(n)

    def wrapped(i):
        return fn(i, barrier)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(wrapped, range(n)))


def _fresh_connection(s: requests.Session) -> None:
    """Drop the session's keep-alive connections (its cookies stay). gunicorn closes a
    connection after 2 s idle; on a loaded machine a client waits longer than that at the
    barrier or for the others, and reusing the closed connection fails ("connection reset",
    "remote end closed connection") before the request is even sent."""
    s.close()


def _register(base: str, email: str, barrier: threading.Barrier) -> tuple[requests.Session, int]:
    s = requests.Session()
    token = csrf_from(s.get(base + "/register", timeout=30).text)
    barrier.wait(120)  # generous: a loaded CI machine is slow to get 50 clients ready
    _fresh_connection(s)
    r = s.post(base + "/register", data={**REG, "email": email, "csrf_token": token},
               allow_redirects=False, timeout=60)
    return s, r.status_code


def _confirm(base: str, s: requests.Session, link: str, barrier: threading.Barrier) -> int:
    _fresh_connection(s)
    r = s.get(base + link, timeout=30)
    assert r.status_code == 200, r.status_code
    token = csrf_from(r.text)
    barrier.wait(120)  # generous: a loaded CI machine is slow to get 50 clients ready
    _fresh_connection(s)
    return s.post(base + "/me/confirm", data={"csrf_token": token}, allow_redirects=False,
                  timeout=60).status_code


def _links(engine, run: int) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT to_email, body FROM portal_outbox WHERE kind IN "
            "('received_held', 'received_waitlisted') AND to_email LIKE :p"),
            {"p": f"r{run}-%"}).all()
    return {email: re.search(r"https?://[^/\s]+(/r/\S+)", body).group(1)
            for email, body in rows}


def test_fifty_concurrent_registrations_for_ten_seats(pg_server):
    base, engine = pg_server
    for run in range(ROUNDS):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM portal_outbox"))
            conn.execute(text("DELETE FROM portal_registration"))
            conn.execute(text("UPDATE portal_event SET seats_taken = 0, waitlisted_count = 0"))
        emails = [f"r{run}-p{i}@example.org" for i in range(N_CLIENTS)]
        results = _run_concurrently(
            lambda i, b, emails=emails: _register(base, emails[i], b), N_CLIENTS)
        assert [code for _s, code in results] == [303] * N_CLIENTS, f"run {run}"
        assert _statuses(engine) == {"held": SEATS, "waitlisted": N_CLIENTS - SEATS}, run

        links = _links(engine, run)
        assert len(links) == N_CLIENTS
        sessions = {emails[i]: results[i][0] for i in range(N_CLIENTS)}
        codes = _run_concurrently(
            lambda i, b, s=sessions, e=emails, ln=links: _confirm(base, s[e[i]], ln[e[i]], b),
            N_CLIENTS)
        assert codes == [303] * N_CLIENTS
        assert _statuses(engine) == {"confirmed": SEATS, "waitlisted": N_CLIENTS - SEATS}, run

    # A confirmed registrant withdraws: the head of the waiting list gets the seat.
    with engine.connect() as conn:
        leaver = conn.execute(text(
            "SELECT email FROM portal_registration WHERE status = 'confirmed' LIMIT 1")).scalar()
        head = conn.execute(text(
            "SELECT email FROM portal_registration WHERE status = 'waitlisted' "
            "ORDER BY waitlisted_at, id LIMIT 1")).scalar()
    s = sessions[leaver]
    _fresh_connection(s)
    token = csrf_from(s.get(base + "/me/withdraw", timeout=30).text)
    assert s.post(base + "/me/withdraw", data={"csrf_token": token}, allow_redirects=False,
                  timeout=30).status_code == 303
    assert _statuses(engine) == {"confirmed": SEATS, "waitlisted": N_CLIENTS - SEATS - 1,
                                 "withdrawn": 1}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM portal_registration WHERE email = :e"),
                            {"e": head}).scalar() == "confirmed"
        kinds = [k for (k,) in conn.execute(text(
            "SELECT kind FROM portal_outbox WHERE to_email = :e ORDER BY id"), {"e": head})]
    assert kinds[-1] == "promoted_confirmed"


def test_duplicate_registration_race_stores_one_row(pg_server):
    base, engine = pg_server
    variants = ["dup@example.org", "DUP@example.org", "Dup@Example.Org", "dup@EXAMPLE.ORG"]
    results = _run_concurrently(
        lambda i, b: _register(base, variants[i % len(variants)], b), 20)
    codes = sorted(code for _s, code in results)
    assert codes == [303] + [409] * 19
    with engine.connect() as conn:
        assert conn.execute(text(
            "SELECT count(*) FROM portal_registration WHERE lower(email) = 'dup@example.org'"
        )).scalar() == 1


def test_sqlite_concurrent_registrations_respect_capacity(sqlite_portal, live_server):
    """The default SQLite store under a threaded server: the write lock plays the row lock's
    part, so 20 simultaneous registrations for 5 seats hold exactly 5."""
    from sqlalchemy import update as sa_update

    from symposium_portal.db import new_session
    from symposium_portal.programme.models import Event

    dbs = new_session()
    dbs.execute(sa_update(Event).values(capacity=5))
    dbs.commit()
    dbs.close()
    results = _run_concurrently(
        lambda i, b: _register(live_server, f"lite{i}@example.org", b), 20)
    assert sorted(code for _s, code in results) == [303] * 20
    from digiready.storage.engine import get_engine

    assert _statuses(get_engine(sqlite_portal)) == {"held": 5, "waitlisted": 15}
