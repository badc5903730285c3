#!/usr/bin/env bash
# Ask scrapyd for one crawl (scrapyd has no timer: cron or a systemd timer calls this).
#   deploy/scrapyd/schedule.sh [-a NAME=VALUE]... [-s NAME=VALUE]...
#   deploy/scrapyd/schedule.sh -a mode=full -a since=31d
#   deploy/scrapyd/schedule.sh -a base_url=http://127.0.0.1:8000 -s NEWSSCRAPER_PROFILE=replica
# -a is a spider argument, -s a Scrapy setting, as for `scrapy crawl`. SCRAPYD_URL: the
# scrapyd to ask (default http://127.0.0.1:6800). MONGO_URI belongs in scrapyd's own
# environment, never here: scrapyd logs every job's settings.
# Prints the job id. Exit status: 0 scheduled, 1 scrapyd refused or was unreachable,
# 2 bad arguments, 75 skipped because a crawl is still pending or running.
set -euo pipefail
url="${SCRAPYD_URL:-http://127.0.0.1:6800}"
url="${url%/}"
project=newsscraper
spider=moscowtimes

fail() { echo "schedule.sh: $1" >&2; exit "${2:-1}"; }

fields=(--data-urlencode "project=$project" --data-urlencode "spider=$spider")
while [ $# -gt 0 ]; do
    case "$1" in
        -a|-s)
            [ $# -ge 2 ] && [[ "$2" == [A-Za-z_]*=* ]] || fail "$1 needs NAME=VALUE" 2
            if [ "$1" = -a ]; then fields+=(--data-urlencode "$2")
            else fields+=(--data-urlencode "setting=$2"); fi
            shift 2 ;;
        *) fail "unknown argument '$1' (usage: schedule.sh [-a NAME=VALUE]... [-s NAME=VALUE]...)" 2 ;;
    esac
done

# field FIELD < scrapyd's JSON answer: the field, or "error: MESSAGE" when scrapyd said no
field() {
    python3 -c '
import json, sys
try:
    answer = json.load(sys.stdin)
except ValueError:
    sys.exit("error: not a scrapyd answer")
if answer.get("status") != "ok":
    sys.exit("error: " + str(answer.get("message", answer)).strip().splitlines()[-1])
print(answer[sys.argv[1]] if sys.argv[1] != "busy" else " ".join(
    job["id"] for job in answer["pending"] + answer["running"] if job["spider"] == sys.argv[2]))
' "$@"
}

# Overlap guard: one crawl per database at a time. Replaced by the run lease in MongoDB
# once it exists (a second crawl then exits 75 by itself); delete this block then.
jobs=$(curl -sS --fail-with-body "$url/listjobs.json?project=$project") \
    || fail "scrapyd at $url is unreachable"
busy=$(printf '%s' "$jobs" | field busy "$spider" 2>&1) || busy=""
[ -z "$busy" ] || fail "skipped: crawl $busy is still pending or running" 75

answer=$(curl -sS --fail-with-body "$url/schedule.json" "${fields[@]}") \
    || fail "scrapyd at $url is unreachable or failed"
job=$(printf '%s' "$answer" | field jobid 2>&1) || fail "scrapyd at $url refused the job: ${job#error: }"
echo "$job"
