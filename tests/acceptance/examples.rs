//! Every configuration under `examples/` passes `terraform validate` against the built
//! provider, so the snippets the documentation shows keep matching the schema.

use std::path::{Path, PathBuf};

use crate::support::Harness;

/// The repository's `examples/` directory.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Copies the `.tf` files of `from` (not its subdirectories) into `to`.
pub fn copy_tf_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read example directory") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "tf") {
            let name = path.file_name().expect("file name");
            std::fs::copy(&path, to.join(name)).expect("copy example file");
        }
    }
}

/// The standalone example directories: provider, one per resource and data source, the demo.
fn example_dirs() -> Vec<PathBuf> {
    let root = examples_dir();
    let mut dirs = vec![root.join("provider"), root.join("demo")];
    for kind in ["resources", "data-sources"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(kind))
            .expect("read examples")
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        dirs.extend(found);
    }
    dirs
}

/// Resource and data source snippets leave out the `terraform` block, as registry examples
/// do; without one Terraform would look for `hashicorp/acp`.
const REQUIRED_PROVIDERS: &str =
    "terraform {\n  required_providers {\n    acp = { source = \"ambient-code/acp\" }\n  }\n}\n";

fn declares_required_providers(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .expect("read directory")
        .filter_map(|e| std::fs::read_to_string(e.expect("entry").path()).ok())
        .any(|text| text.contains("required_providers"))
}

#[test]
fn every_example_validates() {
    let dirs = example_dirs();
    // Provider, demo, five resources, four data sources: a missing directory fails here.
    assert_eq!(dirs.len(), 11, "{dirs:#?}");

    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().expect("name").to_string_lossy().to_string();
        let h = Harness::new(&format!("example-{name}"));
        copy_tf_files(dir, h.dir.path());
        if !declares_required_providers(h.dir.path()) {
            std::fs::write(h.dir.path().join("versions.tf"), REQUIRED_PROVIDERS)
                .expect("write versions.tf");
        }
        let out = h.run(&["validate", "-no-color"]);
        if !out.status.success() {
            failures.push(format!(
                "{}:\n{}{}",
                dir.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
