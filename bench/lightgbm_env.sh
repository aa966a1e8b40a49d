# Sourced by the bench scripts that run Python LightGBM. Defines `ensure_lightgbm_venv VENV`:
# creates (or recreates) the virtual environment VENV with LightGBM, NumPy, scikit-learn and SciPy
# at the versions ./dev pins for the Python reference environment (its `pyref_packages`), so that
# the benches and the parity tests run one LightGBM. VENV/PACKAGES records what is installed.
# Expects the working directory to be the repository root.

lightgbm_packages() { # the pinned requirements, as `name==version` words
  local pins p out=""
  pins="$(sed -n 's/^pyref_packages="\(.*\)"$/\1/p' dev)"
  for p in $pins; do
    case "$p" in
      lightgbm==* | numpy==* | scikit-learn==* | scipy==*) out="$out $p" ;;
    esac
  done
  case "$out" in
    *lightgbm==*) echo "${out# }" ;;
    *) echo "bench: no pinned lightgbm in ./dev's pyref_packages" >&2; return 1 ;;
  esac
}

ensure_lightgbm_venv() { # VENV
  local venv="$1" packages
  packages="$(lightgbm_packages)"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/PACKAGES" 2>/dev/null)" = "$packages" ]; then
    return
  fi
  echo "creating the LightGBM environment in $venv ($packages)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install --quiet --disable-pip-version-check $packages
  "$venv/bin/python" -c "import lightgbm, numpy, sklearn" || {
    echo "bench: $venv does not import LightGBM (it needs the OpenMP runtime libgomp.so.1)" >&2
    return 1
  }
  echo "$packages" >"$venv/PACKAGES"
}
