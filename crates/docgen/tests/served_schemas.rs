//! The documented schemas are the ones the provider serves: whatever the server adds to a
//! type's own schema (such as the timeouts block) must appear in the docs too.

use magma_protocol::tfplugin6::get_provider_schema::Request;
use magma_protocol::tfplugin6::provider_server::Provider as _;
use terraform_provider_acp::framework::Provider as _;
use terraform_provider_acp::provider::AcpProvider;
use terraform_provider_acp::server::grpc::ProviderService;

#[tokio::test]
async fn documented_schemas_equal_the_served_schemas() {
    let served = ProviderService::new(AcpProvider)
        .get_provider_schema(tonic::Request::new(Request {}))
        .await
        .expect("GetProviderSchema answers")
        .into_inner();

    assert_eq!(served.provider, Some(AcpProvider.schema().to_proto()));
    let resources = acp_docgen::resource_schemas();
    assert_eq!(resources.len(), served.resource_schemas.len());
    for (name, schema) in resources {
        assert_eq!(
            served.resource_schemas.get(name),
            Some(&schema.to_proto()),
            "resource {name}: the documented schema differs from the served one"
        );
    }
    let data_sources = acp_docgen::data_source_schemas();
    assert_eq!(data_sources.len(), served.data_source_schemas.len());
    for (name, schema) in data_sources {
        assert_eq!(
            served.data_source_schemas.get(name),
            Some(&schema.to_proto()),
            "data source {name}: the documented schema differs from the served one"
        );
    }
}
