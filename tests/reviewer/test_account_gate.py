"""`/account`'s passphrase check goes through the sign-in gate (finding 10 of issue 9): a
session, stolen or not, cannot run Argon2 checks past the process's bound."""

from __future__ import annotations

import threading

from crypto.gate import Gate
from tests.factories import World, sign_in, token_of


def test_account_passphrase_check_waits_for_the_sign_in_gate(world: World) -> None:
    client = sign_in(world, "somchai")
    gate = Gate(concurrency=1, per_second=1000)
    world.reviewer_app.extensions["westrong_signin_gate"] = gate
    release, taken = threading.Event(), threading.Event()

    def hold() -> None:
        taken.set()
        release.wait(10)

    holder = threading.Thread(target=lambda: gate.run(hold))
    holder.start()
    try:
        assert taken.wait(5)
        data = {
            "csrf_token": token_of(client, "/account"),
            "passphrase": world.people["somchai"].passphrase,
        }
        busy = client.post("/account", data=data)
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "5"
        assert client.get("/").status_code == 200  # nothing changed: still signed in
    finally:
        release.set()
        holder.join(10)
    done = client.post("/account", data=data)
    assert done.status_code == 200
    assert 'id="new-passphrase"' in done.get_data(as_text=True)
