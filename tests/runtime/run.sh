#!/usr/bin/env bash
# Runs flowd's runtime tests against a throwaway PostgreSQL cluster: pg_virtualenv (Debian
# postgresql-common) creates one, exports PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE, runs
# the command and drops the cluster. Usage: tests/runtime/run.sh [build-dir] [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
shift || true
exec pg_virtualenv ctest --test-dir "$build" -R '^Runtime\.' --output-on-failure "$@"
