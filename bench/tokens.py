#!/usr/bin/env python3
"""Writes N bearer tokens (HS256, one per line) for users PREFIX-FIRST..PREFIX-(FIRST+N-1).

usage: tokens.py N SECRET [PREFIX [FIRST]] > tokens.txt
PREFIX defaults to "bench", FIRST to 1; N = 0 writes one admin token (sub PREFIX-admin).
Example: tokens.py 3 SECRET fan 2  ->  fan-2, fan-3, fan-4 (the dev launcher's fan is fan-1).
The secret is stagedoor.auth.jwt-secret of the running service (the test infrastructure's
dev secret, printed by ./mvnw spring-boot:test-run). Tokens carry sub, iat and exp (6 h).
"""
import base64
import hashlib
import hmac
import json
import sys
import time


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(subject: str, secret: bytes, roles=()) -> str:
    now = int(time.time())
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"sub": subject, "iat": now, "exp": now + 6 * 3600, "roles": list(roles)}).encode())
    signature = hmac.new(secret, f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{b64(signature)}"


def main() -> None:
    count, secret = int(sys.argv[1]), sys.argv[2].encode()
    prefix = sys.argv[3] if len(sys.argv) > 3 else "bench"
    first = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    if count == 0:
        print(token(f"{prefix}-admin", secret, roles=("admin",)))
        return
    out = sys.stdout
    for i in range(first, first + count):
        out.write(token(f"{prefix}-{i}", secret) + "\n")


if __name__ == "__main__":
    main()
