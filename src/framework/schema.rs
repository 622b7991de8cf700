//! Declarative schemas: attributes, nested attributes and blocks, with the behaviour attached
//! to each attribute (validators, defaults, plan modifiers).
//!
//! A resource describes its schema once; the framework derives from it the protocol schema,
//! the cty type used to decode values, config validation and the generic part of planning.

use std::collections::BTreeMap;
use std::sync::Arc;

use magma_protocol::tfplugin6::schema::{
    nested_block::NestingMode as ProtoBlockNesting, object::NestingMode as ProtoNesting,
    Attribute as ProtoAttribute, Block as ProtoBlock, NestedBlock as ProtoNestedBlock,
    Object as ProtoObject,
};
use magma_protocol::tfplugin6::{Schema as ProtoSchema, StringKind};

use super::plan_modifiers::PlanModifier;
use super::types::Type;
use super::validators::Validator;
use super::value::Value;

/// Who sets an attribute: the user, the provider, or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Must be set in configuration.
    Required,
    /// May be set in configuration; null when not.
    Optional,
    /// Set by the provider only.
    Computed,
    /// May be set in configuration; the provider fills it in when not.
    OptionalComputed,
}

/// How nested attributes repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// One object.
    Single,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects.
    Map,
}

/// One attribute of a schema.
#[derive(Clone)]
pub struct Attribute {
    /// The attribute name as written in configuration.
    pub name: &'static str,
    /// The value type (for nested attributes, derived from `nested`).
    pub ty: Type,
    /// Markdown description, shown by `terraform providers schema` and in the docs.
    pub description: String,
    /// Required, optional and/or computed.
    pub mode: Mode,
    /// Hidden from plan output.
    pub sensitive: bool,
    /// Accepted in configuration but never stored in plan or state (protocol 6.8).
    pub write_only: bool,
    /// The value planned when the configuration leaves an optional+computed attribute unset.
    pub default: Option<Value>,
    /// Checks run on known configuration values at validate time.
    pub validators: Vec<Arc<dyn Validator>>,
    /// Adjustments to the planned value.
    pub plan_modifiers: Vec<PlanModifier>,
    /// Nested attributes, for attributes whose value is an object or a collection of objects.
    pub nested: Option<(Nesting, Vec<Attribute>)>,
    /// Describe the value to Terraform by its plain type rather than as nested attributes
    /// (see [`Attribute::object_list`]); `nested` then only documents the fields.
    pub plain_type: bool,
}

