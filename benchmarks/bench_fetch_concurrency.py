"""Fetching many URLs at once: ``claimtrack ingest --jobs 16`` vs ``--jobs 1``.

    python benchmarks/bench_fetch_concurrency.py [--urls 100] [--delay 0.2] [--extract] [--quick]

A local HTTP server on 127.0.0.1 answers every request after an artificial delay (200 ms, like
a slow news site), with a distinct small article per URL. Each run is the real command in a
subprocess (``python -m claimtrack ingest --json --no-extract URL...``) into a fresh
workspace; ``--extract`` includes claim extraction and linking, which run in the writing
thread and are not sped up by --jobs. Target from the issue: 100 URLs with --jobs 16 in under
3 s, against about 20 s one by one.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def article(n: int) -> bytes:
    body = "".join(
        f"<p>Report {n}, part {k}: the company said its assistant handled {n * 1000 + k:,} "
        f"chats in {k + 3} markets, and analysts estimated savings of ${n + k} million.</p>"
        for k in range(8)
    )
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Report {n}</title>"
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>Report {n}</h1>{body}"
        f"</article><footer>Example News</footer></body></html>"
    ).encode()


def serve(delay: float) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            time.sleep(delay)
            n = int(self.path.rsplit("/", 1)[-1] or 0)
            body = article(n)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(urls: list[str], jobs: int, scratch: Path, extract: bool) -> tuple[float, int]:
    ws = scratch / f"ws-jobs{jobs}"
    subprocess.run([sys.executable, "-m", "claimtrack", "init", str(ws)], check=True, cwd=ROOT,
                   capture_output=True)  # fmt: skip
    command = [sys.executable, "-m", "claimtrack", "-w", str(ws), "ingest", "--json"]
    if not extract:
        command.append("--no-extract")
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--jobs", str(jobs), *urls], cwd=ROOT, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    ok = sum(1 for line in done.stdout.splitlines() if json.loads(line)["error"] is None)
    if ok != len(urls):
        print(f"warning: {len(urls) - ok} URLs failed: {done.stderr[-300:]}", file=sys.stderr)
    return elapsed, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--urls", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds per response")
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--extract", action="store_true", help="include claim extraction")
    parser.add_argument("--quick", action="store_true", help="smoke test: 20 URLs")
    args = parser.parse_args()
    if args.quick or os.environ.get("BENCH_QUICK"):
        args.urls = min(args.urls, 20)
    server = serve(args.delay)
    base = f"http://127.0.0.1:{server.server_port}/article"
    urls = [f"{base}/{n}" for n in range(args.urls)]
    try:
        with tempfile.TemporaryDirectory(prefix="bench_fetch_") as tmp:
            parallel, ok_parallel = run(urls, args.jobs, Path(tmp), args.extract)
            serial, ok_serial = run(urls, 1, Path(tmp), args.extract)
    finally:
        server.shutdown()
        server.server_close()
    floor = args.urls * args.delay
    print(
        f"{args.urls} URLs, {args.delay * 1000:.0f} ms per response (one by one at least {floor:.0f} s)"
    )
    print(f"  --jobs 1    {serial:6.2f} s  ({ok_serial} ingested)")
    print(f"  --jobs {args.jobs:<4} {parallel:6.2f} s  ({ok_parallel} ingested)")
    print(f"  speed-up    {serial / parallel:6.1f}x  (target: --jobs 16 under 3 s)")


if __name__ == "__main__":
    main()
