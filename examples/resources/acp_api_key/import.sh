# The import id is <workspace>/<key id>; the acp_api_keys data source lists key ids.
# An imported key has no token in state: the platform shows it only once, at creation.
terraform import acp_api_key.ci team-alpha/ambient-key-ci-pipeline-3f9a1c2e
