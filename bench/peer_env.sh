# Sourced by the bench scripts that run the pandas feature peer (bench/features_peer.py). Defines
# `ensure_peer_venv VENV`: creates (or recreates) the virtual environment VENV with pandas,
# pyarrow, NumPy and LightGBM at the exact versions below, so that every comparison runs the
# same peer. VENV/PACKAGES records what is installed; a venv whose record differs is rebuilt.
# NumPy and LightGBM are the versions ./dev pins for the Python reference environment.

peer_packages="pandas==3.1.1 pyarrow==26.0.1 numpy==2.4.6 lightgbm==4.7.0"

ensure_peer_venv() { # VENV
  local venv="$1"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/PACKAGES" 2>/dev/null)" = "$peer_packages" ]; then
    return
  fi
  echo "creating the pandas peer environment in $venv ($peer_packages)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install --quiet --disable-pip-version-check $peer_packages
  "$venv/bin/python" -c "import pandas, pyarrow, numpy, lightgbm" || {
    echo "bench: $venv does not import pandas, pyarrow and LightGBM (LightGBM needs the OpenMP runtime libgomp.so.1)" >&2
    return 1
  }
  echo "$peer_packages" >"$venv/PACKAGES"
}
