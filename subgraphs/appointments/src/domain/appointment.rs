//! The appointment record, its enumerations and its status workflow.

use chrono::{DateTime, Utc};

use super::{AppointmentId, DoctorId, PatientId, Slot};

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The API and storage name.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.as_str() == name)
            }
        }
    };
}

named_enum!(
    /// What the appointment is for; billing prices by it.
    ServiceType {
        Consultation = "CONSULTATION",
        FollowUp = "FOLLOW_UP",
        Checkup = "CHECKUP",
        Vaccination = "VACCINATION",
        LabTest = "LAB_TEST",
        Imaging = "IMAGING",
        Procedure = "PROCEDURE",
        Surgery = "SURGERY",
        Therapy = "THERAPY",
    }
);

impl ServiceType {
    /// How long one usually takes: what a free-slot search assumes when not told.
    pub const fn default_minutes(self) -> u16 {
        match self {
            Self::FollowUp | Self::Vaccination | Self::LabTest => 15,
            Self::Consultation | Self::Checkup | Self::Imaging => 30,
            Self::Procedure | Self::Therapy => 60,
            Self::Surgery => 120,
        }
    }
}

named_enum!(
    /// Where the appointment is in its workflow. SCHEDULED and CHECKED_IN hold the slot.
    AppointmentStatus {
        Scheduled = "SCHEDULED",
        CheckedIn = "CHECKED_IN",
        Completed = "COMPLETED",
        Cancelled = "CANCELLED",
        NoShow = "NO_SHOW",
    }
);

/// A move in the workflow, and the event it produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Reschedule,
    Cancel,
    CheckIn,
    Complete,
    MarkNoShow,
}

impl Transition {
    /// The status a move leads to.
    pub const fn target(self) -> AppointmentStatus {
        match self {
            Self::Reschedule => AppointmentStatus::Scheduled,
            Self::Cancel => AppointmentStatus::Cancelled,
            Self::CheckIn => AppointmentStatus::CheckedIn,
            Self::Complete => AppointmentStatus::Completed,
            Self::MarkNoShow => AppointmentStatus::NoShow,
        }
    }

    /// The statuses the move may start from.
    pub const fn allowed_from(self) -> &'static [AppointmentStatus] {
        use AppointmentStatus::{CheckedIn, Scheduled};
        match self {
            Self::Reschedule | Self::CheckIn | Self::MarkNoShow => &[Scheduled],
            Self::Cancel | Self::Complete => &[Scheduled, CheckedIn],
        }
    }

    /// What the move is called in the audit trail.
    pub const fn action(self) -> &'static str {
        match self {
            Self::Reschedule => "reschedule",
            Self::Cancel => "cancel",
            Self::CheckIn => "check-in",
            Self::Complete => "complete",
            Self::MarkNoShow => "no-show",
        }
    }

    /// The fields the move changes, by their API names.
    pub const fn changes(self) -> &'static [&'static str] {
        match self {
            Self::Reschedule => &["date", "time"],
            Self::Cancel => &["status", "cancellationReason"],
            Self::CheckIn | Self::Complete | Self::MarkNoShow => &["status"],
        }
    }

    /// What the move is called in messages.
    pub const fn verb(self) -> &'static str {
        match self {
            Self::Reschedule => "rescheduled",
            Self::Cancel => "cancelled",
            Self::CheckIn => "checked in",
            Self::Complete => "completed",
            Self::MarkNoShow => "marked as a no-show",
        }
    }
}

/// An appointment. Its data is private: it is made by a booking ([`Appointment::book`])
/// or read back ([`Appointment::restore`]), and changes only by the workflow's moves
/// ([`Appointment::apply`], then what the move sets: a new slot, a cancellation's reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment(Stored);

/// An appointment's data as stored or published, for [`Appointment::restore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: AppointmentId,
    pub patient_id: PatientId,
    pub doctor_id: DoctorId,
    pub doctor_specialization: String,
    pub service_type: ServiceType,
    pub slot: Slot,
    pub status: AppointmentStatus,
    pub notes: Option<String>,
    pub cancellation_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why a move is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("appointment {id} is {current} and cannot be {verb}", current = .current.as_str())]
    NotFrom {
        id: AppointmentId,
        current: AppointmentStatus,
        verb: &'static str,
    },
    #[error("appointment {id} starts at {starts_at} and cannot be marked as a no-show before then")]
    NotStartedYet {
        id: AppointmentId,
        starts_at: DateTime<Utc>,
    },
}

impl Appointment {
    /// A new booking of `patient` with `doctor` (of `specialization`) in `slot`, scheduled;
    /// blank notes are none.
    pub fn book(
        (patient_id, doctor_id): (PatientId, DoctorId),
        doctor_specialization: String,
        service_type: ServiceType,
        slot: Slot,
        notes: Option<String>,
        now: DateTime<Utc>,
    ) -> Self {
        Self(Stored {
            id: AppointmentId::generate(),
            patient_id,
            doctor_id,
            doctor_specialization,
            service_type,
            slot,
            status: AppointmentStatus::Scheduled,
            notes: notes.filter(|notes| !notes.trim().is_empty()),
            cancellation_reason: None,
            created_at: now,
            updated_at: now,
        })
    }

