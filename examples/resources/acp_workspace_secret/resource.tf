variable "anthropic_api_key" {
  type      = string
  sensitive = true
}

# A model API key: goes to the workspace's runner secret.
resource "acp_workspace_secret" "anthropic" {
  workspace = "team-alpha"
  name      = "ANTHROPIC_API_KEY"
  value     = var.anthropic_api_key
}

# Any other name goes to the integration secret.
resource "acp_workspace_secret" "jira_url" {
  workspace = "team-alpha"
  name      = "JIRA_URL"
  value     = "https://example.atlassian.net"
}
