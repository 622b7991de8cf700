# The import id is <workspace>/<name>.
terraform import acp_workspace_secret.anthropic team-alpha/ANTHROPIC_API_KEY
