# The import id is <workspace>/<subject_type>/<subject_name>/<role>.
terraform import acp_workspace_share.engineers team-alpha/group/alpha-engineers/edit
