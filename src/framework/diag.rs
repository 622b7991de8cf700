//! Diagnostics: the errors and warnings the provider returns to Terraform.
//!
//! Every diagnostic has a short summary in sentence case without a final period, and a detail
//! that says what went wrong and how to fix it. When the configuration is at fault the
//! diagnostic carries the attribute path, so Terraform points at the offending line.

use magma_protocol::tfplugin6::{diagnostic::Severity as ProtoSeverity, Diagnostic as ProtoDiag};

use super::path::AttributePath;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The operation failed.
    Error,
    /// The operation went ahead, but the user should know something.
    Warning,
}

/// One error or warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short phrase, e.g. "Invalid workspace name".
    pub summary: String,
    /// The cause and the fix, in full sentences.
    pub detail: String,
    /// The attribute at fault, when there is one.
    pub path: Option<AttributePath>,
}

impl Diagnostic {
    /// An error not tied to an attribute.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            path: None,
        }
    }

    /// A warning not tied to an attribute.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary, detail)
        }
    }

    /// The same diagnostic, pointing at an attribute.
    pub fn at(mut self, path: AttributePath) -> Diagnostic {
        self.path = Some(path);
        self
    }

    /// The protocol form.
    pub fn to_proto(&self) -> ProtoDiag {
        ProtoDiag {
            severity: match self.severity {
                Severity::Error => ProtoSeverity::Error,
                Severity::Warning => ProtoSeverity::Warning,
            } as i32,
            summary: self.summary.clone(),
            detail: self.detail.clone(),
            attribute: self.path.as_ref().map(AttributePath::to_proto),
        }
    }
}

/// A list of diagnostics, collected so that one response reports every problem at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

/// The result of a provider operation: a value, or the diagnostics that explain its failure.
pub type DiagResult<T> = Result<T, Diagnostics>;

impl Diagnostics {
    /// No diagnostics yet.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds all diagnostics of another list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// True when there are no diagnostics at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The diagnostics, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// `Ok(())` when there is no error, else these diagnostics as the error.
    pub fn into_result(self) -> DiagResult<()> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(())
        }
    }

    /// The protocol form.
    pub fn to_proto(&self) -> Vec<ProtoDiag> {
        self.0.iter().map(Diagnostic::to_proto).collect()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}
