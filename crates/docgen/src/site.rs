//! Every page of the documentation, rendered into memory from the provider's schemas and the
//! repository's `examples/` and `templates/`, with what is missing for a complete set.

use std::path::Path;

use terraform_provider_acp::framework::{served_schema, Provider, Schema};
use terraform_provider_acp::provider::AcpProvider;

use crate::check::missing_descriptions;
use crate::render::{code_block, front_matter, schema_section};

/// The prefix of every type name, left out of page file names as the registry expects.
const TYPE_PREFIX: &str = "acp_";

/// The provider page's hand-written prose; `{{description}}`, `{{example}}` and `{{schema}}`
/// are replaced by generated parts.
const INDEX_TEMPLATE: &str = "templates/index.md.tmpl";

/// One generated page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path under `docs/`, with `/` separators, e.g. `resources/workspace.md`.
    pub path: String,
    /// The markdown.
    pub content: String,
}

/// The rendered pages, and what the repository lacks for a complete set.
#[derive(Debug, Default)]
pub struct Site {
    /// Every page, provider page first, then resources and data sources in the order the
    /// provider serves them.
    pub pages: Vec<Page>,
    /// One sentence per missing description, example or import command, naming it exactly.
    pub problems: Vec<String>,
}

/// What distinguishes resource pages from data source pages.
struct Kind {
    label: &'static str,
    docs_dir: &'static str,
    examples_dir: &'static str,
    example_file: &'static str,
}

const RESOURCE: Kind = Kind {
    label: "Resource",
    docs_dir: "resources",
    examples_dir: "examples/resources",
    example_file: "resource.tf",
};

const DATA_SOURCE: Kind = Kind {
    label: "Data Source",
    docs_dir: "data-sources",
    examples_dir: "examples/data-sources",
    example_file: "data-source.tf",
};

/// The resource schemas as Terraform receives them, by type name, in the provider's order.
///
/// The server adds the timeouts block to every resource schema (src/server/grpc.rs); the
/// crate's tests check that these equal what the server sends.
pub fn resource_schemas() -> Vec<(&'static str, Schema)> {
    AcpProvider
        .resources()
        .into_iter()
        .map(|r| (r.type_name(), served_schema(r.as_ref())))
        .collect()
}

/// The data source schemas, by type name, in the provider's order.
pub fn data_source_schemas() -> Vec<(&'static str, Schema)> {
    AcpProvider
        .data_sources()
        .into_iter()
        .map(|d| (d.type_name(), d.schema()))
        .collect()
}

/// Renders every page, reading examples and templates under the repository `root`.
pub fn generate(root: &Path) -> Site {
    let mut site = Site::default();
    index_page(root, &AcpProvider.schema(), &mut site);
    for (name, schema) in resource_schemas() {
        type_page(root, &RESOURCE, name, &schema, &mut site);
    }
    for (name, schema) in data_source_schemas() {
        type_page(root, &DATA_SOURCE, name, &schema, &mut site);
    }
    site
}

fn index_page(root: &Path, schema: &Schema, site: &mut Site) {
    report_descriptions("the provider", schema, site);
    let example = read_required(root, "examples/provider/provider.tf", "the provider", site);
    let template = read_required(root, INDEX_TEMPLATE, "the provider page", site);
    let body = template
        .unwrap_or_default()
        .replace("{{description}}", schema.description.trim())
        .replace(
            "{{example}}",
            code_block("terraform", &example.unwrap_or_default()).trim_end(),
        )
        .replace("{{schema}}", schema_section(schema).trim_end());
    let content = format!(
        "{}\n{}\n",
        front_matter("Provider: Ambient Code Platform (ACP)", &schema.description),
        body.trim()
    );
    site.pages.push(Page {
        path: "index.md".to_string(),
        content,
    });
}

fn type_page(root: &Path, kind: &Kind, type_name: &str, schema: &Schema, site: &mut Site) {
    let who = format!("{} {type_name}", kind.label.to_lowercase());
    report_descriptions(&who, schema, site);
    let examples = format!("{}/{type_name}", kind.examples_dir);
    let example = read_required(
        root,
        &format!("{examples}/{}", kind.example_file),
        &who,
        site,
    );
    let import = if kind.label == RESOURCE.label {
        read_required(root, &format!("{examples}/import.sh"), &who, site)
    } else {
        None
    };

    let mut content = front_matter(
        &format!("{type_name} {} - terraform-provider-acp", kind.label),
        &schema.description,
    );
    content.push_str(&format!(
        "\n# {type_name} ({})\n\n{}\n",
        kind.label,
        schema.description.trim()
    ));
    if let Some(example) = example {
        content.push_str("\n## Example Usage\n\n");
        content.push_str(&code_block("terraform", &example));
    }
    content.push('\n');
    content.push_str(&schema_section(schema));
    if let Some(import) = import {
        content.push_str("\n## Import\n\nImport is supported using the following syntax:\n\n");
        content.push_str(&code_block("shell", &import));
    }
    let file = type_name.strip_prefix(TYPE_PREFIX).unwrap_or(type_name);
    site.pages.push(Page {
        path: format!("{}/{file}.md", kind.docs_dir),
        content,
    });
}

fn report_descriptions(who: &str, schema: &Schema, site: &mut Site) {
    for missing in missing_descriptions(schema) {
        site.problems
            .push(format!("{who}: {missing} has no description"));
    }
}

/// The file's text, or `None` with a problem recorded when it does not exist.
fn read_required(root: &Path, path: &str, who: &str, site: &mut Site) -> Option<String> {
    match std::fs::read_to_string(root.join(path)) {
        Ok(text) if !text.trim().is_empty() => Some(text),
        Ok(_) => {
            site.problems.push(format!("{who}: {path} is empty"));
            None
        }
        Err(e) => {
            site.problems
                .push(format!("{who}: {path} is missing ({e})"));
            None
        }
    }
}
