#!/usr/bin/env python3
"""Sets up a benchmark drop on a running Stagedoor and writes one line per fan:
bearer token, queue token and the seat that fan will try to hold (tab separated).

usage: drop_setup.py BASE_URL FANS SEATS_PER_ROW HOT OUT
  HOT=1: every fan targets the same seat; HOT=0: fan i targets seat i (needs FANS seats).
The fans enter the waiting room (which admits everyone: maxActive 1,000,000) and wait
until admitted, so their queue tokens pass the service's admission check.
"""
import concurrent.futures
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from tokens import token  # noqa: E402

SECRET = os.environ.get("SECRET", "stagedoor-test-auth-secret-0123456789abcdef").encode()
local = threading.local()


def call(base, method, path, bearer, body=None):
    if not hasattr(local, "conn"):
        url = urllib.parse.urlparse(base)
        local.conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
    headers = {"Authorization": f"Bearer {bearer}"}
    data = None
    if body is not None:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    local.conn.request(method, path, body=data, headers=headers)
    response = local.conn.getresponse()
    payload = response.read()
    return response.status, (json.loads(payload) if payload else None)


def main():
    base, fans, per_row, hot, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1", sys.argv[5]
    admin = token("bench-admin", SECRET, roles=("admin",))
    run = int(time.time())
    _, concert = call(base, "POST", "/api/admin/concerts", admin, {"title": f"Bench drop {run}", "venue": "Bench"})
    call(base, "PUT", f"/api/admin/concerts/{concert['id']}/queue", admin,
         {"maxActive": 1000000, "admitPerSecond": 100000, "activeTtlSeconds": 3600})
    seats_needed = 1 if hot else fans
    rows = max(1, -(-seats_needed // per_row))
    _, schedule = call(base, "POST", f"/api/admin/concerts/{concert['id']}/schedules", admin,
                       {"startsAt": "2099-06-01T19:00:00Z",
                        "sections": [{"name": "A", "rows": rows, "seatsPerRow": per_row, "price": 100}]})
    _, seats = call(base, "GET", f"/api/schedules/{schedule['id']}/seats", admin)
    seat_ids = [s["id"] for s in seats]
    bearers = [token(f"fan{run}-{i}", SECRET) for i in range(fans)]
    queue = f"/api/concerts/{concert['id']}/queue"

    def admitted(bearer):
        call(base, "POST", queue, bearer)
        for _ in range(600):
            status, view = call(base, "GET", queue, bearer)
            if status == 200 and view["status"] == "ADMITTED":
                return view["token"]
            time.sleep(0.1)
        raise RuntimeError("not admitted")

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        queue_tokens = list(pool.map(admitted, bearers))
    with open(out, "w") as f:
        for i, (bearer, queue_token) in enumerate(zip(bearers, queue_tokens)):
            seat = seat_ids[0] if hot else seat_ids[i]
            f.write(f"{bearer}\t{queue_token}\t{seat}\n")
    print(json.dumps({"concert": concert["id"], "schedule": schedule["id"], "seats": len(seat_ids), "fans": fans}))


if __name__ == "__main__":
    main()
