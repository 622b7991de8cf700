//! The `tfplugin6.Provider` gRPC service: maps each RPC onto the framework.
//!
//! Every RPC of protocol 6.10 answers. Those the provider does not offer (functions, ephemeral
//! and list resources, state stores, actions, state moves) answer with an error diagnostic that
//! says so. No RPC path panics: decoding failures and platform errors become diagnostics.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures_util::Stream;
use magma_protocol::tfplugin6 as pb;
use magma_protocol::tfplugin6::provider_server::Provider as ProviderRpc;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, Streaming};

use super::convert::{decode, encode, not_configured, not_supported, unknown_type};
use crate::framework::plan::{plan_from_schema, validate_config, write_only_not_allowed};
use crate::framework::served_schema;
use crate::framework::timeouts::{self, Operation, Timeouts};
use crate::framework::{
    Ctx, DataSource, DiagResult, Diagnostic, Diagnostics, Plan, Provider, Resource, Schema, Type,
    Value,
};

type RpcResult<T> = Result<Response<T>, Status>;
type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// A resource or data source with its schema and value type, computed once.
struct Entry<T: ?Sized> {
    schema: Schema,
    ty: Type,
    timeouts: Timeouts,
    imp: Box<T>,
}

/// The provider's gRPC service.
pub struct ProviderService<P: Provider> {
    provider: P,
    provider_ty: Type,
    provider_schema: Schema,
    resources: HashMap<&'static str, Entry<dyn Resource<P::Data>>>,
    data_sources: HashMap<&'static str, Entry<dyn DataSource<P::Data>>>,
    schema_response: pb::get_provider_schema::Response,
    data: RwLock<Option<Arc<P::Data>>>,
    stop: CancellationToken,
}

impl<P: Provider> ProviderService<P> {
    /// Builds the service and every schema, once.
    pub fn new(provider: P) -> ProviderService<P> {
        let provider_schema = provider.schema();
        let resources: HashMap<_, _> = provider
            .resources()
            .into_iter()
            .map(|imp| {
                let timeouts = imp.timeouts();
                let schema = served_schema(imp.as_ref());
                let entry = Entry {
                    ty: schema.value_type(),
                    schema,
                    timeouts,
                    imp,
                };
                (entry.imp.type_name(), entry)
            })
            .collect();
        let data_sources: HashMap<_, _> = provider
            .data_sources()
            .into_iter()
            .map(|imp| {
                let schema = imp.schema();
                let entry = Entry {
                    ty: schema.value_type(),
                    schema,
                    timeouts: Timeouts::default(),
                    imp,
                };
                (entry.imp.type_name(), entry)
            })
            .collect();
        let schema_response = pb::get_provider_schema::Response {
            provider: Some(provider_schema.to_proto()),
            resource_schemas: resources
                .iter()
                .map(|(name, e)| (name.to_string(), e.schema.to_proto()))
                .collect(),
            data_source_schemas: data_sources
                .iter()
                .map(|(name, e)| (name.to_string(), e.schema.to_proto()))
                .collect(),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        };
        ProviderService {
            provider_ty: provider_schema.value_type(),
            provider_schema,
            provider,
            resources,
            data_sources,
            schema_response,
            data: RwLock::new(None),
            stop: CancellationToken::new(),
        }
    }

