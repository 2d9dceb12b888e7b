# Shared by bin/run and bin/test (sourced, not run): find Python 3.12+, create .venv,
# install Python and npm dependencies when their definitions changed. Idempotent.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mError: %s\033[0m\n' "$*" >&2; exit 1; }

python_ok() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.12 python3.13 python3.14 python3 python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      command -v "$candidate"; return 0
    fi
  done
  # pyenv keeps interpreters outside PATH until selected.
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
    if [ -x "$candidate" ] && python_ok "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

stamp_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

ensure_python_env() {
  local extras="$1"  # "" for the product, "[dev]" for tests
  if [ ! -x .venv/bin/python ] || ! python_ok .venv/bin/python; then
    local python
    python="$(find_python)" || die "Python 3.12 or newer is needed (this project pins 3.12 in .python-version).
Install it (for example 'pyenv install 3.12' or your system's python3.12 package) and run this again,
or point the PYTHON variable at it: PYTHON=/path/to/python3.12 $0"
    say "Creating the virtual environment with $("$python" --version) ($python)"
    rm -rf .venv
    "$python" -m venv .venv || die "Could not create .venv (on Debian/Ubuntu: apt-get install python3-venv)."
  fi
  local wanted current=""
  wanted="$(stamp_of pyproject.toml)$extras"
  [ -f .venv/.grassroots-installed ] && current="$(cat .venv/.grassroots-installed)"
  # A [dev] install also covers the product's needs.
  if [ "$current" != "$wanted" ] && [ "$current" != "$(stamp_of pyproject.toml)[dev]" ]; then
    say "Installing Python dependencies$extras"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extras" \
      || die "Installing the Python dependencies failed (see the messages above)."
    echo "$wanted" > .venv/.grassroots-installed
  fi
}

ensure_node_env() {
  command -v npm >/dev/null 2>&1 || die "npm (Node.js 18 or newer) is needed for the front-end files.
Install Node.js (for example 'apt-get install nodejs npm') and run this again."
  local wanted current=""
  wanted="$(stamp_of package.json package-lock.json)"
  [ -f node_modules/.grassroots-installed ] && current="$(cat node_modules/.grassroots-installed)"
  if [ "$current" != "$wanted" ]; then
    say "Installing front-end files (npm ci, from package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed (see the messages above)."
    echo "$wanted" > node_modules/.grassroots-installed
  fi
}
