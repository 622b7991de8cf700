# Everything a newcomer needs: `make demo` runs the main job, `make test` every test.

.PHONY: demo test unit lint fmt build terraform docs release-local bench

demo:
	scripts/demo.sh

# Every test: formatting, lints, unit, emulator, client, protocol and acceptance tests, and
# the check that docs/ is current (the acceptance tests fetch the pinned Terraform on first use).
test: lint
	scripts/fetch-terraform.sh >/dev/null
	cargo test --workspace --locked

# Fast feedback: unit tests of every crate, no Terraform.
unit:
	cargo test --workspace --locked --lib --bins

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

fmt:
	cargo fmt --all

build:
	cargo build --release --locked

terraform:
	scripts/fetch-terraform.sh

# Regenerate docs/ from the provider schema, examples/ and templates/ (make test fails when stale).
docs:
	cargo run --locked --quiet -p acp-docgen -- .

# The release artefacts goreleaser publishes, for this machine only, into dist/.
release-local:
	scripts/release-local.sh

# Benchmarks against the Go plugin framework and the Terraform floor: 7 to 15 minutes; writes
# bench/results/<date>.md and .svg and prints one verdict per target (see bench/README.md).
bench:
	cargo build --release --locked -p terraform-provider-acp -p acp-emulator -p acp-bench
	"$${CARGO_TARGET_DIR:-target}/release/acp-bench"
