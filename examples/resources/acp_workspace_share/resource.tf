# A group that may run sessions, and a user who administers the workspace.
resource "acp_workspace_share" "engineers" {
  workspace    = "team-alpha"
  subject_type = "group"
  subject_name = "alpha-engineers"
  role         = "edit"
}

resource "acp_workspace_share" "lead" {
  workspace    = "team-alpha"
  subject_type = "user"
  subject_name = "dana@example.com"
  role         = "admin"
}
