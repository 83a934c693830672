#!/usr/bin/env bash
# Runs flowd's runtime tests against a throwaway PostgreSQL cluster: pg_virtualenv -t (Debian
# postgresql-common) creates one, exports PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE, runs
# the command and drops the cluster. Usage: tests/runtime/run.sh [build-dir] [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
shift || true
# -t: the cluster lives in a temporary directory, not /var/lib/postgresql/<v>/regress, so a
# cluster left behind by a killed run (or one running beside this) cannot block this one.
exec pg_virtualenv -t ctest --test-dir "$build" -R '^Runtime\.' --output-on-failure "$@"
