variable "team" {
  description = "Team name; the workspace is named after it (a DNS label: lowercase letters, digits and '-')."
  type        = string
}

variable "display_name" {
  description = "Human-friendly workspace name (stored by the platform on OpenShift only). Defaults to the team name."
  type        = string
  default     = null
}

variable "members" {
  description = <<-EOT
    Who gets which role, keyed by role (view, edit, admin). List both users and groups for
    every role given; use [] for none. Example:
    { edit = { users = [], groups = ["payments-engineers"] }, admin = { users = ["dana@example.com"], groups = [] } }
  EOT
  # Every attribute is required: optional object attributes need an experiment in Terraform 1.0.
  type = map(object({
    users  = list(string)
    groups = list(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for role in keys(var.members) : contains(["view", "edit", "admin"], role)])
    error_message = "The keys of members must be roles: view, edit or admin."
  }
}

variable "secrets" {
  description = "Secrets injected into the team's agent sessions, by environment variable name."
  type        = map(string)
  sensitive   = true
  default     = {}
}

variable "storage" {
  description = "Custom S3-compatible storage for session state; null keeps the platform's shared storage. region may be null."
  type = object({
    endpoint   = string
    bucket     = string
    region     = string
    access_key = string
    secret_key = string
  })
  sensitive = true
  default   = null
}

variable "ci_key_expiration_seconds" {
  description = "Lifetime of the CI key, in seconds; more than 14 days (1209600), since the key is replaced in its last 14 days, at the next apply."
  type        = number
  default     = 7776000 # 90 days

  validation {
    condition     = var.ci_key_expiration_seconds > 1209600 && var.ci_key_expiration_seconds <= 31536000
    error_message = "The CI key lifetime must be more than 14 days (1209600 seconds) and at most one year (31536000)."
  }
}
