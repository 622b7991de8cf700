//! The Terraform configurations the scale and call-count measurements apply.

/// Objects per workspace in the scale mix: the workspace, 2 shares, 4 secrets, its storage and
/// 2 API keys.
pub(crate) const OBJECTS_PER_WORKSPACE: usize = 10;

fn workspace(hcl: &mut String, w: &str) {
    *hcl += &format!(
        "resource \"acp_workspace\" \"{w}\" {{\n  name        = \"{w}\"\n  description = \"benchmark workspace {w}\"\n}}\n\n"
    );
}

fn share(hcl: &mut String, w: &str, i: usize, role: &str) {
    *hcl += &format!(
        "resource \"acp_workspace_share\" \"{w}_u{i}\" {{\n  workspace    = acp_workspace.{w}.name\n  subject_type = \"user\"\n  subject_name = \"user{i}@example.com\"\n  role         = \"{role}\"\n}}\n\n"
    );
}

fn secret(hcl: &mut String, w: &str, i: usize) {
    *hcl += &format!(
        "resource \"acp_workspace_secret\" \"{w}_s{i}\" {{\n  workspace = acp_workspace.{w}.name\n  name      = \"SECRET_{i}\"\n  value     = \"value-{w}-{i}\"\n}}\n\n"
    );
}

fn api_key(hcl: &mut String, w: &str, i: usize) {
    *hcl += &format!(
        "resource \"acp_api_key\" \"{w}_k{i}\" {{\n  workspace = acp_workspace.{w}.name\n  name      = \"key{i}\"\n  role      = \"edit\"\n}}\n\n"
    );
}

fn storage(hcl: &mut String, w: &str) {
    *hcl += &format!(
        "resource \"acp_workspace_storage\" \"{w}\" {{\n  workspace  = acp_workspace.{w}.name\n  endpoint   = \"https://s3.example.com\"\n  bucket     = \"{w}-sessions\"\n  region     = \"eu-west-1\"\n  access_key = \"AKIABENCH\"\n  secret_key = \"bench-secret-{w}\"\n}}\n\n"
    );
}

/// `objects` ACP objects (a multiple of [`OBJECTS_PER_WORKSPACE`]) in the realistic mix.
pub(crate) fn acp_mix(objects: usize) -> String {
    let mut hcl = String::new();
    for n in 0..objects.div_ceil(OBJECTS_PER_WORKSPACE) {
        let w = format!("bench-{n}");
        workspace(&mut hcl, &w);
        share(&mut hcl, &w, 0, "view");
        share(&mut hcl, &w, 1, "edit");
        for i in 0..4 {
            secret(&mut hcl, &w, i);
        }
        storage(&mut hcl, &w);
        api_key(&mut hcl, &w, 0);
        api_key(&mut hcl, &w, 1);
    }
    hcl
}

/// The same number of `null_resource` objects: what Terraform core costs per object.
pub(crate) fn null_floor(objects: usize) -> String {
    let mut hcl = String::new();
    for i in 0..objects {
        hcl += &format!(
            "resource \"null_resource\" \"n{i}\" {{\n  triggers = {{\n    index = \"{i}\"\n  }}\n}}\n\n"
        );
    }
    hcl
}

/// Like [`null_floor`], with a `pad` trigger of `pad` characters in every object, so that the
/// floor's state can be made as large per object as ours: Terraform core's cost of an apply
/// grows with the size of the state it rewrites after each change.
pub(crate) fn null_floor_padded(objects: usize, pad: usize) -> String {
    let padding = "x".repeat(pad);
    let mut hcl = String::new();
    for i in 0..objects {
        hcl += &format!(
            "resource \"null_resource\" \"n{i}\" {{\n  triggers = {{\n    index = \"{i}\"\n    pad   = \"{padding}\"\n  }}\n}}\n\n"
        );
    }
    hcl
}

/// One workspace with 40 secrets, 10 shares and 5 API keys (measurement 3).
pub(crate) fn busy_workspace() -> String {
    let mut hcl = String::new();
    let w = "busy";
    workspace(&mut hcl, w);
    for i in 0..40 {
        secret(&mut hcl, w, i);
    }
    for i in 0..10 {
        share(&mut hcl, w, i, "view");
    }
    for i in 0..5 {
        api_key(&mut hcl, w, i);
    }
    hcl
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_has_the_asked_number_of_objects() {
        assert_eq!(acp_mix(100).matches("\nresource ").count() + 1, 100);
        assert_eq!(
            null_floor(30).matches("resource \"null_resource\"").count(),
            30
        );
        assert_eq!(busy_workspace().matches("resource \"").count(), 56);
        let padded = null_floor_padded(3, 5);
        assert_eq!(padded.matches("pad   = \"xxxxx\"").count(), 3);
    }
}
