#!/usr/bin/env python3
"""The stream half of bench/cluster/sse-failover.sh (run it through that script).

usage: sse_failover.py BASE_URL KILL_COMMAND
A fan holds a seat through BASE_URL (HAProxy) and follows the reservation's event stream
(`/api/reservations/{id}/stream`), reconnecting with `Last-Event-ID` whenever the stream
ends, as a browser's EventSource does. Once the first event (HELD, version 1) arrived, the
instance serving the stream is killed (KILL_COMMAND PORT: the port is found from the
established connections of the instances) and the fan pays at once; the stream must then
deliver PAYMENT_STARTED and CONFIRMED (versions 2 and 3) exactly once each, in order, from
another instance. Prints one JSON line.
"""
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


def request(base, method, path, bearer, body=None, headers=None):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
    try:
        all_headers = {"Authorization": f"Bearer {bearer}", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body)
            all_headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=all_headers)
        response = conn.getresponse()
        payload = response.read()
        return response.status, (json.loads(payload) if payload else {})
    finally:
        conn.close()


class Follower(threading.Thread):
    """An EventSource: reads events, reconnects with Last-Event-ID when the stream ends."""

    def __init__(self, base, bearer, reservation):
        super().__init__(daemon=True)
        self.base, self.bearer, self.reservation = base, bearer, reservation
        self.events = []  # (version, state)
        self.connections = 0
        self.last_id = None
        self.stop = False

    def run(self):
        url = urllib.parse.urlparse(self.base)
        while not self.stop:
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            headers = {"Authorization": f"Bearer {self.bearer}", "Accept": "text/event-stream"}
            if self.last_id is not None:
                headers["Last-Event-ID"] = self.last_id
            try:
                conn.request("GET", f"/api/reservations/{self.reservation}/stream", headers=headers)
                response = conn.getresponse()
                if response.status != 200:
                    response.read()
                    time.sleep(0.5)
                    continue
                self.connections += 1
                event_id, data = None, []
                while not self.stop:
                    line = response.readline()
                    if not line:
                        break  # the stream ended: reconnect
                    line = line.decode().rstrip("\r\n")
                    if line.startswith("id:"):
                        event_id = line[3:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                    elif line == "" and data:
                        body = json.loads("\n".join(data))
                        self.events.append((int(event_id), body.get("state")))
                        self.last_id = event_id
                        event_id, data = None, []
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.2)  # EventSource's reconnection delay, shortened


def serving_port(ports):
    """The instance port with an established connection from HAProxy besides health checks."""
    best, most = None, 0
    for port in ports:
        out = subprocess.run(["ss", "-Htn", "state", "established", f"( sport = :{port} )"], capture_output=True,
                             text=True).stdout
        n = len([l for l in out.splitlines() if l.strip()])
        if n > most:
            best, most = port, n
    return best


def main():
    base, kill, ports = sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3:]]
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "fan.tsv")
        setup = subprocess.run([sys.executable, os.path.join(HERE, "..", "drop_setup.py"), base, "1", "10", "0", out],
                               stdout=subprocess.PIPE, text=True, check=True)
        schedule = json.loads(setup.stdout.strip().splitlines()[-1])["schedule"]
        bearer, queue_token, seat = open(out).read().strip().split("\t")
    status, _ = request(base, "POST", "/api/me/points/charges", bearer, {"amount": 1000},
                        {"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, status
    status, held = request(base, "POST", f"/api/schedules/{schedule}/reservations", bearer, {"seatIds": [int(seat)]},
                           {"Queue-Token": queue_token})
    assert status == 201, (status, held)
    follower = Follower(base, bearer, held["id"])
    follower.start()
    deadline = time.monotonic() + 20
    while not follower.events and time.monotonic() < deadline:
        time.sleep(0.05)
    assert follower.events, "no first event"
    time.sleep(0.3)  # only the stream's connection is left open on its instance
    victim = serving_port(ports)
    subprocess.run([kill, str(victim)], check=True)
    killed_at = time.monotonic()
    paid = None
    while time.monotonic() - killed_at < 20:
        status, paid = request(base, "POST", f"/api/reservations/{held['id']}/payment", bearer)
        if status == 200:
            break
        time.sleep(0.2)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(v == 3 for v, _ in follower.events):
        time.sleep(0.05)
    follower.stop = True
    versions = [v for v, _ in follower.events]
    print(json.dumps({"reservation": held["id"], "killed_instance": victim, "paid": paid.get("state"),
                      "events": follower.events, "connections": follower.connections,
                      "complete_in_order": versions == [1, 2, 3],
                      "seconds_to_confirmed": round(time.monotonic() - killed_at, 2)}))


if __name__ == "__main__":
    main()
