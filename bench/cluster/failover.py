#!/usr/bin/env python3
"""One failover round of bench/cluster/failover.sh (run it through that script).

usage: failover.py BASE_URL REDIS_PORT STATE_DIR
Sets up a drop through BASE_URL (the HAProxy port), finds the Redis master that owns the
schedule's hash slot, makes 10 holds, kills that master with kill -9 and keeps sending one
hold (a new fan, a new seat) every 100 ms. Prints one JSON line: the time from the kill to
the first successful hold after it ("recovered_s"), the replies during the gap by status,
the slowest reply, and how many of the 10 earlier holds are no longer HELD ("lost").
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
BEFORE = 10
INTERVAL = 0.1
GIVE_UP = 60.0


def hold(base, bearer, queue_token, schedule, seat):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
    started = time.monotonic()
    try:
        conn.request("POST", f"/api/schedules/{schedule}/reservations", body=json.dumps({"seatIds": [seat]}),
                     headers={"Authorization": f"Bearer {bearer}", "Queue-Token": queue_token,
                              "Content-Type": "application/json"})
        response = conn.getresponse()
        payload = response.read()
        body = json.loads(payload) if payload else {}
        return response.status, body, response.getheader("Retry-After"), time.monotonic() - started
    except OSError as ex:
        return 0, {"code": type(ex).__name__}, None, time.monotonic() - started
    finally:
        conn.close()


def redis(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True, check=True).stdout


def master_of(slot, ports):
    """(port, node id) of the live master serving the slot, asked of any node that answers."""
    for port in ports:
        try:
            nodes = redis(port, "cluster", "nodes")
        except subprocess.CalledProcessError:
            continue
        for line in nodes.splitlines():
            fields = line.split()
            if "master" not in fields[2] or "fail" in fields[2]:
                continue
            for r in fields[8:]:
                if r.startswith("["):
                    continue
                lo, _, hi = r.partition("-")
                if int(lo) <= slot <= int(hi or lo):
                    return int(fields[1].split(":")[1].split("@")[0]), fields[0]
    raise RuntimeError(f"no master for slot {slot}")


def seats(base, bearer, schedule):
    """The seat map after the round; a 503 (the cluster still settling) or 429 is asked again."""
    url = urllib.parse.urlparse(base)
    for _ in range(60):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
        conn.request("GET", f"/api/schedules/{schedule}/seats", headers={"Authorization": f"Bearer {bearer}"})
        response = conn.getresponse()
        body = json.loads(response.read())
        if response.status == 200:
            return {s["id"]: s["status"] for s in body}
        time.sleep(int(response.getheader("Retry-After") or 1))
    raise RuntimeError(f"no seat map for schedule {schedule}: {response.status} {body}")


def setup_drop(base, fans, out):
    """The drop of one round (drop_setup.py); not part of the measurement, so tried twice."""
    for attempt in (1, 2):
        setup = subprocess.run([sys.executable, os.path.join(HERE, "..", "drop_setup.py"), base, str(fans), "50", "0",
                                out], stdout=subprocess.PIPE, text=True)
        if setup.returncode == 0:
            return json.loads(setup.stdout.strip().splitlines()[-1])["schedule"]
        print(f"drop setup failed (attempt {attempt})", file=sys.stderr)
    raise RuntimeError("could not set up a drop")


def main():
    base, first_port, state = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ports = [first_port + i for i in range(6)]
    fans = int(os.environ.get("FANS", "700"))
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "fans.tsv")
        schedule = setup_drop(base, fans, out)
        with open(out) as f:
            fan_list = [line.rstrip("\n").split("\t") for line in f]
    slot = int(redis(first_port, "cluster", "keyslot", "{s:%d}" % schedule).strip())
    port, node = master_of(slot, ports)

    held = []  # (seat) held before the kill
    gap = {}  # status -> count between the kill and the first success
    slowest = 0.0
    killed_at = recovered_at = None
    next_fan = 0
    started = time.monotonic()
    while next_fan < len(fan_list):
        tick = time.monotonic()
        bearer, queue_token, seat = fan_list[next_fan]
        next_fan += 1
        status, body, retry_after, took = hold(base, bearer, queue_token, schedule, int(seat))
        if killed_at is None:
            if status != 201:
                raise RuntimeError(f"hold failed before the kill: {status} {body}")
            held.append(int(seat))
            if len(held) == BEFORE:
                with open(os.path.join(state, "redis", str(port), "redis.pid")) as f:
                    os.kill(int(f.read().strip()), signal.SIGKILL)
                killed_at = time.monotonic()
        else:
            slowest = max(slowest, took)
            if status == 201:
                recovered_at = time.monotonic()
                break
            key = f"{status} {body.get('code', '')}" + (" Retry-After" if retry_after else "")
            gap[key] = gap.get(key, 0) + 1
            if time.monotonic() - killed_at > GIVE_UP:
                break
        time.sleep(max(0.0, INTERVAL - (time.monotonic() - tick)))
    if killed_at is None:
        raise RuntimeError("too few fans for the holds before the kill")
    statuses = seats(base, fan_list[0][0], schedule)
    lost = sum(1 for seat in held if statuses.get(seat) != "HELD")
    print(json.dumps({"schedule": schedule, "slot": slot, "killed_master": port, "killed_node": node[:8],
                      "recovered_s": None if recovered_at is None else round(recovered_at - killed_at, 2),
                      "gap_replies": gap, "slowest_gap_reply_s": round(slowest, 2), "held_before": len(held),
                      "lost": lost, "round_s": round(time.monotonic() - started, 1)}))


if __name__ == "__main__":
    main()
