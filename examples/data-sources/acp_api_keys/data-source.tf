data "acp_api_keys" "team" {
  workspace = "team-alpha"
}

output "key_ids" {
  value = data.acp_api_keys.team.keys[*].id
}