    /// Cancelled when Terraform calls `StopProvider`.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    fn data(&self) -> Option<Arc<P::Data>> {
        self.data
            .read()
            .map_or_else(|e| e.into_inner().clone(), |d| d.clone())
    }

    /// Runs an operation until it finishes, its time limit passes, or Terraform asks the
    /// provider to stop.
    async fn within_limits<T>(
        &self,
        type_name: &str,
        op: Operation,
        limit: Duration,
        operation: impl std::future::Future<Output = DiagResult<T>>,
    ) -> DiagResult<T> {
        self.finished_within_limits(type_name, op, limit, operation)
            .await
            .unwrap_or_else(Err)
    }

    /// Like [`Self::within_limits`], but tells an operation that ended (well or not) from
    /// one that was abandoned at its time limit or at a stop (`Err`), whose requests the
    /// platform may still carry out.
    async fn finished_within_limits<T>(
        &self,
        type_name: &str,
        op: Operation,
        limit: Duration,
        operation: impl std::future::Future<Output = DiagResult<T>>,
    ) -> Result<DiagResult<T>, Diagnostics> {
        let limited = async {
            match tokio::time::timeout(limit, operation).await {
                Ok(result) => Ok(result),
                Err(_) => Err(timed_out(type_name, op, limit)),
            }
        };
        // Reads change nothing and stop at once. A change is given a short grace to finish
        // the platform calls it has started: abandoning it half-way (a share revoked but its
        // other roles not yet granted back, an object created but not recorded) would leave
        // the platform and the state apart. Long waits (for a deletion to finish) still end.
        let grace = match op {
            Operation::Read => Duration::ZERO,
            _ => STOP_GRACE,
        };
        let stopped = async {
            self.stop.cancelled().await;
            tokio::time::sleep(grace).await;
        };
        tokio::pin!(limited);
        tokio::select! {
            outcome = &mut limited => outcome,
            () = stopped => Err(cancelled(op != Operation::Read)),
        }
    }

    /// Runs an operation until it finishes or Terraform asks the provider to stop.
    async fn until_stopped<T>(
        &self,
        operation: impl std::future::Future<Output = DiagResult<T>>,
    ) -> DiagResult<T> {
        tokio::select! {
            result = operation => result,
            () = self.stop.cancelled() => Err(cancelled(false)),
        }
    }
}

/// How long a change may go on finishing after Terraform asked the provider to stop.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// The error of an operation abandoned because Terraform asked the provider to stop. A change
/// abandoned after its grace may have a request in flight that the platform still carries out,
/// which the next run then finds as an object Terraform does not know.
fn cancelled(was_change: bool) -> Diagnostics {
    let mut detail = String::from(
        "Terraform asked the provider to stop (for example after Ctrl-C), so the operation \
         was abandoned. Run the command again to finish it; the next plan shows what still \
         needs doing.",
    );
    if was_change {
        detail.push_str(
            " A request already sent may still be carried out by the platform: if the next \
             apply reports that the object already exists, import it with the command that \
             error shows.",
        );
    }
    Diagnostic::error("Operation cancelled", detail).into()
}

fn timed_out(type_name: &str, op: Operation, limit: Duration) -> Diagnostics {
    Diagnostic::error(
        format!("Timed out after {}", humantime::format_duration(limit)),
        format!(
            "The {} of this {type_name} did not finish within {}. The platform may still \
             finish it; the next plan shows what is left. To wait longer, set \
             `timeouts {{ {} = \"...\" }}` on the resource.",
            op.name(),
            humantime::format_duration(limit),
            op.name()
        ),
    )
    .into()
}

/// What to record for a create abandoned at its time limit or at a stop, whose request the
/// platform may still carry out. When the plan already knew the object's `id` (a workspace's
/// name, a share's subject and role), the planned object is recorded with what is unknown
/// left null: Terraform marks it tainted, the next refresh finds out whether it exists, and
/// the next apply replaces it or creates it. Recording nothing would make an object the
/// platform did create collide with the next apply's create, forever. Objects whose id only
/// the platform hands out cannot be recorded this way.
fn provisional(planned: &Value) -> Value {
    match planned.get("id") {
        Value::String(_) => planned.unknowns_to_null(),
        _ => Value::Null,
    }
}

/// Says that an abandoned create could not be recorded, so that an object the platform still
/// creates is looked for instead of lingering unseen beside the next apply's new one.
fn unrecorded_create(type_name: &str) -> Diagnostic {
    Diagnostic::warning(
        format!("Abandoned {type_name} create is not in the state"),
        format!(
            "The platform assigns this {type_name}'s id, so the create abandoned here cannot \
             be recorded. If the platform still carries it out, the object exists outside \
             Terraform and the next apply creates another one: list the workspace's objects \
             and delete or import the extra one."
        ),
    )
}

/// Carries the configured `timeouts` block into a state the resource built without it.
fn keep_timeouts(state: &mut Value, from: &Value) {
    if !state.is_null() {
        state.set(timeouts::BLOCK, from.get(timeouts::BLOCK).clone());
    }
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: false,
    }
}

fn diags_of<T>(result: &DiagResult<T>, warnings: Diagnostics) -> Vec<pb::Diagnostic> {
    let mut all = warnings;
    if let Err(errors) = result {
        all.extend(errors.clone());
    }
    all.to_proto()
}

fn null_write_only(schema: &Schema, value: &mut Value) {
    if value.is_null() {
        return;
    }
    for attribute in schema.attributes.iter().filter(|a| a.write_only) {
        value.set(attribute.name, Value::Null);
    }
}

