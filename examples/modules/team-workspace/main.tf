# One team's workspace: the workspace, its members, its secrets, optional custom storage and a
# key for the team's CI. A platform team calls this module once per team.

locals {
  # One share per (subject, role): the platform grants roles one at a time.
  shares = merge([
    for role, who in var.members : merge(
      { for user in who.users : "user/${user}/${role}" => { type = "user", name = user, role = role } },
      { for group in who.groups : "group/${group}/${role}" => { type = "group", name = group, role = role } },
    )
  ]...)

  # Terraform 1.0 refuses for_each over a sensitive map; the names are not secret, the values
  # stay sensitive where they are used.
  secret_names = nonsensitive(toset(keys(var.secrets)))
}

resource "acp_workspace" "this" {
  name         = var.team
  display_name = coalesce(var.display_name, var.team)
}

resource "acp_workspace_share" "member" {
  for_each = local.shares

  workspace    = acp_workspace.this.name
  subject_type = each.value.type
  subject_name = each.value.name
  role         = each.value.role
}

resource "acp_workspace_secret" "this" {
  for_each = local.secret_names

  workspace = acp_workspace.this.name
  name      = each.key
  value     = var.secrets[each.key]
}

resource "acp_workspace_storage" "this" {
  # Whether storage is configured is not secret; its settings are.
  count = nonsensitive(var.storage == null) ? 0 : 1

  workspace  = acp_workspace.this.name
  endpoint   = var.storage.endpoint
  bucket     = var.storage.bucket
  region     = var.storage.region
  access_key = var.storage.access_key
  secret_key = var.storage.secret_key
}

resource "acp_api_key" "ci" {
  workspace             = acp_workspace.this.name
  name                  = "${var.team}-ci"
  description           = "CI of team ${var.team}"
  role                  = "edit"
  expiration_seconds    = var.ci_key_expiration_seconds
  rotate_before_seconds = 1209600 # 14 days
}
