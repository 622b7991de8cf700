//! Completeness checks on a schema: every attribute, at every nesting level, and the schema
//! itself must carry a description, since the pages are built from nothing else.

use terraform_provider_acp::framework::{Attribute, Schema};

/// Where descriptions are missing in `schema`: `"the schema itself"`, or attribute paths such
/// as `` `keys.id` `` and `` block `timeouts` ``, in schema order.
pub fn missing_descriptions(schema: &Schema) -> Vec<String> {
    let mut missing = Vec::new();
    if schema.description.trim().is_empty() {
        missing.push("the schema itself".to_string());
    }
    attributes(&schema.attributes, "", &mut missing);
    for block in &schema.blocks {
        if block.description.trim().is_empty() {
            missing.push(format!("block `{}`", block.name));
        }
        attributes(&block.attributes, &format!("{}.", block.name), &mut missing);
    }
    missing
}

fn attributes(list: &[Attribute], prefix: &str, missing: &mut Vec<String>) {
    for attribute in list {
        let path = format!("{prefix}{}", attribute.name);
        if attribute.description.trim().is_empty() {
            missing.push(format!("attribute `{path}`"));
        }
        if let Some((_, nested)) = &attribute.nested {
            attributes(nested, &format!("{path}."), missing);
        }
    }
}

#[cfg(test)]
mod tests {
    use terraform_provider_acp::framework::{Block, Nesting};

    use super::*;

    #[test]
    fn names_every_undescribed_attribute_at_any_depth() {
        let schema = Schema::new(
            "",
            vec![
                Attribute::string("ok").description("Fine."),
                Attribute::string("bare"),
                Attribute::nested(
                    "items",
                    Nesting::List,
                    vec![
                        Attribute::string("inner"),
                        Attribute::string("good").description("Fine."),
                    ],
                )
                .description("Items."),
            ],
        )
        .with_block(Block {
            name: "timeouts",
            description: String::new(),
            attributes: vec![Attribute::string("create")],
        });
        assert_eq!(
            missing_descriptions(&schema),
            vec![
                "the schema itself",
                "attribute `bare`",
                "attribute `items.inner`",
                "block `timeouts`",
                "attribute `timeouts.create`",
            ]
        );
    }

    #[test]
    fn a_fully_described_schema_passes() {
        let schema = Schema::new(
            "A thing.",
            vec![Attribute::string("name").description("Its name.")],
        );
        assert!(missing_descriptions(&schema).is_empty());
    }
}
