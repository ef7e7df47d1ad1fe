//! The doctor record, its enumerations, and the inputs that create or change one.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Email, PersonName, Phone, ValidationError};

/// Medical specialities the clinic books by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Specialization {
    GeneralPractice,
    Cardiology,
    Dermatology,
    Neurology,
    Pediatrics,
    Orthopedics,
    Psychiatry,
    Radiology,
    Oncology,
    Gynecology,
    Ophthalmology,
    Urology,
    Ent,
}

impl Specialization {
    pub const ALL: [Self; 13] = [
        Self::GeneralPractice,
        Self::Cardiology,
        Self::Dermatology,
        Self::Neurology,
        Self::Pediatrics,
        Self::Orthopedics,
        Self::Psychiatry,
        Self::Radiology,
        Self::Oncology,
        Self::Gynecology,
        Self::Ophthalmology,
        Self::Urology,
        Self::Ent,
    ];

    /// The API and storage name (`GENERAL_PRACTICE`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::GeneralPractice => "GENERAL_PRACTICE",
            Self::Cardiology => "CARDIOLOGY",
            Self::Dermatology => "DERMATOLOGY",
            Self::Neurology => "NEUROLOGY",
            Self::Pediatrics => "PEDIATRICS",
            Self::Orthopedics => "ORTHOPEDICS",
            Self::Psychiatry => "PSYCHIATRY",
            Self::Radiology => "RADIOLOGY",
            Self::Oncology => "ONCOLOGY",
            Self::Gynecology => "GYNECOLOGY",
            Self::Ophthalmology => "OPHTHALMOLOGY",
            Self::Urology => "UROLOGY",
            Self::Ent => "ENT",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|value| value.as_str() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
    Other,
}

impl Gender {
    pub const ALL: [Self; 3] = [Self::Male, Self::Female, Self::Other];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Male => "MALE",
            Self::Female => "FEMALE",
            Self::Other => "OTHER",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|value| value.as_str() == name)
    }
}

/// A stored doctor. Archived doctors keep resolving (history references them) but leave
/// listings and cannot be booked; neither can unavailable ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doctor {
    pub id: Uuid,
    pub name: String,
    pub specialization: Specialization,
    pub phone_number: String,
    pub email: String,
    pub available: bool,
    pub gender: Gender,
    pub archived_at: Option<DateTime<Utc>>,
    /// Bumped by every change of the doctor's working hours (1 at registration).
    pub schedule_version: i64,
}

/// A validated registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDoctor {
    pub name: PersonName,
    pub specialization: Specialization,
    pub phone_number: Phone,
    pub email: Email,
    pub available: bool,
    pub gender: Gender,
}

impl NewDoctor {
    pub fn parse(
        name: &str,
        specialization: Specialization,
        phone_number: &str,
        email: &str,
        available: bool,
        gender: Gender,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            name: PersonName::parse("name", name)?,
            specialization,
            phone_number: Phone::parse("phoneNumber", phone_number)?,
            email: Email::parse("email", email)?,
            available,
            gender,
        })
    }

    pub fn into_doctor(self, id: Uuid) -> Doctor {
        Doctor {
            id,
            name: self.name.into_string(),
            specialization: self.specialization,
            phone_number: self.phone_number.as_str().to_owned(),
            email: self.email.as_str().to_owned(),
            available: self.available,
            gender: self.gender,
            archived_at: None,
            schedule_version: 1,
        }
    }
}

/// A validated partial update: `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DoctorChanges {
    pub name: Option<PersonName>,
    pub specialization: Option<Specialization>,
    pub phone_number: Option<Phone>,
    pub email: Option<Email>,
    pub gender: Option<Gender>,
}

impl DoctorChanges {
    pub fn parse(
        name: Option<&str>,
        specialization: Option<Specialization>,
        phone_number: Option<&str>,
        email: Option<&str>,
        gender: Option<Gender>,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            name: name.map(|raw| PersonName::parse("name", raw)).transpose()?,
            specialization,
            phone_number: phone_number
                .map(|raw| Phone::parse("phoneNumber", raw))
                .transpose()?,
            email: email.map(|raw| Email::parse("email", raw)).transpose()?,
            gender,
        })
    }

    /// Applies the changes, returning the contract names of the fields that changed.
    pub fn apply(self, doctor: &mut Doctor) -> Vec<&'static str> {
        let mut changed = Vec::new();
        replace(
            &mut changed,
            "name",
            &mut doctor.name,
            self.name.map(PersonName::into_string),
        );
        replace(
            &mut changed,
            "specialization",
            &mut doctor.specialization,
            self.specialization,
        );
        replace(
            &mut changed,
            "phoneNumber",
            &mut doctor.phone_number,
            self.phone_number.map(|phone| phone.as_str().to_owned()),
        );
        replace(
            &mut changed,
            "email",
            &mut doctor.email,
            self.email.map(|email| email.as_str().to_owned()),
        );
        replace(&mut changed, "gender", &mut doctor.gender, self.gender);
        changed
    }
}

fn replace<T: PartialEq>(
    changed: &mut Vec<&'static str>,
    field: &'static str,
    slot: &mut T,
    value: Option<T>,
) {
    if let Some(value) = value.filter(|value| value != slot) {
        *slot = value;
        changed.push(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doctor() -> Doctor {
        NewDoctor::parse(
            " Dr. Rui Costa ",
            Specialization::Cardiology,
            "+351 912 345 678",
            "rui@clinic.org",
            true,
            Gender::Male,
        )
        .expect("valid registration")
        .into_doctor(Uuid::now_v7())
    }

    #[test]
    fn enumerations_round_trip_through_their_names() {
        for value in Specialization::ALL {
            assert_eq!(Specialization::from_name(value.as_str()), Some(value));
        }
        for value in Gender::ALL {
            assert_eq!(Gender::from_name(value.as_str()), Some(value));
        }
        assert_eq!(Specialization::from_name("cardiology"), None);
    }

    #[test]
    fn a_registration_names_the_field_it_refuses() {
        let error = NewDoctor::parse("A", Specialization::Ent, "x", "a@b.io", true, Gender::Other)
            .expect_err("bad phone");
        assert_eq!(error.field, "phoneNumber");
        assert_eq!(doctor().name, "Dr. Rui Costa");
    }

    #[test]
    fn applying_changes_reports_only_fields_that_differ() {
        let mut doctor = doctor();
        let changes = DoctorChanges::parse(
            Some("Dr. Rui Costa"),
            Some(Specialization::Neurology),
            None,
            Some("rui.costa@clinic.org"),
            Some(Gender::Male),
        )
        .expect("valid");
        assert_eq!(changes.apply(&mut doctor), vec!["specialization", "email"]);
        assert_eq!(doctor.specialization, Specialization::Neurology);
    }
}