impl std::fmt::Debug for Attribute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attribute")
            .field("name", &self.name)
            .field("ty", &self.ty)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl Attribute {
    /// A new optional attribute of the given type; refine it with the builder methods.
    pub fn new(name: &'static str, ty: Type) -> Attribute {
        Attribute {
            name,
            ty,
            description: String::new(),
            mode: Mode::Optional,
            sensitive: false,
            write_only: false,
            default: None,
            validators: Vec::new(),
            plan_modifiers: Vec::new(),
            nested: None,
            plain_type: false,
        }
    }

    /// A string attribute.
    pub fn string(name: &'static str) -> Attribute {
        Attribute::new(name, Type::String)
    }

    /// A number attribute.
    pub fn number(name: &'static str) -> Attribute {
        Attribute::new(name, Type::Number)
    }

    /// A boolean attribute.
    pub fn bool(name: &'static str) -> Attribute {
        Attribute::new(name, Type::Bool)
    }

    /// A `map(string)` attribute.
    pub fn string_map(name: &'static str) -> Attribute {
        Attribute::new(name, Type::string_map())
    }

    /// An attribute holding objects described by nested attributes.
    pub fn nested(name: &'static str, nesting: Nesting, attributes: Vec<Attribute>) -> Attribute {
        let object = object_type(&attributes, &[]);
        let ty = match nesting {
            Nesting::Single => object,
            Nesting::List => Type::List(Box::new(object)),
            Nesting::Set => Type::Set(Box::new(object)),
            Nesting::Map => Type::Map(Box::new(object)),
        };
        Attribute {
            nested: Some((nesting, attributes)),
            ..Attribute::new(name, ty)
        }
    }

    /// A read-only list of objects, sent to Terraform as a plain `list(object({...}))` type.
    ///
    /// Terraform releases before 1.3 cannot index a list of nested attributes (`x[0].name`
    /// fails with "Invalid index"), so lists that users read back are described by type; the
    /// field attributes still carry the descriptions used for documentation.
    pub fn object_list(name: &'static str, attributes: Vec<Attribute>) -> Attribute {
        Attribute {
            plain_type: true,
            ..Attribute::nested(name, Nesting::List, attributes)
        }
    }

    /// Sets the markdown description.
    pub fn description(mut self, text: impl Into<String>) -> Attribute {
        self.description = text.into();
        self
    }

    /// Must be set in configuration.
    pub fn required(mut self) -> Attribute {
        self.mode = Mode::Required;
        self
    }

    /// Set by the provider only.
    pub fn computed(mut self) -> Attribute {
        self.mode = Mode::Computed;
        self
    }

    /// May be set; filled in by the provider when not.
    pub fn optional_computed(mut self) -> Attribute {
        self.mode = Mode::OptionalComputed;
        self
    }

    /// Hidden from plan output and logs.
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }

    /// Never stored in plan or state.
    pub fn write_only(mut self) -> Attribute {
        self.write_only = true;
        self
    }

    /// Planned when the configuration leaves the attribute unset (makes it optional+computed).
    pub fn default(mut self, value: impl Into<Value>) -> Attribute {
        self.default = Some(value.into());
        self.mode = Mode::OptionalComputed;
        self
    }

    /// Adds a validator.
    pub fn validator(mut self, validator: impl Validator + 'static) -> Attribute {
        self.validators.push(Arc::new(validator));
        self
    }

    /// Adds a plan modifier.
    pub fn plan_modifier(mut self, modifier: PlanModifier) -> Attribute {
        self.plan_modifiers.push(modifier);
        self
    }

    /// Changing the attribute replaces the object.
    pub fn requires_replace(self) -> Attribute {
        self.plan_modifier(PlanModifier::RequiresReplace)
    }

    /// Keeps the prior value in plans instead of "known after apply".
    pub fn use_state_for_unknown(self) -> Attribute {
        self.plan_modifier(PlanModifier::UseStateForUnknown)
    }

    /// True when configuration may set the attribute.
    pub fn is_configurable(&self) -> bool {
        self.mode != Mode::Computed
    }

    /// True when the provider may set the attribute.
    pub fn is_computed(&self) -> bool {
        matches!(self.mode, Mode::Computed | Mode::OptionalComputed)
    }

    fn to_proto(&self) -> ProtoAttribute {
        let (ty, nested_type) = match &self.nested {
            Some((nesting, attributes)) if !self.plain_type => (
                Vec::new(),
                Some(ProtoObject {
                    attributes: attributes.iter().map(Attribute::to_proto).collect(),
                    nesting: match nesting {
                        Nesting::Single => ProtoNesting::Single,
                        Nesting::List => ProtoNesting::List,
                        Nesting::Set => ProtoNesting::Set,
                        Nesting::Map => ProtoNesting::Map,
                    } as i32,
                    ..Default::default()
                }),
            ),
            _ => (self.ty.to_json_bytes(), None),
        };
        ProtoAttribute {
            name: self.name.to_string(),
            r#type: ty,
            nested_type,
            description: self.description.clone(),
            required: self.mode == Mode::Required,
            optional: matches!(self.mode, Mode::Optional | Mode::OptionalComputed),
            computed: self.is_computed(),
            sensitive: self.sensitive,
            description_kind: StringKind::Markdown as i32,
            write_only: self.write_only,
            ..Default::default()
        }
    }
}