fn ensure_known(type_name: &str, value: &Value) -> DiagResult<()> {
    if value.is_wholly_known() {
        return Ok(());
    }
    Err(Diagnostic::error(
        "Provider returned an incomplete state",
        format!(
            "The {type_name} operation left values unknown after apply. This is a bug in the \
             provider; please report it."
        ),
    )
    .into())
}

#[tonic::async_trait]
impl<P: Provider> ProviderRpc for ProviderService<P> {
    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> RpcResult<pb::get_metadata::Response> {
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: self
                .resources
                .keys()
                .map(|name| pb::get_metadata::ResourceMetadata {
                    type_name: name.to_string(),
                })
                .collect(),
            data_sources: self
                .data_sources
                .keys()
                .map(|name| pb::get_metadata::DataSourceMetadata {
                    type_name: name.to_string(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _request: Request<pb::get_provider_schema::Request>,
    ) -> RpcResult<pb::get_provider_schema::Response> {
        Ok(Response::new(self.schema_response.clone()))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> RpcResult<pb::validate_provider_config::Response> {
        let request = request.into_inner();
        let diagnostics = match decode(request.config.as_ref(), &self.provider_ty) {
            Ok(config) => {
                let mut diags = validate_config(&self.provider_schema, &config);
                self.provider.validate(&config, &mut diags);
                diags.to_proto()
            }
            Err(diags) => diags.to_proto(),
        };
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics,
        }))
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> RpcResult<pb::validate_resource_config::Response> {
        let request = request.into_inner();
        let Some(entry) = self.resources.get(request.type_name.as_str()) else {
            let diagnostics = unknown_type("resource", &request.type_name);
            return Ok(Response::new(pb::validate_resource_config::Response {
                diagnostics,
            }));
        };
        let diagnostics = match decode(request.config.as_ref(), &entry.ty) {
            Ok(config) => {
                let mut diags = validate_config(&entry.schema, &config);
                let write_only_allowed = request
                    .client_capabilities
                    .is_some_and(|c| c.write_only_attributes_allowed);
                if !write_only_allowed {
                    diags.extend(write_only_not_allowed(&entry.schema, &config));
                }
                entry.imp.validate(&config, &mut diags);
                diags.to_proto()
            }
            Err(diags) => diags.to_proto(),
        };
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics,
        }))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> RpcResult<pb::validate_data_resource_config::Response> {
        let request = request.into_inner();
        let Some(entry) = self.data_sources.get(request.type_name.as_str()) else {
            let diagnostics = unknown_type("data source", &request.type_name);
            return Ok(Response::new(pb::validate_data_resource_config::Response {
                diagnostics,
            }));
        };
        let diagnostics = match decode(request.config.as_ref(), &entry.ty) {
            Ok(config) => {
                let mut diags = validate_config(&entry.schema, &config);
                entry.imp.validate(&config, &mut diags);
                diags.to_proto()
            }
            Err(diags) => diags.to_proto(),
        };
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics,
        }))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> RpcResult<pb::upgrade_resource_state::Response> {
        let request = request.into_inner();
        let Some(entry) = self.resources.get(request.type_name.as_str()) else {
            let diagnostics = unknown_type("resource", &request.type_name);
            return Ok(Response::new(pb::upgrade_resource_state::Response {
                diagnostics,
                ..Default::default()
            }));
        };
        let raw = request.raw_state.unwrap_or_default();
        let result = if request.version > entry.schema.version {
            Err(Diagnostic::error(
                "State written by a newer provider",
                format!(
                    "The state of this {} was written by a newer version of the provider \
                     (schema version {}; this one knows {}). Upgrade the provider.",
                    request.type_name, request.version, entry.schema.version
                ),
            )
            .into())
        } else if raw.json.is_empty() && !raw.flatmap.is_empty() {
            Err(Diagnostic::error(
                "Unsupported state format",
                "This state uses the flatmap format of Terraform 0.11 and earlier, which this \
                 provider never wrote. Remove the object from state and import it again.",
            )
            .into())
        } else {
            decode(
                Some(&pb::DynamicValue {
                    msgpack: Vec::new(),
                    json: raw.json,
                }),
                &entry.ty,
            )
        };
        Ok(Response::new(match result {
            Ok(state) => pb::upgrade_resource_state::Response {
                upgraded_state: Some(encode(&state, &entry.ty)),
                diagnostics: Vec::new(),
            },
            Err(diags) => pb::upgrade_resource_state::Response {
                upgraded_state: None,
                diagnostics: diags.to_proto(),
            },
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<pb::get_resource_identity_schemas::Request>,
    ) -> RpcResult<pb::get_resource_identity_schemas::Response> {
        // No resource of this provider declares an identity; an empty map says so.
        Ok(Response::new(Default::default()))
    }

    async fn upgrade_resource_identity(
        &self,
        _request: Request<pb::upgrade_resource_identity::Request>,
    ) -> RpcResult<pb::upgrade_resource_identity::Response> {
        Ok(Response::new(pb::upgrade_resource_identity::Response {
            diagnostics: not_supported("Resource identity"),
            ..Default::default()
        }))
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> RpcResult<pb::configure_provider::Response> {
        let request = request.into_inner();
        let mut warnings = Diagnostics::new();
        let result = match decode(request.config.as_ref(), &self.provider_ty) {
            Ok(config) => {
                self.provider
                    .configure(&config, &request.terraform_version, &mut warnings)
                    .await
            }
            Err(diags) => Err(diags),
        };
        let diagnostics = diags_of(&result, warnings);
        if let Ok(data) = result {
            match self.data.write() {
                Ok(mut slot) => *slot = Some(Arc::new(data)),
                Err(poisoned) => *poisoned.into_inner() = Some(Arc::new(data)),
            }
        }
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics,
        }))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> RpcResult<pb::read_resource::Response> {
        let request = request.into_inner();
        let Some(entry) = self.resources.get(request.type_name.as_str()) else {
            return Ok(Response::new(pb::read_resource::Response {
                diagnostics: unknown_type("resource", &request.type_name),
                ..Default::default()
            }));
        };
        let current = match decode(request.current_state.as_ref(), &entry.ty) {
            Ok(v) => v,
            Err(diags) => {
                return Ok(Response::new(pb::read_resource::Response {
                    new_state: request.current_state,
                    diagnostics: diags.to_proto(),
                    ..Default::default()
                }))
            }
        };
        let Some(data) = self.data() else {
            return Ok(Response::new(pb::read_resource::Response {
                new_state: request.current_state,
                diagnostics: not_configured().to_proto(),
                ..Default::default()
            }));
        };
        let mut ctx = Ctx::new(data.as_ref());
        let limit = entry.timeouts.limit(&current, Operation::Read);
        let read = entry.imp.read(&mut ctx, &current);
        let result = self
            .within_limits(&request.type_name, Operation::Read, limit, read)
            .await;
        let diagnostics = diags_of(&result, std::mem::take(&mut ctx.warnings));
        let new_state = match result {
            Ok(Some(mut state)) => {
                null_write_only(&entry.schema, &mut state);
                keep_timeouts(&mut state, &current);
                encode(&state, &entry.ty)
            }
            Ok(None) => encode(&Value::Null, &entry.ty),
            Err(_) => encode(&current, &entry.ty),
        };
        Ok(Response::new(pb::read_resource::Response {
            new_state: Some(new_state),
            diagnostics,
            private: request.private,
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        let request = request.into_inner();
        let Some(entry) = self.resources.get(request.type_name.as_str()) else {
            return Ok(Response::new(pb::plan_resource_change::Response {
                diagnostics: unknown_type("resource", &request.type_name),
                ..Default::default()
            }));
        };
        let decoded = (|| {
            Ok::<_, Diagnostics>((
                decode(request.prior_state.as_ref(), &entry.ty)?,
                decode(request.proposed_new_state.as_ref(), &entry.ty)?,
                decode(request.config.as_ref(), &entry.ty)?,
            ))
        })();
        let (prior, proposed, config) = match decoded {
            Ok(values) => values,
            Err(diags) => {
                return Ok(Response::new(pb::plan_resource_change::Response {
                    diagnostics: diags.to_proto(),
                    ..Default::default()
                }))
            }
        };
        if proposed.is_null() {
            // Destroy: nothing to plan beyond what Terraform proposed.
            return Ok(Response::new(pb::plan_resource_change::Response {
                planned_state: request.proposed_new_state,
                planned_private: request.prior_private,
                ..Default::default()
            }));
        }
        let (planned, requires_replace) =
            plan_from_schema(&entry.schema, &prior, &config, proposed);
        let mut plan = Plan {
            prior: &prior,
            config: &config,
            planned,
            requires_replace,
        };
        let data = self.data();
        let result = self
            .until_stopped(entry.imp.modify_plan(data.as_deref(), &mut plan))
            .await;
        Ok(Response::new(pb::plan_resource_change::Response {
            diagnostics: diags_of(&result, Diagnostics::new()),
            planned_state: Some(encode(&plan.planned, &entry.ty)),
            requires_replace: plan.requires_replace.iter().map(|p| p.to_proto()).collect(),
            planned_private: request.prior_private,
            ..Default::default()
        }))
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        let request = request.into_inner();
        let Some(entry) = self.resources.get(request.type_name.as_str()) else {
            return Ok(Response::new(pb::apply_resource_change::Response {
                diagnostics: unknown_type("resource", &request.type_name),
                ..Default::default()
            }));
        };
        let decoded = (|| {
            Ok::<_, Diagnostics>((
                decode(request.prior_state.as_ref(), &entry.ty)?,
                decode(request.planned_state.as_ref(), &entry.ty)?,
                decode(request.config.as_ref(), &entry.ty)?,
            ))
        })();
        let (prior, planned, config) = match decoded {
            Ok(values) => values,
            Err(diags) => {
                return Ok(Response::new(pb::apply_resource_change::Response {
                    new_state: request.prior_state,
                    diagnostics: diags.to_proto(),
                    ..Default::default()
                }))
            }
        };
        let Some(data) = self.data() else {
            return Ok(Response::new(pb::apply_resource_change::Response {
                new_state: request.prior_state,
                diagnostics: not_configured().to_proto(),
                ..Default::default()
            }));
        };
        let mut ctx = Ctx::new(data.as_ref());
        let imp = &entry.imp;
        // On failure Terraform keeps whatever state we return: the prior state for a failed
        // update or delete, nothing for a failed create.
        let name = request.type_name.as_str();
        let (result, fallback) = if planned.is_null() {
            let limit = entry.timeouts.limit(&prior, Operation::Delete);
            let delete = imp.delete(&mut ctx, &prior);
            let r = self
                .within_limits(name, Operation::Delete, limit, delete)
                .await;
            (r.map(|()| Value::Null), prior.clone())
        } else if prior.is_null() {
            let limit = entry.timeouts.limit(&planned, Operation::Create);
            let create = imp.create(&mut ctx, &planned, &config);
            match self
                .finished_within_limits(name, Operation::Create, limit, create)
                .await
            {
                Ok(r) => (r, Value::Null),
                Err(mut abandoned) => {
                    let recorded = provisional(&planned);
                    if recorded.is_null() {
                        abandoned.push(unrecorded_create(name));
                    }
                    (Err(abandoned), recorded)
                }
            }
        } else {
            let limit = entry.timeouts.limit(&planned, Operation::Update);
            let update = imp.update(&mut ctx, &prior, &planned, &config);
            let r = self
                .within_limits(name, Operation::Update, limit, update)
                .await;
            (r, prior.clone())
        };
        let result = result.and_then(|mut state| {
            null_write_only(&entry.schema, &mut state);
            keep_timeouts(&mut state, &planned);
            ensure_known(&request.type_name, &state).map(|()| state)
        });
        let diagnostics = diags_of(&result, std::mem::take(&mut ctx.warnings));
        let new_state = result.unwrap_or(fallback);
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state: Some(encode(&new_state, &entry.ty)),
            diagnostics,
            private: request.planned_private,
            ..Default::default()
        }))
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> RpcResult<pb::import_resource_state::Response> {
        let request = request.into_inner();
        let Some(entry) = self.resources.get(request.type_name.as_str()) else {
            return Ok(Response::new(pb::import_resource_state::Response {
                diagnostics: unknown_type("resource", &request.type_name),
                ..Default::default()
            }));
        };
        let Some(data) = self.data() else {
            return Ok(Response::new(pb::import_resource_state::Response {
                diagnostics: not_configured().to_proto(),
                ..Default::default()
            }));
        };
        let mut ctx = Ctx::new(data.as_ref());
        let import = entry.imp.import(&mut ctx, &request.id);
        let result = self
            .within_limits(
                &request.type_name,
                Operation::Read,
                entry.timeouts.read,
                import,
            )
            .await;
        let diagnostics = diags_of(&result, std::mem::take(&mut ctx.warnings));
        let imported_resources = match result {
            Ok(mut state) => {
                null_write_only(&entry.schema, &mut state);
                vec![pb::import_resource_state::ImportedResource {
                    type_name: request.type_name,
                    state: Some(encode(&state, &entry.ty)),
                    ..Default::default()
                }]
            }
            Err(_) => Vec::new(),
        };
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources,
            diagnostics,
            ..Default::default()
        }))
    }

    async fn move_resource_state(
        &self,
        _request: Request<pb::move_resource_state::Request>,
    ) -> RpcResult<pb::move_resource_state::Response> {
        Ok(Response::new(pb::move_resource_state::Response {
            diagnostics: not_supported("Moving state between resource types"),
            ..Default::default()
        }))
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        let request = request.into_inner();
        let Some(entry) = self.data_sources.get(request.type_name.as_str()) else {
            return Ok(Response::new(pb::read_data_source::Response {
                diagnostics: unknown_type("data source", &request.type_name),
                ..Default::default()
            }));
        };
        let config = match decode(request.config.as_ref(), &entry.ty) {
            Ok(config) => config,
            Err(diags) => {
                return Ok(Response::new(pb::read_data_source::Response {
                    diagnostics: diags.to_proto(),
                    ..Default::default()
                }))
            }
        };
        let Some(data) = self.data() else {
            return Ok(Response::new(pb::read_data_source::Response {
                diagnostics: not_configured().to_proto(),
                ..Default::default()
            }));
        };
        let mut ctx = Ctx::new(data.as_ref());
        let result = self.until_stopped(entry.imp.read(&mut ctx, &config)).await;
        let diagnostics = diags_of(&result, std::mem::take(&mut ctx.warnings));
        Ok(Response::new(pb::read_data_source::Response {
            state: result.ok().map(|state| encode(&state, &entry.ty)),
            diagnostics,
            ..Default::default()
        }))
    }

    async fn generate_resource_config(
        &self,
        _request: Request<pb::generate_resource_config::Request>,
    ) -> RpcResult<pb::generate_resource_config::Response> {
        Ok(Response::new(pb::generate_resource_config::Response {
            diagnostics: not_supported("Configuration generation"),
            ..Default::default()
        }))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        request: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<pb::validate_ephemeral_resource_config::Response> {
        let diagnostics = unknown_type("ephemeral resource", &request.into_inner().type_name);
        Ok(Response::new(
            pb::validate_ephemeral_resource_config::Response { diagnostics },
        ))
    }

    async fn open_ephemeral_resource(
        &self,
        _request: Request<pb::open_ephemeral_resource::Request>,
    ) -> RpcResult<pb::open_ephemeral_resource::Response> {
        Ok(Response::new(pb::open_ephemeral_resource::Response {
            diagnostics: not_supported("Ephemeral resources"),
            ..Default::default()
        }))
    }

    async fn renew_ephemeral_resource(
        &self,
        _request: Request<pb::renew_ephemeral_resource::Request>,
    ) -> RpcResult<pb::renew_ephemeral_resource::Response> {
        Ok(Response::new(pb::renew_ephemeral_resource::Response {
            diagnostics: not_supported("Ephemeral resources"),
            ..Default::default()
        }))
    }

    async fn close_ephemeral_resource(
        &self,
        _request: Request<pb::close_ephemeral_resource::Request>,
    ) -> RpcResult<pb::close_ephemeral_resource::Response> {
        Ok(Response::new(pb::close_ephemeral_resource::Response {
            diagnostics: not_supported("Ephemeral resources"),
        }))
    }

    type ListResourceStream = BoxStream<pb::list_resource::Event>;

    async fn list_resource(
        &self,
        _request: Request<pb::list_resource::Request>,
    ) -> RpcResult<Self::ListResourceStream> {
        let event = pb::list_resource::Event {
            diagnostic: not_supported("Listing resources"),
            ..Default::default()
        };
        Ok(Response::new(Box::pin(futures_util::stream::iter([Ok(
            event,
        )]))))
    }

    async fn validate_list_resource_config(
        &self,
        _request: Request<pb::validate_list_resource_config::Request>,
    ) -> RpcResult<pb::validate_list_resource_config::Response> {
        Ok(Response::new(pb::validate_list_resource_config::Response {
            diagnostics: not_supported("Listing resources"),
        }))
    }

    async fn get_functions(
        &self,
        _request: Request<pb::get_functions::Request>,
    ) -> RpcResult<pb::get_functions::Response> {
        // The provider defines no functions; an empty map says so.
        Ok(Response::new(Default::default()))
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> RpcResult<pb::call_function::Response> {
        Ok(Response::new(pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text: format!(
                    "The ACP provider defines no functions, so {:?} cannot be called.",
                    request.into_inner().name
                ),
                function_argument: None,
            }),
        }))
    }

    async fn validate_state_store_config(
        &self,
        _request: Request<pb::validate_state_store::Request>,
    ) -> RpcResult<pb::validate_state_store::Response> {
        Ok(Response::new(pb::validate_state_store::Response {
            diagnostics: not_supported("State storage"),
        }))
    }

    async fn configure_state_store(
        &self,
        _request: Request<pb::configure_state_store::Request>,
    ) -> RpcResult<pb::configure_state_store::Response> {
        Ok(Response::new(pb::configure_state_store::Response {
            diagnostics: not_supported("State storage"),
            ..Default::default()
        }))
    }

    type ReadStateBytesStream = BoxStream<pb::read_state_bytes::Response>;

    async fn read_state_bytes(
        &self,
        _request: Request<pb::read_state_bytes::Request>,
    ) -> RpcResult<Self::ReadStateBytesStream> {
        let response = pb::read_state_bytes::Response {
            diagnostics: not_supported("State storage"),
            ..Default::default()
        };
        Ok(Response::new(Box::pin(futures_util::stream::iter([Ok(
            response,
        )]))))
    }

    async fn write_state_bytes(
        &self,
        _request: Request<Streaming<pb::write_state_bytes::RequestChunk>>,
    ) -> RpcResult<pb::write_state_bytes::Response> {
        Ok(Response::new(pb::write_state_bytes::Response {
            diagnostics: not_supported("State storage"),
        }))
    }

    async fn lock_state(
        &self,
        _request: Request<pb::lock_state::Request>,
    ) -> RpcResult<pb::lock_state::Response> {
        Ok(Response::new(pb::lock_state::Response {
            diagnostics: not_supported("State storage"),
            ..Default::default()
        }))
    }

    async fn unlock_state(
        &self,
        _request: Request<pb::unlock_state::Request>,
    ) -> RpcResult<pb::unlock_state::Response> {
        Ok(Response::new(pb::unlock_state::Response {
            diagnostics: not_supported("State storage"),
        }))
    }

    async fn get_states(
        &self,
        _request: Request<pb::get_states::Request>,
    ) -> RpcResult<pb::get_states::Response> {
        Ok(Response::new(pb::get_states::Response {
            diagnostics: not_supported("State storage"),
            ..Default::default()
        }))
    }

    async fn delete_state(
        &self,
        _request: Request<pb::delete_state::Request>,
    ) -> RpcResult<pb::delete_state::Response> {
        Ok(Response::new(pb::delete_state::Response {
            diagnostics: not_supported("State storage"),
        }))
    }

    async fn plan_action(
        &self,
        _request: Request<pb::plan_action::Request>,
    ) -> RpcResult<pb::plan_action::Response> {
        Ok(Response::new(pb::plan_action::Response {
            diagnostics: not_supported("Actions"),
            ..Default::default()
        }))
    }

    type InvokeActionStream = BoxStream<pb::invoke_action::Event>;

    async fn invoke_action(
        &self,
        _request: Request<pb::invoke_action::Request>,
    ) -> RpcResult<Self::InvokeActionStream> {
        let event = pb::invoke_action::Event {
            r#type: Some(pb::invoke_action::event::Type::Completed(
                pb::invoke_action::event::Completed {
                    diagnostics: not_supported("Actions"),
                },
            )),
        };
        Ok(Response::new(Box::pin(futures_util::stream::iter([Ok(
            event,
        )]))))
    }

    async fn validate_action_config(
        &self,
        _request: Request<pb::validate_action_config::Request>,
    ) -> RpcResult<pb::validate_action_config::Response> {
        Ok(Response::new(pb::validate_action_config::Response {
            diagnostics: not_supported("Actions"),
        }))
    }

    async fn stop_provider(
        &self,
        _request: Request<pb::stop_provider::Request>,
    ) -> RpcResult<pb::stop_provider::Response> {
        tracing::info!("stop requested by terraform; cancelling in-flight operations");
        self.stop.cancel();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}
