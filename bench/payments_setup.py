#!/usr/bin/env python3
"""For each fan line of drop_setup.py's output (bearer, queue token, seat): charges the fan
1,000 points and holds its seat. Writes one line per fan: bearer and reservation id.

usage: payments_setup.py BASE_URL FANS_TSV OUT SCHEDULE_ID
"""
import concurrent.futures
import http.client
import json
import sys
import threading
import urllib.parse
import uuid

local = threading.local()


def call(base, method, path, headers, body=None):
    if not hasattr(local, "conn"):
        url = urllib.parse.urlparse(base)
        local.conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
    data = None if body is None else json.dumps(body)
    if data is not None:
        headers = dict(headers, **{"Content-Type": "application/json"})
    local.conn.request(method, path, body=data, headers=headers)
    response = local.conn.getresponse()
    payload = response.read()
    return response.status, (json.loads(payload) if payload else None)


def main():
    base, fans_file, out = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(fans_file) as f:
        fans = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    schedule = None

    def prepare(fan):
        bearer, queue_token, seat = fan
        auth = {"Authorization": f"Bearer {bearer}"}
        status, _ = call(base, "POST", "/api/me/points/charges", dict(auth, **{"Idempotency-Key": str(uuid.uuid4())}),
                         {"amount": 1000})
        if status != 201:
            raise RuntimeError(f"charge answered {status}")
        status, reservation = call(base, "POST", f"/api/schedules/{schedule}/reservations",
                                   dict(auth, **{"Queue-Token": queue_token}), {"seatIds": [int(seat)]})
        if status != 201:
            raise RuntimeError(f"hold answered {status}: {reservation}")
        return f"{bearer}\t{reservation['id']}"

    schedule = sys.argv[4]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        lines = list(pool.map(prepare, fans))
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
