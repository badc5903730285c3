#!/usr/bin/env bash
# One scheduled crawl, for cron or a systemd timer:
#   deploy/run-crawl.sh [extra scrapy args, e.g. -a mode=full -a since=31d]
#
# - reads ./.env when there is one (MONGO_URI, NEWSSCRAPER_* below); runs without it
# - never overlaps itself on this machine (flock; the database lease covers the rest)
# - bounded: the crawl closes itself after NEWSSCRAPER_RUN_SECONDS (CLOSESPIDER_TIMEOUT),
#   and is killed NEWSSCRAPER_KILL_GRACE seconds later if it has not ended
# - logs to $NEWSSCRAPER_DATA_DIR/log/ at NEWSSCRAPER_LOG_LEVEL (INFO), one file per run
#   (crawl-<UTC time>-<pid>.log), pruned after NEWSSCRAPER_LOG_DAYS (14); its own notes go
#   to cron.log, rotated to cron.log.1 past NEWSSCRAPER_CRON_LOG_BYTES (1 MB); all of it
#   readable by the owner and group only
# - exits like `scrapy crawl`: 0 ok, 2 bad arguments or settings, 3 failed (also when
#   cut or killed by its time bound, or killed from outside), 4 monitors failed,
#   75 skipped (flock or lease)
#
# NEWSSCRAPER_CRAWL_ARGS (in .env or the environment) adds scrapy arguments to every run,
# e.g. NEWSSCRAPER_CRAWL_ARGS="-s NEWSSCRAPER_CONTACT=ops@example.org".
set -euo pipefail
# logs name the database host, the site's answers and whatever a crawl prints: not for
# every local user (files 640, directories 750, the crawl's own files included)
umask 027
cd "$(dirname "$0")/.."

env_file="${NEWSSCRAPER_ENV_FILE:-.env}"
if [ -f "$env_file" ]; then
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
fi

data_dir="${NEWSSCRAPER_DATA_DIR:-var}"
log_dir="$data_dir/log"
run_seconds="${NEWSSCRAPER_RUN_SECONDS:-1500}"
kill_grace="${NEWSSCRAPER_KILL_GRACE:-120}"
log_days="${NEWSSCRAPER_LOG_DAYS:-14}"
log_level="${NEWSSCRAPER_LOG_LEVEL:-INFO}"
cron_log_bytes="${NEWSSCRAPER_CRON_LOG_BYTES:-1048576}"
mkdir -p "$log_dir"
# logs written before the umask above (an upgrade) lose their other-user bits too
chmod -R g-w,o= "$log_dir"
if [ -f "$log_dir/cron.log" ] && [ "$(stat -c %s "$log_dir/cron.log")" -gt "$cron_log_bytes" ]; then
    mv -f "$log_dir/cron.log" "$log_dir/cron.log.1"
fi

note() { echo "$(date -Is) $*" >>"$log_dir/cron.log"; }

exec 9>"$data_dir/crawl.lock"
if ! flock -n 9; then
    note "previous crawl still running; skipping this slot (status 75)"
    exit 75
fi

find "$log_dir" -maxdepth 1 -name 'crawl-*.log' -mtime +"$log_days" -delete

# the pid: two runs started in the same second (one ended at once) keep a log each
log="$log_dir/crawl-$(date -u +%Y%m%dT%H%M%SZ)-$$.log"
# shellcheck disable=SC2206
extra=(${NEWSSCRAPER_CRAWL_ARGS:-})
status=0
hard_bound=$((run_seconds + kill_grace))
started=$SECONDS
timeout --kill-after=30 "$hard_bound" \
    .venv/bin/scrapy crawl moscowtimes -a mode=incremental \
    -s CLOSESPIDER_TIMEOUT="$run_seconds" -s LOG_LEVEL="$log_level" -s LOG_FILE="$log" \
    -s NEWSSCRAPER_DATA_DIR="$data_dir" "${extra[@]}" "$@" || status=$?
elapsed=$((SECONDS - started))
# timeout exits 124 when its TERM ended the crawl and 137 when its KILL did; a crawl
# killed from outside also ends 137 (or 128 + its signal), but before the bound
if [ "$status" -eq 124 ] || { [ "$status" -eq 137 ] && [ "$elapsed" -ge "$hard_bound" ]; }; then
    note "crawl killed by its time bound after ${elapsed}s (bound ${hard_bound}s; log $log)"
    status=3
elif [ "$status" -gt 128 ]; then
    note "crawl killed by signal $((status - 128)) from outside after ${elapsed}s, not by its time bound (log $log)"
    status=3
fi
note "crawl finished with status $status (log $log)"
exit "$status"
