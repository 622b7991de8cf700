data "acp_workspace" "team" {
  name = "team-alpha"
}

output "team_status" {
  value = data.acp_workspace.team.status
}
