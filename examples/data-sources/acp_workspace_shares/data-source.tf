data "acp_workspace_shares" "team" {
  workspace = "team-alpha"
}

output "admins" {
  value = [for s in data.acp_workspace_shares.team.shares : s.subject_name if s.role == "admin"]
}
