//! GraphQL object, enum and input types.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use kit::{
    error::{ToGraphql as _, bounded_text, parse_id},
    limits,
    scalars::Date,
};
use uuid::Uuid;

use super::query::{AppointmentPage, appointments_page};
use crate::{
    domain::{self, DoctorId, PatientId, parse_time},
    service::Booking,
    store::AppointmentFilter,
};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ServiceType", remote = "crate::domain::ServiceType")]
pub enum ServiceType {
    Consultation,
    FollowUp,
    Checkup,
    Vaccination,
    LabTest,
    Imaging,
    Procedure,
    Surgery,
    Therapy,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(
    name = "AppointmentStatus",
    remote = "crate::domain::AppointmentStatus"
)]
pub enum AppointmentStatus {
    Scheduled,
    CheckedIn,
    Completed,
    Cancelled,
    NoShow,
}

/// A booked appointment.
pub struct Appointment(pub domain::Appointment);

#[Object]
impl Appointment {
    async fn id(&self) -> ID {
        ID(self.0.id().to_string())
    }

    async fn patient_id(&self) -> ID {
        ID(self.0.patient_id().to_string())
    }

    async fn doctor_id(&self) -> ID {
        ID(self.0.doctor_id().to_string())
    }

    /// The patient, resolved by the patients subgraph.
    async fn patient(&self) -> PatientRef {
        PatientRef(self.0.patient_id())
    }

    /// The doctor, resolved by the doctors subgraph.
    async fn doctor(&self) -> DoctorRef {
        DoctorRef(self.0.doctor_id())
    }

    /// The booked day, in the clinic's time zone.
    async fn date(&self) -> Date {
        Date(self.0.slot().date())
    }

    /// The booked wall-clock time, `HH:MM`, in the clinic's time zone.
    async fn time(&self) -> String {
        self.0.slot().time().format("%H:%M").to_string()
    }

    async fn service_type(&self) -> ServiceType {
        self.0.service_type().into()
    }

    async fn duration_minutes(&self) -> i32 {
        self.0.slot().duration_minutes()
    }

    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.slot().starts_at()
    }

    async fn ends_at(&self) -> DateTime<Utc> {
        self.0.slot().ends_at()
    }

    async fn status(&self) -> AppointmentStatus {
        self.0.status().into()
    }

    async fn notes(&self) -> Option<&str> {
        self.0.notes()
    }

    /// Why it was cancelled, when it was and a reason was given.
    async fn cancellation_reason(&self) -> Option<&str> {
        self.0.cancellation_reason()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at()
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at()
    }
}

/// A patient (owned by the patients subgraph), with their appointments.
pub struct PatientRef(pub PatientId);

#[Object(name = "Patient")]
impl PatientRef {
    async fn id(&self) -> ID {
        ID(self.0.to_string())
    }

    /// The patient's appointments by start time; `from`/`to` are inclusive booked dates.
    #[graphql(requires_scopes = "appointments:read")]
    async fn appointments(
        &self,
        ctx: &Context<'_>,
        status: Option<AppointmentStatus>,
        from: Option<Date>,
        to: Option<Date>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<AppointmentPage> {
        let filter = AppointmentFilter {
            patient_id: Some(self.0),
            ..dated(status, from, to)
        };
        appointments_page(ctx, filter, first, after).await
    }
}

/// A doctor (owned by the doctors subgraph), with their appointments.
pub struct DoctorRef(pub DoctorId);

#[Object(name = "Doctor")]
impl DoctorRef {
    async fn id(&self) -> ID {
        ID(self.0.to_string())
    }

    /// The doctor's appointments by start time; `from`/`to` are inclusive booked dates.
    #[graphql(requires_scopes = "appointments:read")]
    async fn appointments(
        &self,
        ctx: &Context<'_>,
        status: Option<AppointmentStatus>,
        from: Option<Date>,
        to: Option<Date>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<AppointmentPage> {
        let filter = AppointmentFilter {
            doctor_id: Some(self.0),
            ..dated(status, from, to)
        };
        appointments_page(ctx, filter, first, after).await
    }
}

/// The status and date filters a person's appointments take.
fn dated(
    status: Option<AppointmentStatus>,
    from: Option<Date>,
    to: Option<Date>,
) -> AppointmentFilter {
    AppointmentFilter {
        status: status.map(Into::into),
        from: from.map(|date| date.0),
        to: to.map(|date| date.0),
        ..AppointmentFilter::default()
    }
}

/// Parses an `ID` argument that names a patient or doctor.
pub fn reference_id(field: &str, id: &ID) -> Result<Uuid> {
    parse_id(field, id).to_graphql()
}

#[derive(InputObject)]
pub struct CreateAppointmentInput {
    pub patient_id: ID,
    pub doctor_id: ID,
    /// The day, in the clinic's time zone.
    pub date: Date,
    /// `HH:MM`, 24-hour clock, in the clinic's time zone.
    pub time: String,
    pub service_type: ServiceType,
    /// 5 to 480 minutes.
    #[graphql(default = 30)]
    pub duration_minutes: i32,
    /// Free text for the doctor and the front desk, at most 2000 characters.
    pub notes: Option<String>,
    /// Book even outside the doctor's working hours or in their time off (scope
    /// `appointments:outside-hours`; recorded on the audit trail). Default false: such a
    /// booking is `DOCTOR_UNAVAILABLE` saying why.
    #[graphql(default = false)]
    pub outside_working_hours: bool,
}

/// The booking the input asks for; a value that breaks a rule is named by its place in
/// `input`.
impl TryFrom<CreateAppointmentInput> for Booking {
    type Error = async_graphql::Error;

    fn try_from(input: CreateAppointmentInput) -> async_graphql::Result<Self> {
        Ok(Self {
            patient_id: reference_id("input.patientId", &input.patient_id)?.into(),
            doctor_id: reference_id("input.doctorId", &input.doctor_id)?.into(),
            service_type: input.service_type.into(),
            date: input.date.0,
            time: parse_time("time", &input.time)
                .map_err(|error| super::arguments::booking(error.into()))
                .to_graphql()?,
            duration_minutes: input.duration_minutes,
            notes: bounded_text("input.notes", input.notes, limits::MAX_NOTES_CHARS)
                .to_graphql()?,
            outside_working_hours: input.outside_working_hours,
        })
    }
}
