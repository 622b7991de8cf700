#!/usr/bin/env bash
# The main job, end to end: build the provider (release), fetch the pinned Terraform, start the
# ACP emulator, install the provider into a local plugin directory, `terraform init` and
# `terraform apply` examples/demo, print the outputs, show that a second plan has no changes,
# then stop the emulator.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Cargo puts binaries under CARGO_TARGET_DIR when it is set, as the Makefile's build does.
bin="${CARGO_TARGET_DIR:-target}/release"

version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
echo "==> building terraform-provider-acp $version and the emulator (release; the first build takes minutes)"
cargo build --release --bin terraform-provider-acp -p terraform-provider-acp
cargo build --release -p acp-emulator

echo "==> fetching Terraform"
terraform="$(scripts/fetch-terraform.sh)"
"$terraform" version | head -n 1

work="$(mktemp -d)"
emulator_pid=""
cleanup() {
    if [[ -n "$emulator_pid" ]]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "==> starting the ACP emulator"
token="demo-admin-token-$RANDOM$RANDOM"
"$bin/acp-emulator" --listen 127.0.0.1:0 --token "$token" --terminating-seconds 1 \
    >"$work/emulator.url" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 50); do
    [[ -s "$work/emulator.url" ]] && break
    sleep 0.1
done
endpoint="$(head -n 1 "$work/emulator.url")"
[[ -n "$endpoint" ]] || { echo "emulator did not start:"; cat "$work/emulator.log"; exit 1; }
echo "    emulator serving on $endpoint"

echo "==> installing the provider into a local plugin directory"
plugins="$work/plugins/registry.terraform.io/ambient-code/acp/$version/linux_amd64"
mkdir -p "$plugins"
cp "$bin/terraform-provider-acp" "$plugins/terraform-provider-acp_v$version"

cp examples/demo/*.tf "$work/"
cd "$work"
export ACP_ENDPOINT="$endpoint" ACP_TOKEN="$token" ACP_USERNAME="platform-admin@example.com"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0

echo "==> terraform init -plugin-dir"
"$terraform" init -no-color -plugin-dir="$work/plugins" >/dev/null
echo "==> terraform apply"
"$terraform" apply -no-color -auto-approve
echo "==> terraform output"
"$terraform" output -no-color
echo "==> second plan (must show no changes)"
set +e
"$terraform" plan -no-color -detailed-exitcode >"$work/plan.txt"
code=$?
set -e
if [[ $code -ne 0 ]]; then
    cat "$work/plan.txt"
    echo "demo FAILED: the second plan is not empty (exit code $code)"
    exit 1
fi
grep -E "No changes" "$work/plan.txt"
echo "==> demo OK: applied, and a second plan shows no changes"
