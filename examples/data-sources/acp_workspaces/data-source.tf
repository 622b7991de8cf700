data "acp_workspaces" "teams" {
  search = "team-"
}

output "team_workspaces" {
  value = data.acp_workspaces.teams.workspaces[*].name
}
