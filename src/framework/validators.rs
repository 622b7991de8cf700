//! Validators: checks on configured attribute values, run at validate time so mistakes are
//! reported by `terraform plan` before anything reaches the platform.
//!
//! A validator only says what is wrong with a value; the framework turns its message into a
//! diagnostic that names the attribute, and quotes the offending value unless the attribute is
//! sensitive.

use super::value::Value;

/// A check on one known, non-null attribute value.
pub trait Validator: Send + Sync {
    /// What a valid value looks like, in markdown, for documentation.
    fn description(&self) -> String;

    /// `Err` with a sentence saying what is wrong and what would be right.
    fn validate(&self, value: &Value) -> Result<(), String>;
}

/// A string whose length in characters lies within bounds.
pub struct LengthBetween {
    /// Fewest characters allowed.
    pub min: usize,
    /// Most characters allowed.
    pub max: usize,
}

impl Validator for LengthBetween {
    fn description(&self) -> String {
        format!("between {} and {} characters", self.min, self.max)
    }

    fn validate(&self, value: &Value) -> Result<(), String> {
        let Some(s) = value.as_str() else {
            return Ok(());
        };
        let n = s.chars().count();
        if n < self.min || n > self.max {
            return Err(format!(
                "Must be between {} and {} characters long; this value has {n}.",
                self.min, self.max
            ));
        }
        Ok(())
    }
}

/// A string that is one of a fixed list.
pub struct OneOf(pub &'static [&'static str]);

impl Validator for OneOf {
    fn description(&self) -> String {
        format!("one of {}", quoted_list(self.0))
    }

    fn validate(&self, value: &Value) -> Result<(), String> {
        match value.as_str() {
            Some(s) if !self.0.contains(&s) => {
                Err(format!("Must be one of {}.", quoted_list(self.0)))
            }
            _ => Ok(()),
        }
    }
}

/// A whole number within bounds.
pub struct IntBetween {
    /// Smallest value allowed.
    pub min: i64,
    /// Largest value allowed.
    pub max: i64,
}

impl Validator for IntBetween {
    fn description(&self) -> String {
        format!("a whole number from {} to {}", self.min, self.max)
    }

    fn validate(&self, value: &Value) -> Result<(), String> {
        let Value::Number(n) = value else {
            return Ok(());
        };
        match n.as_i64() {
            Some(i) if (self.min..=self.max).contains(&i) => Ok(()),
            _ => Err(format!(
                "Must be a whole number from {} to {}.",
                self.min, self.max
            )),
        }
    }
}

/// A string checked by a function, for rules too specific for the general validators.
pub struct StringRule {
    /// What a valid value looks like.
    pub description: &'static str,
    /// Returns the reason the value is invalid.
    pub check: fn(&str) -> Result<(), String>,
}

impl Validator for StringRule {
    fn description(&self) -> String {
        self.description.to_string()
    }

    fn validate(&self, value: &Value) -> Result<(), String> {
        value.as_str().map_or(Ok(()), self.check)
    }
}

/// A string that is not empty and not only white space.
pub struct NotBlank;

impl Validator for NotBlank {
    fn description(&self) -> String {
        "not empty".to_string()
    }

    fn validate(&self, value: &Value) -> Result<(), String> {
        match value.as_str() {
            Some(s) if s.trim().is_empty() => Err(
                "Must not be empty or only white space. To leave it unset, remove the attribute."
                    .to_string(),
            ),
            _ => Ok(()),
        }
    }
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_characters_not_bytes() {
        let v = LengthBetween { min: 1, max: 3 };
        assert!(v.validate(&Value::from("—é")).is_ok());
        assert!(v.validate(&Value::from("abcd")).is_err());
        assert!(v.validate(&Value::from("")).is_err());
    }

    #[test]
    fn one_of_lists_the_choices() {
        let v = OneOf(&["view", "edit"]);
        assert!(v.validate(&Value::from("edit")).is_ok());
        let msg = v.validate(&Value::from("owner")).unwrap_err();
        assert_eq!(msg, r#"Must be one of "view", "edit"."#);
    }

    #[test]
    fn int_between_refuses_fractions_and_out_of_range() {
        let v = IntBetween {
            min: 600,
            max: 31_536_000,
        };
        assert!(v.validate(&Value::from(600)).is_ok());
        assert!(v.validate(&Value::from(599)).is_err());
        let frac = Value::Number(crate::framework::value::Number::Float(600.5));
        assert!(v.validate(&frac).is_err());
    }

    #[test]
    fn not_blank_refuses_white_space() {
        assert!(NotBlank.validate(&Value::from(" \t")).is_err());
        assert!(NotBlank.validate(&Value::from("x")).is_ok());
    }
}
