#!/usr/bin/env sh
# Print the path of a working interpreter for the Python version given as $1 (e.g. 3.12).
# pyenv's bare `python3.12` shim refuses to run when 3.12 is not the selected version, so the
# real interpreter under `pyenv root` is preferred; any other working python3.X is the fallback.
v="$1"
if command -v pyenv >/dev/null 2>&1; then
  for p in "$(pyenv root)"/versions/"$v".*/bin/python"$v"; do
    if [ -x "$p" ] && "$p" -c 'import sys' >/dev/null 2>&1; then echo "$p"; exit 0; fi
  done
fi
for p in "python$v" "/usr/bin/python$v" "/usr/local/bin/python$v"; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import sys' >/dev/null 2>&1; then
    command -v "$p"; exit 0
  fi
done
echo "no working python$v found: install Python $v (e.g. 'pyenv install $v' or 'apt-get install python$v')" >&2
exit 1
