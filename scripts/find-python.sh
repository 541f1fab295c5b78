#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 needs 3.8-3.10), or
# explains what to do and exits 1. $PYTHON, if set, is tried first.
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for dir in "$pyenv_root"/versions/3.10*/bin /usr/local/bin /usr/bin; do
  [ -x "$dir/python3.10" ] && candidates+=("$dir/python3.10")
  [ -x "$dir/python" ] && case "$dir" in */versions/3.10*) candidates+=("$dir/python");; esac
done
for py in "${candidates[@]}"; do
  if "$py" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; then
    echo "$py"
    exit 0
  fi
done
echo "No Python 3.10 found: Rasa 3.6 needs Python 3.8-3.10. Install Python 3.10 (e.g. 'pyenv install 3.10' or 'apt-get install python3.10-venv') or set PYTHON=/path/to/python3.10, then run make again." >&2
exit 1
