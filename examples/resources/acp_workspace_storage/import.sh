# The import id is the workspace name.
terraform import acp_workspace_storage.sessions team-alpha
