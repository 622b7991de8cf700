resource "acp_workspace" "team" {
  name = "team-alpha"

  # Stored by the platform on OpenShift only; elsewhere kept in Terraform state.
  display_name = "Team Alpha"
  description  = "Agent sessions of team Alpha"
}
