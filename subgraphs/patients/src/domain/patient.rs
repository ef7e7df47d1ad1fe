//! The patient record and the inputs that create or change one.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{Email, PersonName, Phone, ValidationError};

/// A stored patient. Archived patients keep resolving (history references them) but leave
/// listings and cannot be booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub registration_date: NaiveDate,
    pub date_of_birth: Option<NaiveDate>,
    pub address: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
}

const ADDRESS_MAX_LEN: usize = 500;

fn parse_address(raw: &str) -> Result<Option<String>, ValidationError> {
    let address = raw.trim();
    if address.chars().count() > ADDRESS_MAX_LEN {
        return Err(ValidationError::new(
            "address",
            format!("address must be at most {ADDRESS_MAX_LEN} characters"),
        ));
    }
    Ok((!address.is_empty()).then(|| address.to_owned()))
}

fn check_date_of_birth(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, ValidationError> {
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
    if date > today {
        return Err(ValidationError::new(
            "dateOfBirth",
            format!("date of birth {date} is in the future"),
        ));
    }
    if date < earliest {
        return Err(ValidationError::new(
            "dateOfBirth",
            format!("date of birth {date} is before {earliest}"),
        ));
    }
    Ok(date)
}

/// A validated registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPatient {
    pub name: PersonName,
    pub email: Email,
    pub phone: Phone,
    pub date_of_birth: Option<NaiveDate>,
    pub address: Option<String>,
}

impl NewPatient {
    pub fn parse(
        name: &str,
        email: &str,
        phone: &str,
        date_of_birth: Option<NaiveDate>,
        address: Option<&str>,
        today: NaiveDate,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            name: PersonName::parse("name", name)?,
            email: Email::parse("email", email)?,
            phone: Phone::parse("phone", phone)?,
            date_of_birth: date_of_birth
                .map(|date| check_date_of_birth(date, today))
                .transpose()?,
            address: address.map(parse_address).transpose()?.flatten(),
        })
    }

    /// The record this registration becomes, registered `today`.
    pub fn into_patient(self, id: Uuid, today: NaiveDate) -> Patient {
        Patient {
            id,
            name: self.name.into_string(),
            email: self.email.as_str().to_owned(),
            phone: self.phone.as_str().to_owned(),
            registration_date: today,
            date_of_birth: self.date_of_birth,
            address: self.address,
            archived_at: None,
        }
    }
}

/// What to do with an optional field in an update.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Update<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

/// A validated partial update: `None` / `Keep` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatientChanges {
    pub name: Option<PersonName>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub date_of_birth: Update<NaiveDate>,
    pub address: Update<String>,
}

impl PatientChanges {
    pub fn parse(
        name: Option<&str>,
        email: Option<&str>,
        phone: Option<&str>,
        date_of_birth: Update<NaiveDate>,
        address: Update<String>,
        today: NaiveDate,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            name: name.map(|raw| PersonName::parse("name", raw)).transpose()?,
            email: email.map(|raw| Email::parse("email", raw)).transpose()?,
            phone: phone.map(|raw| Phone::parse("phone", raw)).transpose()?,
            date_of_birth: match date_of_birth {
                Update::Set(date) => Update::Set(check_date_of_birth(date, today)?),
                Update::Clear => Update::Clear,
                Update::Keep => Update::Keep,
            },
            address: match address {
                Update::Set(raw) => parse_address(&raw)?.map_or(Update::Clear, Update::Set),
                Update::Clear => Update::Clear,
                Update::Keep => Update::Keep,
            },
        })
    }

    /// Applies the changes to `patient`, returning the contract names of the fields that
    /// actually changed (empty when the update is a no-op).
    pub fn apply(self, patient: &mut Patient) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut set = |field: &'static str, slot: &mut String, value: Option<String>| {
            if let Some(value) = value.filter(|value| value != slot) {
                *slot = value;
                changed.push(field);
            }
        };
        set(
            "name",
            &mut patient.name,
            self.name.map(PersonName::into_string),
        );
        set(
            "email",
            &mut patient.email,
            self.email.map(|email| email.as_str().to_owned()),
        );
        set(
            "phone",
            &mut patient.phone,
            self.phone.map(|phone| phone.as_str().to_owned()),
        );
        if apply_optional(&mut patient.date_of_birth, self.date_of_birth) {
            changed.push("dateOfBirth");
        }
        if apply_optional(&mut patient.address, self.address) {
            changed.push("address");
        }
        changed
    }
}

fn apply_optional<T: PartialEq>(slot: &mut Option<T>, update: Update<T>) -> bool {
    let next = match update {
        Update::Keep => return false,
        Update::Clear => None,
        Update::Set(value) => Some(value),
    };
    let changed = *slot != next;
    *slot = next;
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date")
    }

    fn registration() -> NewPatient {
        NewPatient::parse(
            "  Ana Lima ",
            "ana@example.com",
            "+55 11 91234-5678",
            None,
            Some("  "),
            today(),
        )
        .expect("valid registration")
    }

    #[test]
    fn a_registration_trims_and_drops_blank_optionals() {
        let patient = registration().into_patient(Uuid::now_v7(), today());
        assert_eq!(patient.name, "Ana Lima");
        assert_eq!(patient.address, None);
        assert_eq!(patient.registration_date, today());
    }

    #[test]
    fn an_empty_name_is_refused_on_the_name_field() {
        let error = NewPatient::parse(" ", "a@b.io", "1234567", None, None, today())
            .expect_err("empty name");
        assert_eq!(error.field, "name");
    }

    #[test]
    fn a_birth_date_in_the_future_is_refused() {
        let tomorrow = today().succ_opt().expect("tomorrow");
        let error = NewPatient::parse("A", "a@b.io", "1234567", Some(tomorrow), None, today())
            .expect_err("future");
        assert_eq!(error.field, "dateOfBirth");
    }

    #[test]
    fn applying_changes_reports_only_fields_that_differ() {
        let mut patient = registration().into_patient(Uuid::now_v7(), today());
        let changes = PatientChanges::parse(
            Some("Ana Lima"),
            Some("ana.lima@example.com"),
            None,
            Update::Keep,
            Update::Set("Rua A, 1".to_owned()),
            today(),
        )
        .expect("valid changes");
        assert_eq!(changes.apply(&mut patient), vec!["email", "address"]);
        assert_eq!(patient.email, "ana.lima@example.com");
        assert_eq!(patient.address.as_deref(), Some("Rua A, 1"));
        let clear = PatientChanges::parse(None, None, None, Update::Keep, Update::Clear, today())
            .expect("valid");
        assert_eq!(clear.apply(&mut patient), vec!["address"]);
        assert_eq!(patient.address, None);
    }
}
