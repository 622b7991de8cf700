//! `acp-docgen [REPOSITORY_ROOT]`: writes `docs/` from the provider's schema and `examples/`.
//!
//! Run by `make docs`. Refuses to write anything while a description, example or import
//! command is missing, so the committed pages never document a gap.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let site = acp_docgen::generate(&root);
    if !site.problems.is_empty() {
        eprintln!("acp-docgen: the documentation would be incomplete:");
        for problem in &site.problems {
            eprintln!("  - {problem}");
        }
        return ExitCode::FAILURE;
    }
    match write_pages(&root.join("docs"), &site.pages) {
        Ok(()) => {
            println!("acp-docgen: wrote {} pages to docs/", site.pages.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("acp-docgen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write_pages(docs: &Path, pages: &[acp_docgen::Page]) -> std::io::Result<()> {
    for page in pages {
        let path = docs.join(&page.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, &page.content)?;
    }
    Ok(())
}