/// A nested block with single nesting, such as `timeouts { ... }`.
#[derive(Debug, Clone)]
pub struct Block {
    /// The block type name.
    pub name: &'static str,
    /// Markdown description.
    pub description: String,
    /// The block's attributes.
    pub attributes: Vec<Attribute>,
}

/// The schema of a provider, resource or data source.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Bumped when stored state needs upgrading.
    pub version: i64,
    /// Markdown description of the whole object.
    pub description: String,
    /// Top-level attributes.
    pub attributes: Vec<Attribute>,
    /// Nested blocks.
    pub blocks: Vec<Block>,
}

impl Schema {
    /// A schema with the given description and attributes.
    pub fn new(description: impl Into<String>, attributes: Vec<Attribute>) -> Schema {
        Schema {
            version: 0,
            description: description.into(),
            attributes,
            blocks: Vec::new(),
        }
    }

    /// Adds a nested block.
    pub fn with_block(mut self, block: Block) -> Schema {
        self.blocks.push(block);
        self
    }

    /// The cty type of an object of this schema.
    pub fn value_type(&self) -> Type {
        object_type(&self.attributes, &self.blocks)
    }

    /// A top-level attribute by name.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The protocol form.
    pub fn to_proto(&self) -> ProtoSchema {
        ProtoSchema {
            version: self.version,
            block: Some(ProtoBlock {
                version: self.version,
                attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
                block_types: self
                    .blocks
                    .iter()
                    .map(|b| ProtoNestedBlock {
                        type_name: b.name.to_string(),
                        block: Some(ProtoBlock {
                            attributes: b.attributes.iter().map(Attribute::to_proto).collect(),
                            description: b.description.clone(),
                            description_kind: StringKind::Markdown as i32,
                            ..Default::default()
                        }),
                        nesting: ProtoBlockNesting::Single as i32,
                        ..Default::default()
                    })
                    .collect(),
                description: self.description.clone(),
                description_kind: StringKind::Markdown as i32,
                ..Default::default()
            }),
        }
    }
}

fn object_type(attributes: &[Attribute], blocks: &[Block]) -> Type {
    let mut fields: BTreeMap<String, Type> = attributes
        .iter()
        .map(|a| (a.name.to_string(), a.ty.clone()))
        .collect();
    for block in blocks {
        fields.insert(block.name.to_string(), object_type(&block.attributes, &[]));
    }
    Type::Object(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proto_flags_follow_the_mode() {
        let schema = Schema::new(
            "test",
            vec![
                Attribute::string("a").required(),
                Attribute::string("b").optional_computed().sensitive(),
                Attribute::string("c").computed(),
                Attribute::string("d").write_only(),
            ],
        );
        let block = schema.to_proto().block.expect("block");
        let flags: Vec<_> = block
            .attributes
            .iter()
            .map(|a| {
                (
                    a.required,
                    a.optional,
                    a.computed,
                    a.sensitive,
                    a.write_only,
                )
            })
            .collect();
        assert_eq!(
            flags,
            vec![
                (true, false, false, false, false),
                (false, true, true, true, false),
                (false, false, true, false, false),
                (false, true, false, false, true),
            ]
        );
    }

    #[test]
    fn value_type_includes_blocks_and_nested_attributes() {
        let schema = Schema::new(
            "t",
            vec![Attribute::nested(
                "items",
                Nesting::List,
                vec![Attribute::string("name").computed()],
            )],
        )
        .with_block(Block {
            name: "timeouts",
            description: String::new(),
            attributes: vec![Attribute::string("create")],
        });
        let Type::Object(fields) = schema.value_type() else {
            panic!("object type expected");
        };
        assert!(matches!(fields["items"], Type::List(_)));
        assert!(matches!(fields["timeouts"], Type::Object(_)));
    }
}
