resource "acp_api_key" "ci" {
  workspace          = "team-alpha"
  name               = "ci-pipeline"
  description        = "Starts agent sessions from CI"
  role               = "edit"
  expiration_seconds = 7776000 # 90 days

  # A plan made in the last 14 days before expiry replaces the key, so a scheduled apply
  # rotates it in time.
  rotate_before_seconds = 1209600
}

# The token is only available here, right after creation.
output "ci_key" {
  value     = acp_api_key.ci.key
  sensitive = true
}
