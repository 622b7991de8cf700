//! The committed documentation is complete and current: every type has its descriptions,
//! example and import command, and `docs/` holds exactly what `make docs` would write.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.md` file under `docs/`, as paths relative to it with `/` separators.
fn committed_pages(docs: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut dirs = vec![docs.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let relative = path.strip_prefix(docs).expect("under docs/");
                found.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found
}

#[test]
fn every_type_has_descriptions_examples_and_import_commands() {
    let site = acp_docgen::generate(&repository_root());
    assert!(
        site.problems.is_empty(),
        "the documentation is incomplete:\n  - {}",
        site.problems.join("\n  - ")
    );
}

#[test]
fn committed_docs_match_the_schema() {
    let root = repository_root();
    let docs = root.join("docs");
    let site = acp_docgen::generate(&root);
    let mut stale = Vec::new();
    for page in &site.pages {
        match std::fs::read_to_string(docs.join(&page.path)) {
            Err(_) => stale.push(format!("docs/{} is missing", page.path)),
            Ok(text) if text != page.content => {
                let line = first_difference(&text, &page.content);
                stale.push(format!(
                    "docs/{} differs from the schema (first at line {line})",
                    page.path
                ));
            }
            Ok(_) => {}
        }
    }
    let generated: BTreeSet<&str> = site.pages.iter().map(|p| p.path.as_str()).collect();
    for extra in committed_pages(&docs) {
        if !generated.contains(extra.as_str()) {
            stale.push(format!(
                "docs/{extra} documents no type the provider serves"
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "run `make docs` and commit the result:\n  - {}",
        stale.join("\n  - ")
    );
}

#[test]
fn there_is_one_page_per_type_with_the_registry_layout() {
    let site = acp_docgen::generate(&repository_root());
    let paths: Vec<&str> = site.pages.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "index.md",
            "resources/workspace.md",
            "resources/workspace_share.md",
            "resources/api_key.md",
            "resources/workspace_secret.md",
            "resources/workspace_storage.md",
            "data-sources/workspace.md",
            "data-sources/workspaces.md",
            "data-sources/workspace_shares.md",
            "data-sources/api_keys.md",
        ]
    );
    for page in &site.pages {
        assert!(
            page.content.starts_with("---\n") && page.content.contains("\nsubcategory: \"\"\n"),
            "{} lacks the registry front matter",
            page.path
        );
        assert!(page.content.contains("\n## Schema\n"), "{}", page.path);
        if page.path.starts_with("resources/") {
            assert!(page.content.contains("\n## Import\n"), "{}", page.path);
        }
        if page.path != "index.md" {
            assert!(
                page.content.contains("\n## Example Usage\n"),
                "{}",
                page.path
            );
        }
    }
}

#[test]
fn a_missing_example_is_named_exactly() {
    // An empty root has none of the examples: each must be reported by its path.
    let empty = std::env::temp_dir().join(format!("acp-docgen-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).expect("temp dir");
    let site = acp_docgen::generate(&empty);
    let _ = std::fs::remove_dir_all(&empty);
    for expected in [
        "resource acp_workspace: examples/resources/acp_workspace/resource.tf is missing",
        "resource acp_api_key: examples/resources/acp_api_key/import.sh is missing",
        "data source acp_workspaces: examples/data-sources/acp_workspaces/data-source.tf is missing",
        "the provider: examples/provider/provider.tf is missing",
    ] {
        assert!(
            site.problems.iter().any(|p| p.starts_with(expected)),
            "no problem starting with {expected:?} in {:#?}",
            site.problems
        );
    }
}

fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}
