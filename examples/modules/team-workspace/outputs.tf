output "workspace" {
  description = "Name of the team's workspace."
  value       = acp_workspace.this.name
}

output "ci_key_id" {
  description = "Id of the CI key (for import and audit)."
  value       = acp_api_key.ci.id
}

output "ci_key" {
  description = "The CI key's token, for `Authorization: Bearer`. Replaced when the key rotates."
  value       = acp_api_key.ci.key
  sensitive   = true
}
