#!/usr/bin/env bash
# Run scrapyd in the foreground with deploy/scrapyd/scrapyd.conf, everything it writes
# (eggs, job queue and history, logs) under one data dir that survives restarts.
#   deploy/scrapyd/scrapyd.sh            # data in var/scrapyd/ of this checkout
# NEWSSCRAPER_SCRAPYD_DIR: another data dir; SCRAPYD_HTTP_PORT, SCRAPYD_BIND_ADDRESS:
# where it listens. Crawls inherit this environment (MONGO_URI, MONGO_DATABASE).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data="${NEWSSCRAPER_SCRAPYD_DIR:-$root/var/scrapyd}"
mkdir -p "$data"
# scrapyd and each job runner read ./scrapyd.conf and resolve its relative directories
# from their working directory; there is no option to name a config file
ln -sfn "$here/scrapyd.conf" "$data/scrapyd.conf"
if [ -e "$HOME/.scrapyd.conf" ]; then
    echo "scrapyd.sh: warning: $HOME/.scrapyd.conf overrides deploy/scrapyd/scrapyd.conf" >&2
fi
# crawls run in the data dir: the local FerretDB (when MONGO_URI is unset) stays the
# checkout's, in var/db/, wherever the data dir is
export NEWSSCRAPER_HOME="${NEWSSCRAPER_HOME:-$root}"
cd "$data"
# no twistd.pid: a stale one left by a killed scrapyd would block the next start
exec "$root/.venv/bin/scrapyd" --pidfile= "$@"
