#!/usr/bin/env bash
# The release artefacts goreleaser (.goreleaser.yml) publishes, for the host platform only,
# built with cargo and standard tools:
#
#   dist/terraform-provider-acp_<version>_<os>_<arch>.zip   the binary terraform-provider-acp_v<version>
#   dist/terraform-provider-acp_<version>_manifest.json     copy of terraform-registry-manifest.json
#   dist/terraform-provider-acp_<version>_SHA256SUMS        sha256 of the zip and the manifest
#   dist/terraform-provider-acp_<version>_SHA256SUMS.sig    only when GPG_FINGERPRINT is set
#
# Usage: scripts/release-local.sh [--profile PROFILE] [--binary PATH] [--out DIR]
#   --profile  cargo profile to build (default: release, with LTO).
#   --binary   package this already built provider binary instead of building one.
#   --out      output directory (default: dist). It is emptied first.
#
# The binary is built for cargo's default (host) target, on Linux a glibc build; the published
# Linux binaries are goreleaser's static musl builds. Packaging and names are the same.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"

profile="release"
binary=""
out="$root/dist"
# Paths given on the command line are the caller's: make them absolute before leaving for the
# repository root (the output directory is emptied first).
absolute() { [[ "$1" = /* ]] && echo "$1" || echo "$PWD/$1"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --profile) profile="$2"; shift 2 ;;
        --binary) binary="$(absolute "$2")"; shift 2 ;;
        --out) out="$(absolute "$2")"; shift 2 ;;
        *) echo "release-local: unknown argument $1" >&2; exit 2 ;;
    esac
done
case "$out" in
    "$root" | "$root/src" | "$root/crates" | "/") echo "release-local: refusing --out $out" >&2; exit 2 ;;
esac
cd "$root"

name="terraform-provider-acp"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
case "$(uname -s)" in
    Linux) os="linux" ;;
    Darwin) os="darwin" ;;
    *) echo "release-local: unsupported OS $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
    x86_64 | amd64) arch="amd64" ;;
    aarch64 | arm64) arch="arm64" ;;
    *) echo "release-local: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

if [[ -z "$binary" ]]; then
    echo "==> cargo build --profile $profile" >&2
    cargo build --locked --profile "$profile" --bin "$name" -p "$name"
    # cargo names the output directory of the dev profile "debug".
    dir="$profile"
    [[ "$profile" == "dev" ]] && dir="debug"
    binary="${CARGO_TARGET_DIR:-target}/$dir/$name"
fi
[[ -x "$binary" ]] || { echo "release-local: no executable at $binary" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/stage"
out="$(cd "$out" && pwd)"
cp "$binary" "$out/stage/${name}_v${version}"
chmod 0755 "$out/stage/${name}_v${version}"

zip_name="${name}_${version}_${os}_${arch}.zip"
if command -v zip >/dev/null; then
    (cd "$out/stage" && zip -q -X "../$zip_name" "${name}_v${version}")
else
    (cd "$out/stage" && python3 -m zipfile -c "../$zip_name" "${name}_v${version}")
fi
rm -rf "$out/stage"

cp terraform-registry-manifest.json "$out/${name}_${version}_manifest.json"
(cd "$out" && sha256sum "$zip_name" "${name}_${version}_manifest.json" >"${name}_${version}_SHA256SUMS")

if [[ -n "${GPG_FINGERPRINT:-}" ]]; then
    gpg --batch --local-user "$GPG_FINGERPRINT" --output "$out/${name}_${version}_SHA256SUMS.sig" \
        --detach-sign "$out/${name}_${version}_SHA256SUMS"
else
    echo "release-local: GPG_FINGERPRINT unset, SHA256SUMS left unsigned" >&2
fi
ls -l "$out" >&2
