//! People's contact details as validated values, shared by the services that register
//! people (patients, doctors). Each value parses once, at the edge, naming the input field
//! it came from when it is refused, and is trusted afterwards.

/// A rule an input broke, naming the input field (`email`, `phoneNumber`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A person's name: trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_LEN: usize = 200;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(ValidationError::new(field, "name must not be empty"));
        }
        if name.chars().count() > Self::MAX_LEN {
            return Err(ValidationError::new(
                field,
                format!("name must be at most {} characters", Self::MAX_LEN),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(ValidationError::new(
                field,
                "name must not contain control characters",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A syntactically valid email address, trimmed. Compared case-insensitively by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let email = raw.trim();
        let invalid =
            || ValidationError::new(field, format!("{raw:?} is not a valid email address"));
        if email.is_empty() {
            return Err(ValidationError::new(field, "email is required"));
        }
        if email.len() > Self::MAX_LEN {
            return Err(ValidationError::new(
                field,
                format!("email must be at most {} characters", Self::MAX_LEN),
            ));
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if local_ok && domain_ok {
            Ok(Self(email.to_owned()))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as people write it: digits with optional `+` prefix, spaces, `-` and
/// parentheses; 7 to 20 digits. Kept as entered (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let phone = raw.trim();
        if phone.is_empty() {
            return Err(ValidationError::new(field, "phone number is required"));
        }
        let body = phone.strip_prefix('+').unwrap_or(phone);
        let allowed = body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'));
        let digits = body.chars().filter(char::is_ascii_digit).count();
        if !allowed {
            return Err(ValidationError::new(
                field,
                format!(
                    "{raw:?} is not a phone number: use digits, spaces, '-', parentheses and an optional leading '+'"
                ),
            ));
        }
        if !(7..=20).contains(&digits) {
            return Err(ValidationError::new(
                field,
                format!("a phone number has 7 to 20 digits, {raw:?} has {digits}"),
            ));
        }
        Ok(Self(phone.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_must_not_be_empty() {
        assert_eq!(
            PersonName::parse("name", "  Ana Lima ")
                .expect("valid")
                .as_str(),
            "Ana Lima"
        );
        assert_eq!(
            PersonName::parse("name", "  ").expect_err("blank").field,
            "name"
        );
        assert!(PersonName::parse("name", &"x".repeat(201)).is_err());
        assert!(PersonName::parse("name", "Ana\u{0}").is_err());
    }

    #[test]
    fn accepts_ordinary_addresses_and_trims_them() {
        for ok in [
            "ana@example.com",
            "o'brien+clinic@mail.example.org",
            "  x.y@sub.example.co  ",
        ] {
            assert!(Email::parse("email", ok).is_ok(), "{ok} should be valid");
        }
        assert_eq!(
            Email::parse("email", " a@b.io ").expect("valid").as_str(),
            "a@b.io"
        );
    }

    #[test]
    fn refuses_malformed_addresses_naming_the_field() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@example",
            "a b@example.com",
            "a@exa_mple.com",
            "a..b@example.com",
            "a@example.c0m",
        ] {
            let error = Email::parse("email", bad).expect_err(bad);
            assert_eq!(error.field, "email");
        }
    }

    #[test]
    fn accepts_phone_numbers_as_people_write_them() {
        for ok in [
            "+1 (555) 123-4567",
            "0301234567",
            "+44 20 7946 0958",
            "1234567",
        ] {
            assert!(Phone::parse("phone", ok).is_ok(), "{ok} should be valid");
        }
    }

    #[test]
    fn refuses_letters_misplaced_plus_and_wrong_digit_counts() {
        for bad in [
            "",
            "call me",
            "555-CALL-NOW",
            "12+345678",
            "123456",
            "123456789012345678901",
        ] {
            assert!(
                Phone::parse("phone", bad).is_err(),
                "{bad} should be refused"
            );
        }
    }
}
