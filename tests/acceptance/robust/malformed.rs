//! Malformed platform answers: each kind either gives a clear error or, where harmless, is
//! tolerated, and none crashes the provider.

use acp_emulator::{BodyShape, FaultPlan, FaultRule};

use crate::support::Harness;

const WS: &str = "team-alpha";

/// Words Terraform prints when a provider process dies.
const CRASH_SIGNS: [&str; 3] = ["panicked", "plugin crashed", "Plugin did not respond"];

#[test]
fn malformed_answers_give_clear_errors_or_are_tolerated() {
    let h = Harness::new("malformed");
    h.write_config(&format!(
        "resource \"acp_workspace\" \"w\" {{\n  name = \"{WS}\"\n}}\n\
         resource \"acp_api_key\" \"ci\" {{\n  workspace = acp_workspace.w.name\n  \
         name = \"ci\"\n  role = \"edit\"\n}}\n"
    ));
    h.apply();
    let project = format!("/api/projects/{WS}");
    let keys = format!("/api/projects/{WS}/keys");
    // (route, shape, tolerated): a tolerated answer leaves the plan empty.
    let cases = [
        (&project, BodyShape::InvalidJson, false),
        (&project, BodyShape::Html, false),
        (&project, BodyShape::Empty, false),
        (&project, BodyShape::Null, false),
        (&project, BodyShape::EmptyObject, false),
        (&project, BodyShape::NullFields, false),
        (&project, BodyShape::ExtraFields, true),
        (&keys, BodyShape::InvalidJson, false),
        (&keys, BodyShape::Html, false),
        (&keys, BodyShape::Empty, false),
        (&keys, BodyShape::ExtraFields, true),
    ];
    for (route, shape, tolerated) in cases {
        let name = shape.name();
        h.emulator.state().set_faults(
            FaultPlan::new(vec![FaultRule::malformed(shape).route(route).method("GET")])
                .with_seed(5),
        );
        let (code, out) = h.plan();
        // Terraform wraps long lines; compare with single spaces.
        let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
        let fired = h.emulator.state().fault_counts();
        assert!(!fired.is_empty(), "{route} {name}: fault never fired");
        for sign in CRASH_SIGNS {
            assert!(
                !out.contains(sign),
                "{route} {name}: provider crashed:\n{out}"
            );
        }
        if tolerated {
            assert_eq!(code, 0, "{route} {name} should be tolerated:\n{out}");
        } else {
            assert_eq!(code, 1, "{route} {name} should fail:\n{out}");
            assert!(
                out.contains("Unable to") && out.contains("could not be read"),
                "{route} {name}: error should say the answer was malformed:\n{out}"
            );
        }
    }
    h.emulator.state().clear_faults();
    h.assert_empty_plan();
}
