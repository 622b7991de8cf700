//! The traits a provider implements: [`Provider`], [`Resource`] and [`DataSource`].
//!
//! The framework owns the protocol: decoding values, validating configuration against the
//! schema, the generic part of planning (defaults, unknown computed values, plan modifiers) and
//! the apply/read/import plumbing. Implementations only describe their schema and talk to the
//! platform. `D` is the data a configured provider hands to its resources (here: the API client).

use async_trait::async_trait;

use super::diag::{DiagResult, Diagnostics};
use super::path::AttributePath;
use super::schema::Schema;
use super::timeouts::Timeouts;
use super::value::Value;

/// What one RPC hands to a resource or data source besides its values.
pub struct Ctx<'a, D> {
    /// The configured provider's data.
    pub data: &'a D,
    /// Warnings to return alongside a successful result.
    pub warnings: Diagnostics,
}

impl<'a, D> Ctx<'a, D> {
    /// A context around configured provider data.
    pub fn new(data: &'a D) -> Ctx<'a, D> {
        Ctx {
            data,
            warnings: Diagnostics::new(),
        }
    }
}

/// A plan under construction, handed to [`Resource::modify_plan`] after the framework's
/// generic planning.
pub struct Plan<'a> {
    /// The prior state; null when the object is being created.
    pub prior: &'a Value,
    /// The configuration as written, with unknowns where values are not known yet.
    pub config: &'a Value,
    /// The planned new state; the resource may change computed attributes.
    pub planned: Value,
    /// Attributes whose change forces replacement.
    pub requires_replace: Vec<AttributePath>,
}

impl Plan<'_> {
    /// True when the object is being created rather than updated.
    pub fn is_create(&self) -> bool {
        self.prior.is_null()
    }

    /// Forces replacement because of the named attribute.
    pub fn require_replace(&mut self, attribute: &str) {
        let path = AttributePath::root(attribute);
        if !self.requires_replace.contains(&path) {
            self.requires_replace.push(path);
        }
    }
}

/// A managed resource type.
#[async_trait]
pub trait Resource<D: Send + Sync>: Send + Sync {
    /// The resource type name, e.g. `acp_workspace`.
    fn type_name(&self) -> &'static str;

    /// The schema; built once per process.
    fn schema(&self) -> Schema;

    /// Checks across attributes that per-attribute validators cannot express.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Default time limits of the operations; users override them in a `timeouts` block.
    fn timeouts(&self) -> Timeouts {
        Timeouts::default()
    }

    /// Refines the plan once the framework has applied defaults and plan modifiers. `data` is
    /// `None` when the provider could not be configured yet (values unknown until apply).
    async fn modify_plan(&self, _data: Option<&D>, _plan: &mut Plan<'_>) -> DiagResult<()> {
        Ok(())
    }

    /// Creates the object and returns its state.
    async fn create(
        &self,
        ctx: &mut Ctx<'_, D>,
        planned: &Value,
        config: &Value,
    ) -> DiagResult<Value>;

    /// Reads the object; `None` when it no longer exists.
    async fn read(&self, ctx: &mut Ctx<'_, D>, state: &Value) -> DiagResult<Option<Value>>;

    /// Updates the object in place and returns its new state.
    async fn update(
        &self,
        ctx: &mut Ctx<'_, D>,
        prior: &Value,
        planned: &Value,
        config: &Value,
    ) -> DiagResult<Value>;

    /// Deletes the object; succeeds when it is already gone.
    async fn delete(&self, ctx: &mut Ctx<'_, D>, prior: &Value) -> DiagResult<()>;

    /// Turns an import id into a state; the framework reads it afterwards.
    async fn import(&self, ctx: &mut Ctx<'_, D>, id: &str) -> DiagResult<Value>;
}

/// The schema Terraform sees for a resource: its own, plus the `timeouts` block the
/// framework adds to every resource.
pub fn served_schema<D: Send + Sync>(resource: &dyn Resource<D>) -> Schema {
    resource.schema().with_block(resource.timeouts().block())
}

/// A data source type.
#[async_trait]
pub trait DataSource<D: Send + Sync>: Send + Sync {
    /// The data source type name, e.g. `acp_workspaces`.
    fn type_name(&self) -> &'static str;

    /// The schema; built once per process.
    fn schema(&self) -> Schema;

    /// Checks across attributes that per-attribute validators cannot express.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Reads the data for a configuration and returns the full state.
    async fn read(&self, ctx: &mut Ctx<'_, D>, config: &Value) -> DiagResult<Value>;
}

/// The provider itself: its configuration and the types it serves.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The data a configured provider hands to resources.
    type Data: Send + Sync + 'static;

    /// The provider block's schema.
    fn schema(&self) -> Schema;

    /// Checks the provider block beyond per-attribute validators.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Configures the provider from its block, with `terraform_version` as Terraform reported
    /// it. Warnings go into `warnings`.
    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
        warnings: &mut Diagnostics,
    ) -> DiagResult<Self::Data>;

    /// Every resource type.
    fn resources(&self) -> Vec<Box<dyn Resource<Self::Data>>>;

    /// Every data source type.
    fn data_sources(&self) -> Vec<Box<dyn DataSource<Self::Data>>>;
}
