use std::time::Duration;

use super::script::Topic;
use analytics::{App, Settings, domain::Reading};
use kit::{
    events::CloudEvent,
    settings::{HttpSettings, KafkaSettings, Secret},
    testing::{RunningService, TestMongo, consumer_lag, kafka_brokers, unique_topic},
};
use mongodb::{Database, bson::doc};
use rdkafka::producer::{FutureProducer, FutureRecord};

pub type TestApp = RunningService<Database>;

/// The four topics, named per test.
#[derive(Clone)]
pub struct Topics {
    pub patients: String,
    pub doctors: String,
    pub appointments: String,
    pub billing: String,
}

pub struct Analytics {
    running: Option<TestApp>,
    pub topics: Topics,
    pub settings: Settings,
    producer: FutureProducer,
    _db: TestMongo,
}

pub const ZONE: &str = "Europe/Berlin";

pub async fn analytics() -> Analytics {
    analytics_via(None).await
}

/// An analytics instance reaching MongoDB at `mongo_url` (a proxy) when given.
pub async fn analytics_via(mongo_url: Option<String>) -> Analytics {
    let db = TestMongo::new();
    let topics = Topics {
        patients: unique_topic("patient-events"),
        doctors: unique_topic("doctor-events"),
        appointments: unique_topic("appointment-events"),
        billing: unique_topic("billing-events"),
    };
    let kafka = KafkaSettings {
        sweep_interval_ms: 200,
        ..KafkaSettings::new(kafka_brokers())
    };
    let settings = Settings {
        http: HttpSettings::loopback(),
        kafka: kafka.clone(),
        mongo_url: Secret::new(mongo_url.unwrap_or_else(|| db.url.clone())),
        database: db.name.clone(),
        topics: vec![
            topics.patients.clone(),
            topics.doctors.clone(),
            topics.appointments.clone(),
            topics.billing.clone(),
        ],
        audit_topic: unique_topic("audit-records"),
        consumer_group: unique_topic("analytics"),
        consumers: 2,
        batch_size: 50,
        batch_linger_ms: 20,
        reading: Reading {
            zone: ZONE.parse().expect("zone"),
            currency: "EUR".to_owned(),
        },
        workday_minutes: 480,
    };
    let app = start(&settings).await;
    Analytics {
        running: Some(app),
        topics,
        settings,
        producer: kit::kafka::idempotent_producer(&kafka).expect("producer"),
        _db: db,
    }
}

async fn start(settings: &Settings) -> TestApp {
    let built = App::build(settings.clone()).await.expect("analytics app");
    let app = RunningService::start_replica(built.service, built.db, String::new());
    assert!(
        app.wait_ready(Duration::from_secs(30)).await,
        "analytics ready"
    );
    app
}

impl Analytics {
    pub fn topic(&self, topic: Topic) -> &str {
        match topic {
            Topic::Patients => &self.topics.patients,
            Topic::Doctors => &self.topics.doctors,
            Topic::Appointments => &self.topics.appointments,
            Topic::Billing => &self.topics.billing,
        }
    }

    pub fn app(&self) -> &TestApp {
        self.running.as_ref().expect("analytics is running")
    }

    /// Stops the instance (as a deployment would), waiting until its consumers have
    /// stopped too: the port closes first, and a consumer still finishing a batch would
    /// write beside the next instance (one writer at a time; see `analytics::store`).
    pub async fn stop(&mut self) {
        if let Some(app) = self.running.take() {
            app.stop().await;
        }
    }

    /// Starts it again on the same database, in the same consumer group.
    pub async fn start(&mut self) {
        self.stop().await;
        self.running = Some(start(&self.settings).await);
    }

    pub async fn publish(&self, topic: &str, event: &CloudEvent) {
        self.publish_raw(
            topic,
            &event.subject,
            &serde_json::to_vec(event).expect("json"),
        )
        .await;
    }

    pub async fn publish_raw(&self, topic: &str, key: &str, payload: &[u8]) {
        self.producer
            .send(
                FutureRecord::to(topic).key(key).payload(payload),
                Duration::from_secs(10),
            )
            .await
            .expect("event accepted");
    }

    /// Waits until the group has committed everything published to the four topics and
    /// every batch is applied.
    pub async fn settled(&self) {
        let mut state = String::new();
        for _ in 0..300 {
            let lag = self.lag().await;
            let unfinished = self
                .app()
                .pool
                .collection::<mongodb::bson::Document>("batches")
                .count_documents(doc! {})
                .await
                .expect("count batches");
            if lag == 0 && unfinished == 0 {
                return;
            }
            state = format!("lag {lag}, unfinished batches {unfinished}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("not settled within 30 s: {state}");
    }

    /// Messages published to the four topics that the group has not committed yet.
    async fn lag(&self) -> i64 {
        let group = self.settings.consumer_group.clone();
        let topics = self.settings.topics.clone();
        tokio::task::spawn_blocking(move || consumer_lag(&group, &topics))
            .await
            .expect("lag task")
            .expect("lag")
    }

    /// How many events are stored.
    pub async fn stored_events(&self) -> u64 {
        self.app()
            .pool
            .collection::<mongodb::bson::Document>("events")
            .count_documents(doc! {})
            .await
            .expect("count events")
    }
}
