"""Start a server command as printed, ask it a few pages, stop it; print what it said.

    python serve_probe.py [--private-network] --command COMMAND PORT PATH [PATH ...]

With --private-network (run under `unshare --net`) it first brings up the loopback of
the new network namespace: a command that always listens on the same port (8000, say)
then collides with nothing else on the machine. Prints one JSON object: for each path,
[status, body], plus the end of the server's output; exits 1 if it never answered.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # devtools/

from devtools.processes import NotReady, stop_process_group, wait_until_ready

START_TIMEOUT = 120.0


def get(url: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url)  # noqa: S310 - loopback only
    try:
        with opener.open(request, timeout=20) as response:
            return int(response.status), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode(errors="replace")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--private-network", action="store_true")
    parser.add_argument("--command", required=True, help="a shell command line")
    parser.add_argument("port", type=int)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    command = str(args.command)
    if args.private_network:
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    base = f"http://127.0.0.1:{args.port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S602 - the command line as printed
            command,
            shell=True,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        answers: dict[str, object] = {}
        try:
            wait_until_ready(process, lambda: get(base + args.paths[0]), START_TIMEOUT)
            answers = {path: list(get(base + path)) for path in args.paths}
            answered = True
        except NotReady as error:
            answers["error"] = f"`{command}` {error}"
            answered = False
        finally:
            stop_process_group(process)
        log.seek(0)
        answers["log"] = log.read().decode(errors="replace")[-4000:]
    print(json.dumps(answers))
    return 0 if answered else 1


if __name__ == "__main__":
    sys.exit(main())
