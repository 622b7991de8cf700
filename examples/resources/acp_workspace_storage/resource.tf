variable "s3_secret_key" {
  type      = string
  sensitive = true
}

resource "acp_workspace_storage" "sessions" {
  workspace  = "team-alpha"
  endpoint   = "https://s3.eu-west-1.amazonaws.com"
  bucket     = "alpha-agent-sessions"
  region     = "eu-west-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = var.s3_secret_key
}