    /// An appointment read back: made by [`Appointment::book`] and moved by
    /// [`Appointment::apply`] when it was written, so taken as it is (its slot checked itself
    /// when restored).
    pub fn restore(stored: Stored) -> Self {
        Self(stored)
    }

    pub fn id(&self) -> AppointmentId {
        self.0.id
    }

    pub fn patient_id(&self) -> PatientId {
        self.0.patient_id
    }

    pub fn doctor_id(&self) -> DoctorId {
        self.0.doctor_id
    }

    /// The doctor's specialization when booked (the API's enum name).
    pub fn doctor_specialization(&self) -> &str {
        &self.0.doctor_specialization
    }

    pub fn service_type(&self) -> ServiceType {
        self.0.service_type
    }

    pub fn slot(&self) -> &Slot {
        &self.0.slot
    }

    pub fn status(&self) -> AppointmentStatus {
        self.0.status
    }

    pub fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    pub fn cancellation_reason(&self) -> Option<&str> {
        self.0.cancellation_reason.as_deref()
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    pub fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// A reschedule's new slot; call after [`Appointment::apply`] allowed the move.
    pub fn move_to(&mut self, slot: Slot) {
        self.0.slot = slot;
    }

    /// A cancellation's reason (blank is none); call after [`Appointment::apply`] allowed
    /// the cancellation.
    pub fn cancelled_because(&mut self, reason: Option<String>) {
        self.0.cancellation_reason = reason.filter(|reason| !reason.trim().is_empty());
    }

    /// Checks that `transition` may happen now and applies its status change.
    pub fn apply(
        &mut self,
        transition: Transition,
        now: DateTime<Utc>,
    ) -> Result<(), TransitionError> {
        if !transition.allowed_from().contains(&self.0.status) {
            return Err(TransitionError::NotFrom {
                id: self.0.id,
                current: self.0.status,
                verb: transition.verb(),
            });
        }
        if transition == Transition::MarkNoShow && now < self.0.slot.starts_at() {
            return Err(TransitionError::NotStartedYet {
                id: self.0.id,
                starts_at: self.0.slot.starts_at(),
            });
        }
        self.0.status = transition.target();
        self.0.updated_at = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate, NaiveTime};

    use super::*;

    fn appointment(status: AppointmentStatus, starts_at: DateTime<Utc>) -> Appointment {
        Appointment::restore(Stored {
            id: AppointmentId::generate(),
            patient_id: uuid::Uuid::now_v7().into(),
            doctor_id: uuid::Uuid::now_v7().into(),
            doctor_specialization: "CARDIOLOGY".to_owned(),
            service_type: ServiceType::Consultation,
            slot: Slot::restore(
                NaiveDate::MIN,
                NaiveTime::MIN,
                30,
                starts_at,
                starts_at + Duration::minutes(30),
            )
            .expect("a slot"),
            status,
            notes: None,
            cancellation_reason: None,
            created_at: starts_at,
            updated_at: starts_at,
        })
    }

    #[test]
    fn enumerations_round_trip_through_their_names() {
        for value in ServiceType::ALL {
            assert_eq!(ServiceType::from_name(value.as_str()), Some(*value));
        }
        for value in AppointmentStatus::ALL {
            assert_eq!(AppointmentStatus::from_name(value.as_str()), Some(*value));
        }
    }

    #[test]
    fn a_scheduled_appointment_is_checked_in_then_completed() {
        let now = Utc::now();
        let mut booked = appointment(AppointmentStatus::Scheduled, now);
        booked.apply(Transition::CheckIn, now).expect("check in");
        booked.apply(Transition::Complete, now).expect("complete");
        assert_eq!(booked.status(), AppointmentStatus::Completed);
    }

    #[test]
    fn illegal_moves_name_the_current_status() {
        let now = Utc::now();
        let mut cancelled = appointment(AppointmentStatus::Cancelled, now);
        let error = cancelled
            .apply(Transition::Complete, now)
            .expect_err("cancelled");
        assert!(
            error
                .to_string()
                .contains("is CANCELLED and cannot be completed"),
            "{error}"
        );
        let mut checked_in = appointment(AppointmentStatus::CheckedIn, now);
        assert!(checked_in.apply(Transition::Reschedule, now).is_err());
        assert!(checked_in.apply(Transition::MarkNoShow, now).is_err());
    }

    #[test]
    fn a_no_show_needs_the_start_time_to_have_passed() {
        let now = Utc::now();
        let mut later = appointment(AppointmentStatus::Scheduled, now + Duration::hours(1));
        assert!(matches!(
            later.apply(Transition::MarkNoShow, now),
            Err(TransitionError::NotStartedYet { .. })
        ));
        let mut earlier = appointment(AppointmentStatus::Scheduled, now - Duration::minutes(10));
        earlier
            .apply(Transition::MarkNoShow, now)
            .expect("past start");
        assert_eq!(earlier.status(), AppointmentStatus::NoShow);
    }
}
