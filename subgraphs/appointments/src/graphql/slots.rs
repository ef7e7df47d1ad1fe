//! `freeSlots`: bookable start times of one doctor or a specialization, paged.

use async_graphql::{
    Context, Enum, ID, InputObject, InputType as _, Object, Result, SimpleObject,
    connection::{Connection, Edge, EmptyFields},
};
use chrono::{DateTime, Utc};
use kit::{
    context::RequestContext,
    error::{ToGraphql as _, parse_id},
    pagination::Page,
    scalars::Date,
};
use schedule::Span;

use super::types::{DoctorRef, ServiceType};
use crate::{
    domain,
    error::AppointmentError,
    references::Doctors,
    search::{DEFAULT_STEP_MINUTES, DoctorSlot, SlotSearch, Wanted, page, parse_cursor},
    service::AppointmentService,
};

/// The doctors subgraph's specializations (the search's `specialization`).
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
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

/// A part of each day, `HH:MM` to `HH:MM` on the clinic's clock.
#[derive(InputObject)]
pub struct TimeWindowInput {
    pub starts: String,
    pub ends: String,
}

/// A bookable start: book it with `createAppointment` (doctor, date, time, duration).
pub struct FreeSlot {
    slot: DoctorSlot,
    duration_minutes: u16,
}

#[Object]
impl FreeSlot {
    async fn doctor(&self) -> DoctorRef {
        DoctorRef(self.slot.doctor_id.into())
    }

    async fn doctor_id(&self) -> ID {
        ID(self.slot.doctor_id.to_string())
    }

    /// In the clinic's time zone.
    async fn date(&self) -> Date {
        Date(self.slot.slot.date)
    }

    /// `HH:MM` on the clinic's clock.
    async fn time(&self) -> String {
        self.slot.slot.time.to_string()
    }

    async fn duration_minutes(&self) -> i32 {
        i32::from(self.duration_minutes)
    }

    async fn starts_at(&self) -> DateTime<Utc> {
        self.slot.slot.starts_at
    }

    async fn ends_at(&self) -> DateTime<Utc> {
        self.slot.slot.ends_at
    }
}

/// Extra fields of `FreeSlotConnection`.
#[derive(SimpleObject)]
pub struct FreeSlotTotals {
    /// How many free slots the search found, across all pages (asking for it makes the
    /// search compute every slot of the range; without it, only the page's).
    total_count: i64,
}

pub type FreeSlotPage = Connection<String, FreeSlot, FreeSlotTotals, EmptyFields>;

/// The arguments of `freeSlots`, as given.
pub struct FreeSlotArgs {
    pub doctor_id: Option<ID>,
    pub specialization: Option<Specialization>,
    pub from: Date,
    pub to: Date,
    pub duration_minutes: Option<i32>,
    pub service_type: Option<ServiceType>,
    pub window: Option<TimeWindowInput>,
    pub step_minutes: Option<i32>,
    pub first: Option<i32>,
    pub after: Option<String>,
}

pub async fn free_slots(ctx: &Context<'_>, args: FreeSlotArgs) -> Result<FreeSlotPage> {
    let page_size = Page::parse(args.first, None).to_graphql()?.first;
    let after = args
        .after
        .as_deref()
        .map(parse_cursor)
        .transpose()
        .to_graphql()?;
    let specialization = args.specialization.map(|value| match value.to_value() {
        async_graphql::Value::Enum(name) => name.to_string(),
        other => other.to_string(),
    });
    let doctors = match (&args.doctor_id, &specialization) {
        (Some(id), None) => Doctors::One(parse_id("doctorId", id).to_graphql()?),
        (None, Some(name)) => Doctors::Specialization(name),
        _ => {
            return Err(AppointmentError::Invalid {
                field: "doctorId".into(),
                message: "give either `doctorId` or `specialization`".into(),
            })
            .to_graphql();
        }
    };
    let service_type = args
        .service_type
        .map_or(domain::ServiceType::Consultation, Into::into);
    let minutes = |field: &str, value: i32| {
        u16::try_from(value).map_err(|_| AppointmentError::Invalid {
            field: field.into(),
            message: format!("{value} minutes is out of range"),
        })
    };
    let duration_minutes = match args.duration_minutes {
        Some(value) => minutes("durationMinutes", value).to_graphql()?,
        None => service_type.default_minutes(),
    };
    let step_minutes = match args.step_minutes {
        Some(value) => minutes("stepMinutes", value).to_graphql()?,
        None => DEFAULT_STEP_MINUTES,
    };
    let window = args
        .window
        .map(|window| Span::parse("window", &window.starts, &window.ends))
        .transpose()
        .map_err(|error| AppointmentError::Invalid {
            field: error.field,
            message: error.message,
        })
        .to_graphql()?;
    let search = SlotSearch {
        doctors,
        from: args.from.0,
        to: args.to.0,
        duration_minutes,
        step_minutes,
        window,
    };
    let page_size = usize::try_from(page_size).unwrap_or(0);
    // Counting needs every slot of the range; a page needs only its own and one more.
    let counted = ctx.look_ahead().field("totalCount").exists();
    let wanted = if counted {
        Wanted::All
    } else {
        Wanted::After {
            after,
            count: page_size + 1,
        }
    };
    let slots = ctx
        .data_unchecked::<AppointmentService>()
        .free_slots(&search, wanted, RequestContext::of(ctx))
        .await
        .to_graphql()?;
    let (shown, has_next) = if counted {
        page(&slots, after, page_size)
    } else {
        (
            &slots[..page_size.min(slots.len())],
            slots.len() > page_size,
        )
    };
    // Only read when asked for, and then every slot was computed.
    let total_count = i64::try_from(slots.len()).unwrap_or(i64::MAX);
    let mut connection = Connection::with_additional_fields(
        after.is_some(),
        has_next,
        FreeSlotTotals { total_count },
    );
    connection.edges.extend(shown.iter().map(|slot| {
        Edge::new(
            slot.cursor(),
            FreeSlot {
                slot: *slot,
                duration_minutes,
            },
        )
    }));
    Ok(connection)
}
