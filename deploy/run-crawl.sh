#!/usr/bin/env bash
# One scheduled crawl, for cron or a systemd timer. Never overlaps itself (flock), logs
# to var/log/, and exits with the crawl's status so the scheduler sees failures.
#   deploy/run-crawl.sh [extra scrapy args, e.g. -a mode=full]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log
exec 9>var/crawl.lock
if ! flock -n 9; then
    echo "$(date -Is) previous crawl still running; skipping this slot" >>var/log/cron.log
    exit 0
fi
log="var/log/crawl-$(date -u +%Y%m%dT%H%M%SZ).log"
status=0
.venv/bin/scrapy crawl moscowtimes -a mode=incremental -s LOG_FILE="$log" "$@" || status=$?
echo "$(date -Is) crawl finished with status $status (log $log)" >>var/log/cron.log
exit "$status"
