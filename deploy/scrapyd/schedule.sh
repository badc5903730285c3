#!/usr/bin/env bash
# Ask scrapyd for one crawl (scrapyd has no timer: cron or a systemd timer calls this).
#   deploy/scrapyd/schedule.sh [-a NAME=VALUE]... [-s NAME=VALUE]...
#   deploy/scrapyd/schedule.sh -a mode=full -a since=31d
#   deploy/scrapyd/schedule.sh -a base_url=http://127.0.0.1:8000 -s NEWSSCRAPER_PROFILE=replica
# -a is a spider argument, -s a Scrapy setting, as for `scrapy crawl`. SCRAPYD_URL: the
# scrapyd to ask (default http://127.0.0.1:6800). NEWSSCRAPER_RUN_SECONDS: the crawl's
# time bound (1500). MONGO_URI belongs in scrapyd's own environment, never here: scrapyd
# logs every job's settings.
# Prints the job id. Exit status: 0 scheduled, 1 scrapyd refused or was unreachable,
# 2 bad arguments. A job that starts while another crawl of its database runs ends at
# once as skipped (the run lease; status 75 in scrapyd's log).
set -euo pipefail
url="${SCRAPYD_URL:-http://127.0.0.1:6800}"
url="${url%/}"
project=newsscraper
spider=moscowtimes

fail() { echo "schedule.sh: $1" >&2; exit "${2:-1}"; }

# bounded like deploy/run-crawl.sh: the crawl closes itself after NEWSSCRAPER_RUN_SECONDS
# (CLOSESPIDER_TIMEOUT, default 1500) unless -s CLOSESPIDER_TIMEOUT=... says otherwise
run_seconds="${NEWSSCRAPER_RUN_SECONDS:-1500}"
[[ "$run_seconds" =~ ^[1-9][0-9]*$ ]] || fail "NEWSSCRAPER_RUN_SECONDS must be a positive number of seconds" 2
bounded=no

fields=(--data-urlencode "project=$project" --data-urlencode "spider=$spider")
while [ $# -gt 0 ]; do
    case "$1" in
        -a|-s)
            [ $# -ge 2 ] && [[ "$2" == [A-Za-z_]*=* ]] || fail "$1 needs NAME=VALUE" 2
            if [ "$1" = -a ]; then fields+=(--data-urlencode "$2")
            else
                fields+=(--data-urlencode "setting=$2")
                [[ "$2" == CLOSESPIDER_TIMEOUT=* ]] && bounded=yes
            fi
            shift 2 ;;
        *) fail "unknown argument '$1' (usage: schedule.sh [-a NAME=VALUE]... [-s NAME=VALUE]...)" 2 ;;
    esac
done
[ "$bounded" = yes ] || fields+=(--data-urlencode "setting=CLOSESPIDER_TIMEOUT=$run_seconds")

# jobid < scrapyd's JSON answer: the job id, or "error: MESSAGE" when scrapyd said no
jobid() {
    python3 -c '
import json, sys
try:
    answer = json.load(sys.stdin)
except ValueError:
    sys.exit("error: not a scrapyd answer")
if answer.get("status") != "ok":
    sys.exit("error: " + str(answer.get("message", answer)).strip().splitlines()[-1])
print(answer["jobid"])
'
}

answer=$(curl -sS --fail-with-body "$url/schedule.json" "${fields[@]}") \
    || fail "scrapyd at $url is unreachable or failed"
job=$(printf '%s' "$answer" | jobid 2>&1) || fail "scrapyd at $url refused the job: ${job#error: }"
echo "$job"
