//! Typed ids: an appointment names a patient, a doctor and itself by UUIDs, and a patient's
//! id where a doctor's belongs must not compile. Each is its UUID on the wire, in the
//! database and in text.

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
            sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(uuid::Uuid);

        impl $name {
            pub const fn uuid(self) -> uuid::Uuid {
                self.0
            }
        }

        impl From<uuid::Uuid> for $name {
            fn from(id: uuid::Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for uuid::Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A patient, owned by the patients subgraph.
    PatientId
);
id_type!(
    /// A doctor, owned by the doctors subgraph.
    DoctorId
);
id_type!(
    /// An appointment.
    AppointmentId
);

impl AppointmentId {
    /// A new id (UUIDv7: ordered by creation).
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7())
    }
}
