#!/usr/bin/env bash
# Ask scrapyd to run one crawl (scrapyd itself has no timer: call this from cron or a
# systemd timer). Usage: deploy/scrapyd/schedule.sh [mode] ; SCRAPYD_URL overrides.
set -euo pipefail
url="${SCRAPYD_URL:-http://127.0.0.1:6800}"
mode="${1:-incremental}"
curl -fsS "$url/schedule.json" -d project=newsscraper -d spider=moscowtimes -d "mode=$mode"
echo
