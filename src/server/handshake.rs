//! go-plugin's handshake: the environment Terraform sets for a plugin, and the one line the
//! plugin answers with on stdout.

use std::path::Path;

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;

/// The environment variable Terraform sets to prove it launched the plugin.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// Terraform's magic cookie value, the same for every provider.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// go-plugin's core protocol version.
const CORE_PROTOCOL_VERSION: u32 = 1;
/// The only plugin protocol this provider speaks.
pub const PROTOCOL_VERSION: u32 = 6;

/// Why the plugin will not start.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HandshakeError {
    /// Started by hand rather than by Terraform.
    #[error(
        "This binary is a plugin. These are not meant to be executed directly.\n\
         Please execute the program that consumes these plugins (terraform), which will\n\
         load any plugins automatically. To run it under a debugger, pass --debug."
    )]
    NotLaunchedByTerraform,
    /// Terraform does not offer protocol 6.
    #[error(
        "terraform offered plugin protocol versions {offered:?}, but this provider speaks only \
         version 6; use Terraform 1.0 or later"
    )]
    NoCommonProtocol {
        /// What Terraform offered.
        offered: String,
    },
}

/// Checks the magic cookie and the protocol versions Terraform offers.
pub fn check(cookie: Option<&str>, offered_versions: Option<&str>) -> Result<(), HandshakeError> {
    if cookie != Some(MAGIC_COOKIE_VALUE) {
        return Err(HandshakeError::NotLaunchedByTerraform);
    }
    // Without the variable go-plugin falls back to the version both sides were built with,
    // which for a protocol 6 provider is 6.
    let Some(offered) = offered_versions else {
        return Ok(());
    };
    let speaks_6 = offered
        .split(',')
        .any(|v| v.trim().parse::<u32>() == Ok(PROTOCOL_VERSION));
    if speaks_6 {
        Ok(())
    } else {
        Err(HandshakeError::NoCommonProtocol {
            offered: offered.to_string(),
        })
    }
}

/// The handshake line: `1|6|unix|<path>|grpc|<certificate>`, without a newline.
pub fn line(socket: &Path, server_cert_der: Option<&[u8]>) -> String {
    let cert = server_cert_der
        .map(|der| STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!(
        "{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|unix|{}|grpc|{cert}",
        socket.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_missing_or_wrong_cookie() {
        assert_eq!(
            check(None, Some("6")),
            Err(HandshakeError::NotLaunchedByTerraform)
        );
        assert_eq!(
            check(Some("nope"), Some("6")),
            Err(HandshakeError::NotLaunchedByTerraform)
        );
    }

    #[test]
    fn negotiates_protocol_6() {
        assert_eq!(check(Some(MAGIC_COOKIE_VALUE), Some("5,6")), Ok(()));
        assert_eq!(check(Some(MAGIC_COOKIE_VALUE), None), Ok(()));
        let err = check(Some(MAGIC_COOKIE_VALUE), Some("4,5")).unwrap_err();
        assert!(err.to_string().contains("version 6"));
    }

    #[test]
    fn line_has_unpadded_base64_certificate() {
        let l = line(Path::new("/tmp/p/plugin.sock"), Some(&[1, 2, 3, 4]));
        assert_eq!(l, "1|6|unix|/tmp/p/plugin.sock|grpc|AQIDBA");
        assert_eq!(line(Path::new("/s"), None), "1|6|unix|/s|grpc|");
    }
}
