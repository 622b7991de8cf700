# The import id is the workspace name.
terraform import acp_workspace.team team-alpha
