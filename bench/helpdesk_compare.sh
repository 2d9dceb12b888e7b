#!/usr/bin/env bash
# Submitting and listing in django-helpdesk, timed like bench/appeals.py times Grassroots,
# on the same machine and the same PostgreSQL server (docs/benchmarks.md, "Appeals").
#
#   bench/helpdesk_compare.sh setup [--tickets 1000000] [--reset]   # venv, project, data
#   flock /tmp/bench.lock bench/helpdesk_compare.sh measure [--out FILE]
#
# django-helpdesk comes from PyPI into its own virtual environment (HELPDESK_BENCH_DIR,
# default /tmp/grassroots-helpdesk-bench), with a Django release it supports; the
# minimal project it runs in is written there by bench/helpdesk_bench.py. Nothing of
# django-helpdesk is copied into this repository. Database: HELPDESK_DATABASE_URL,
# default postgres://postgres@127.0.0.1:5432/helpdesk_bench.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${HELPDESK_BENCH_DIR:-/tmp/grassroots-helpdesk-bench}"
PYTHON="${HELPDESK_PYTHON:-python3.12}"
HELPDESK_VERSION="${HELPDESK_VERSION:-2.6.1}"
# 2.6.1 declares Django 5.2 and 6.0; pin the newest it declares.
DJANGO_SPEC="${HELPDESK_DJANGO:-django>=6.0,<6.1}"

command="${1:-}"
shift || true
case "$command" in
  setup)
    if [ ! -x "$DIR/venv/bin/python" ]; then
      mkdir -p "$DIR"
      "$PYTHON" -m venv "$DIR/venv"
    fi
    "$DIR/venv/bin/pip" install --quiet "django-helpdesk==$HELPDESK_VERSION" "$DJANGO_SPEC" "psycopg[binary]" \
      "gunicorn>=23"  # bench/http_compare.py serves it over HTTP
    "$DIR/venv/bin/pip" freeze | grep -i -E '^(django|django-helpdesk|psycopg|gunicorn)==' || true
    "$DIR/venv/bin/python" "$HERE/helpdesk_bench.py" setup --project "$DIR/project" "$@"
    ;;
  measure)
    "$DIR/venv/bin/python" "$HERE/helpdesk_bench.py" measure --project "$DIR/project" "$@"
    ;;
  *)
    echo "usage: $0 setup [--tickets N] [--reset] | measure [--out FILE]" >&2
    exit 2
    ;;
esac
