use std::time::Duration;

use appointments::domain::{Appointment, AppointmentStatus, ServiceType, Slot, Stored};
use billing::{App, Settings, domain::PriceList};
use chrono::Utc;
use kit::{
    events::CloudEvent,
    settings::KafkaSettings,
    testing::{RunningService, TestDatabase, kafka_brokers, service_settings, unique_topic},
};
use rdkafka::producer::{FutureProducer, FutureRecord};
use uuid::Uuid;

pub type TestApp = RunningService<sqlx::PgPool>;

pub struct Billing {
    pub app: TestApp,
    pub appointments_topic: String,
    producer: FutureProducer,
    settings: Settings,
}

pub async fn billing() -> Billing {
    let db = TestDatabase::postgres().await;
    let topic = unique_topic("billing-events");
    let appointments_topic = unique_topic("appointment-events");
    let kafka = KafkaSettings {
        sweep_interval_ms: 200,
        ..KafkaSettings::new(kafka_brokers())
    };
    let settings = Settings {
        service: service_settings(&db.url, &topic),
        appointments_topic: appointments_topic.clone(),
        consumer_group: unique_topic("billing"),
        consumers: 3,
        prices: PriceList::parse("EUR", "CONSULTATION=80.00,SURGERY=1200.50").expect("prices"),
    };
    let built = App::build(settings.clone()).await.expect("billing app");
    let app = RunningService::start(built.service, built.pool, db, topic);
    Billing {
        app,
        appointments_topic,
        producer: kit::kafka::idempotent_producer(&kafka).expect("producer"),
        settings,
    }
}

pub use event_contract::appointment::Change;

/// The event of `change` to an appointment of `patient`'s, made by the appointments
/// subgraph's own producer.
pub fn appointment_event(
    change: Change,
    appointment: Uuid,
    patient: Uuid,
    service_type: &str,
) -> CloudEvent {
    let starts_at = Utc::now() + chrono::Duration::days(1);
    let appointment = Appointment::restore(Stored {
        id: appointment.into(),
        patient_id: patient.into(),
        doctor_id: Uuid::now_v7().into(),
        doctor_specialization: "CARDIOLOGY".to_owned(),
        service_type: ServiceType::from_name(service_type).expect("a service type"),
        slot: Slot::restore(
            starts_at.date_naive(),
            starts_at.time(),
            30,
            starts_at,
            starts_at + chrono::Duration::minutes(30),
        )
        .expect("a slot"),
        status: if change == Change::Cancelled {
            AppointmentStatus::Cancelled
        } else {
            AppointmentStatus::Scheduled
        },
        notes: None,
        cancellation_reason: None,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    });
    appointments::events::appointment_event(change, &appointment, None)
}

impl Billing {
    pub async fn publish(&self, event: &CloudEvent) {
        self.publish_raw(&event.subject, &serde_json::to_vec(event).expect("json"))
            .await;
    }

    pub async fn publish_raw(&self, key: &str, payload: &[u8]) {
        self.producer
            .send(
                FutureRecord::to(&self.appointments_topic)
                    .key(key)
                    .payload(payload),
                Duration::from_secs(10),
            )
            .await
            .expect("event accepted");
    }

    /// `(status, amount)` of the appointment's bill once `condition` holds, within 30 s.
    pub async fn bill_when(
        &self,
        appointment: Uuid,
        condition: impl Fn(&str) -> bool,
    ) -> (String, String) {
        let mut found = None;
        for _ in 0..300 {
            let row: Option<(String, String)> =
                sqlx::query_as("SELECT status, amount::text FROM bills WHERE appointment_id = $1")
                    .bind(appointment)
                    .fetch_optional(&self.app.pool)
                    .await
                    .expect("query");
            if let Some(row) = row.filter(|(status, _)| condition(status)) {
                found = Some(row);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        found
            .unwrap_or_else(|| panic!("no matching bill for appointment {appointment} within 30 s"))
    }

    pub async fn bills(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM bills")
            .fetch_one(&self.app.pool)
            .await
            .expect("count")
    }

    /// Waits until the consumer has applied `events` events (redeliveries included).
    pub async fn processed(&self, events: i64) -> bool {
        let pool = self.app.pool.clone();
        let mut count = 0;
        for _ in 0..300 {
            count = sqlx::query_scalar("SELECT COUNT(*) FROM processed_events")
                .fetch_one(&pool)
                .await
                .expect("count");
            if count >= events {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        count >= events
    }

    /// Another billing instance in the same consumer group on the same database.
    pub async fn restart(&self) -> TestApp {
        let built = App::build(self.settings.clone())
            .await
            .expect("billing app");
        RunningService::start_replica(built.service, built.pool, self.app.topic.clone())
    }
}
