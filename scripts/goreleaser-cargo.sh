#!/usr/bin/env bash
# The `tool` goreleaser's rust builder runs instead of `cargo`: runs cargo with the given
# arguments, then copies the built provider to terraform-provider-acp_v<version> beside it.
#
# Why: goreleaser copies target/<target>/release/<binary> into dist/, and the registry expects
# the binary in each zip to be named terraform-provider-acp_v<version>, a name cargo cannot
# give a binary. PROVIDER_VERSION comes from the build's env in .goreleaser.yml.
set -euo pipefail

cargo "$@"

target=""
previous=""
for arg in "$@"; do
    case "$arg" in
        --target=*) target="${arg#--target=}" ;;
    esac
    if [[ "$previous" == "--target" ]]; then
        target="$arg"
    fi
    previous="$arg"
done
[[ -n "$target" ]] || { echo "goreleaser-cargo: no --target given" >&2; exit 1; }
: "${PROVIDER_VERSION:?set PROVIDER_VERSION to the release version}"

dir="${CARGO_TARGET_DIR:-target}/$target/release"
exe=""
[[ "$target" == *windows* ]] && exe=".exe"
cp "$dir/terraform-provider-acp$exe" "$dir/terraform-provider-acp_v$PROVIDER_VERSION$exe"
