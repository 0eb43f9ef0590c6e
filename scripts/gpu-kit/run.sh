#!/bin/sh
# wan-web GPU kit: runs the GPU benchmark on a bare x86-64 Linux machine with a GPU driver and no
# network. Everything it needs is in this folder. Usage: ./run.sh [--small] [--keep]
#   --small  toy model widths and small sizes (software Vulkan drivers such as SwiftShader)
#   --keep   keep the unpacked runtime and the random bundle in $WORK afterwards
# Environment: WORK (scratch folder, default ./work; the full-size bundle needs ~10 GB),
#   KIT_ACTIVATIONS=fp16|fp32 (default fp16, fp32 with --small),
#   KIT_VULKAN_LOADER=bundled|system (default: system's libvulkan.so.1 when there is one),
#   VK_ICD_FILENAMES / VK_DRIVER_FILES to pick a Vulkan driver. Writes table.md beside run.sh.
set -eu
KIT=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-$KIT/work}
SMALL=; KEEP=
for arg in "$@"; do
  case $arg in
    --small) SMALL=--small ;;
    --keep) KEEP=1 ;;
    *) echo "run.sh: unknown option $arg (use --small, --keep)" >&2; exit 2 ;;
  esac
done
export PATH=${PATH:-/usr/local/bin:/usr/bin:/bin}
START=$(date +%s)
say() { echo "[$(( $(date +%s) - START ))s] $*"; }

mkdir -p "$WORK"
RT=$WORK/runtime
if [ ! -x "$RT/node" ]; then
  say "unpacking the runtime into $RT"
  mkdir -p "$RT"
  if command -v xz >/dev/null 2>&1; then xz -dc "$KIT/payload.tar.xz" | tar -x -C "$RT"
  elif command -v python3 >/dev/null 2>&1; then python3 -c 'import sys,tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$KIT/payload.tar.xz" "$RT"
  else echo "run.sh: needs xz or python3 to unpack payload.tar.xz" >&2; exit 1; fi
fi
NODE=$RT/node
say "node $("$NODE" --version), $(uname -srm)"

# The Vulkan loader: the system's when it has one, else the kit's (Debian's libvulkan1).
LOADER=${KIT_VULKAN_LOADER:-}
if [ -z "$LOADER" ]; then
  if ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then LOADER=system; else LOADER=bundled; fi
fi
if [ "$LOADER" = bundled ]; then export LD_LIBRARY_PATH="$RT/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
say "Vulkan loader: $LOADER $( [ "$LOADER" = bundled ] && ls "$RT/vulkan" | tr '\n' ' ')"
# NVIDIA's Vulkan driver (ICD) comes with its driver, not with the loader: show what is there.
for dir in /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d; do
  [ -d "$dir" ] && say "ICDs in $dir: $(ls "$dir" | tr '\n' ' ')"
done
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; break; fi
  done
fi
say "Vulkan driver chosen: ${VK_ICD_FILENAMES:-${VK_DRIVER_FILES:-the loader's default search}}"
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/GPU: /' || true

# fp16 activations on a real GPU (every current NVIDIA/AMD Vulkan driver has shader-f16); fp32 for
# --small, whose software drivers lack it. KIT_ACTIVATIONS=fp32|fp16 overrides.
ACTIVATIONS=${KIT_ACTIVATIONS:-$( [ -n "$SMALL" ] && echo fp32 || echo fp16 )}
BUNDLE=$WORK/bundle${SMALL:+-small}-$ACTIVATIONS
if [ ! -f "$BUNDLE/manifest.json" ]; then
  rm -rf "$BUNDLE" "$BUNDLE.partial"
  say "writing the random $( [ -n "$SMALL" ] && echo small || echo full-size ) bundle ($ACTIVATIONS activations) to $BUNDLE"
  "$NODE" "$RT/lib/wan-web.mjs" random-bundle "$BUNDLE" --seed 0 --activations "$ACTIVATIONS" $SMALL
fi

TABLE=$KIT/table.md
say "running bench-gpu"
"$NODE" "$RT/lib/bench-gpu.mjs" --bundle "$BUNDLE" --out "$TABLE" $SMALL
echo; cat "$TABLE"; echo
say "done; the table is in $TABLE"
[ -n "$KEEP" ] || rm -rf "$BUNDLE"
