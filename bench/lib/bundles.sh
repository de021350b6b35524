# Shared by the benchmarks that load a few Synthea patients; sourced, with $bundles (the Synthea bundles folder).
# copy_bundles <patients> <folder>: the reference data and the first <patients> patient bundles into <folder>
# (a loop, not a pipe into head, which SIGPIPE could end under pipefail).
copy_bundles() {
  local copied=0 f
  mkdir -p "$2"
  cp "$bundles"/hospitalInformation* "$bundles"/practitionerInformation* "$2/"
  for f in "$bundles"/*; do
    case "$(basename "$f")" in hospitalInformation* | practitionerInformation*) continue ;; esac
    [ $copied -lt "$1" ] || break
    cp "$f" "$2/"
    copied=$((copied + 1))
  done
}
