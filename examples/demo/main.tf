# A complete team workspace: what a platform team provisions for one engineering team.
# `make demo` applies this against the local ACP emulator; point ACP_ENDPOINT, ACP_TOKEN and
# ACP_USERNAME at a real platform to apply it there.

terraform {
  required_providers {
    acp = {
      source = "ambient-code/acp"
    }
  }
}

provider "acp" {
  # endpoint, token and username come from ACP_ENDPOINT, ACP_TOKEN and ACP_USERNAME.
}

variable "anthropic_api_key" {
  description = "API key the workspace's agent runners use."
  type        = string
  sensitive   = true
  default     = "sk-ant-demo-not-a-real-key"
}

variable "github_token" {
  description = "Token agents use to push branches and open pull requests."
  type        = string
  sensitive   = true
  default     = "ghp_demo_not_a_real_token"
}

resource "acp_workspace" "payments" {
  name         = "team-payments"
  display_name = "Payments team"
  description  = "Agent sessions of the payments team"
}

resource "acp_workspace_share" "engineers" {
  workspace    = acp_workspace.payments.name
  subject_type = "group"
  subject_name = "payments-engineers"
  role         = "edit"
}

resource "acp_workspace_share" "lead" {
  workspace    = acp_workspace.payments.name
  subject_type = "user"
  subject_name = "dana@example.com"
  role         = "admin"
}

resource "acp_workspace_secret" "anthropic" {
  workspace = acp_workspace.payments.name
  name      = "ANTHROPIC_API_KEY"
  value     = var.anthropic_api_key
}

resource "acp_workspace_secret" "github" {
  workspace = acp_workspace.payments.name
  name      = "GITHUB_TOKEN"
  value     = var.github_token
}

resource "acp_workspace_secret" "jira_url" {
  workspace = acp_workspace.payments.name
  name      = "JIRA_URL"
  value     = "https://example.atlassian.net"
}

resource "acp_workspace_storage" "sessions" {
  workspace  = acp_workspace.payments.name
  endpoint   = "https://s3.eu-west-1.amazonaws.com"
  bucket     = "payments-agent-sessions"
  region     = "eu-west-1"
  access_key = "AKIADEMOEXAMPLE"
  secret_key = "demo-secret-access-key"
}

resource "acp_api_key" "ci" {
  workspace          = acp_workspace.payments.name
  name               = "ci-pipeline"
  description        = "Used by the payments CI pipeline to start agent sessions"
  role               = "edit"
  expiration_seconds = 7776000 # 90 days
  # Plan a replacement once the key is within 14 days of expiring, so a scheduled apply
  # rotates it in time.
  rotate_before_seconds = 1209600
}

output "workspace" {
  value = acp_workspace.payments.name
}

output "secret_kinds" {
  value = {
    anthropic = acp_workspace_secret.anthropic.kind
    github    = acp_workspace_secret.github.kind
  }
}

output "ci_key_id" {
  value = acp_api_key.ci.id
}

output "ci_key" {
  value     = acp_api_key.ci.key
  sensitive = true
}
