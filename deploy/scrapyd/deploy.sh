#!/usr/bin/env bash
# Build the project egg and upload it to scrapyd with scrapyd-deploy (target `env` in
# scrapy.cfg: SCRAPYD_URL, default http://127.0.0.1:6800). Extra arguments go to
# scrapyd-deploy (e.g. -v VERSION). Exits non-zero when the build or the upload failed
# or scrapyd could not load the egg: scrapyd answers that with HTTP 200 and
# {"status": "error"}, which scrapyd-deploy itself passes on with exit status 0.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export SCRAPYD_URL="${SCRAPYD_URL:-http://127.0.0.1:6800}"
cd "$root"
err=$(mktemp)
trap 'rm -f "$err"' EXIT
status=0
out=$(.venv/bin/scrapyd-deploy env "$@" 2>"$err") || status=$?
if [ "$status" -ne 0 ]; then
    grep -v '^\(Traceback\|  \)' "$err" | tail -n 1 | sed 's/^/deploy.sh: /' >&2
    exit "$status"
fi
cat "$err" >&2
# scrapyd's answer: {"status": "ok", ...}, or "error" with a traceback as the message
if ! problem=$(printf '%s' "$out" | python3 -c '
import json, sys
try:
    answer = json.load(sys.stdin)
except ValueError:
    sys.exit("its answer is not JSON")
if answer.get("status") != "ok":
    sys.exit(str(answer.get("message", answer)).strip().splitlines()[-1])
' 2>&1); then
    echo "deploy.sh: failed: scrapyd at $SCRAPYD_URL did not accept the egg: $problem" >&2
    exit 1
fi
printf '%s\n' "$out"
