//! The consumer loop against the real Kafka: commit after effect, DLQ, retries, resume.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use kit::{
    consumer::{self, ConsumerSettings, EventHandler, StartFrom},
    events::CloudEvent,
    settings::KafkaSettings,
    testing::{eventually, kafka_brokers, read_messages, unique_topic},
    watchdog::{Watchdog, WatchdogSettings},
};
use rdkafka::producer::{FutureProducer, FutureRecord};
use tokio_util::sync::CancellationToken;

/// Records what it applied; fails the first `failures` attempts.
#[derive(Default, Clone)]
struct Recorder {
    applied: Arc<Mutex<Vec<CloudEvent>>>,
    failures: Arc<Mutex<u32>>,
}

impl Recorder {
    fn applied(&self) -> Vec<String> {
        let applied = self.applied.lock().expect("recorder");
        applied.iter().map(|event| event.subject.clone()).collect()
    }
}

impl EventHandler for Recorder {
    async fn handle(&self, _topic: &str, event: CloudEvent) -> anyhow::Result<()> {
        {
            let mut failures = self.failures.lock().expect("recorder");
            if *failures > 0 {
                *failures -= 1;
                anyhow::bail!("database unavailable (simulated by the test handler)");
            }
        }
        self.applied.lock().expect("recorder").push(event);
        Ok(())
    }
}

fn kafka() -> KafkaSettings {
    KafkaSettings {
        sweep_interval_ms: 100,
        ..KafkaSettings::new(kafka_brokers())
    }
}

fn producer() -> FutureProducer {
    kit::kafka::idempotent_producer(&kafka()).expect("producer")
}

async fn send(producer: &FutureProducer, topic: &str, payload: &[u8]) {
    producer
        .send(
            FutureRecord::to(topic).key("same-key").payload(payload),
            Duration::from_secs(10),
        )
        .await
        .expect("message accepted");
}

async fn send_event(producer: &FutureProducer, topic: &str, subject: &str) {
    let event = CloudEvent::new(
        "test",
        "pms.test.happened.v1",
        subject,
        serde_json::json!({}),
    );
    send(producer, topic, &serde_json::to_vec(&event).expect("json")).await;
}

fn settings(topic: &str, group: &str) -> ConsumerSettings {
    ConsumerSettings {
        group_id: group.to_owned(),
        topics: vec![topic.to_owned()],
        start_from: StartFrom::Earliest,
    }
}

fn spawn_consumer(
    settings: ConsumerSettings,
    handler: Recorder,
) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let stop = CancellationToken::new();
    let token = stop.clone();
    // Unwatched: no watchdog task runs for it.
    let (progress, _watch) = Watchdog::new(&kafka(), WatchdogSettings::default()).watch("test");
    let task = tokio::spawn(async move {
        consumer::run(
            &kafka(),
            &settings,
            &handler,
            &consumer::Assignment::default(),
            &progress,
            token,
        )
        .await
        .expect("consumer runs");
    });
    (stop, task)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poison_message_goes_to_the_dlq_and_the_next_event_is_still_applied() {
    let topic = unique_topic("consumer");
    let producer = producer();
    send_event(&producer, &topic, "first").await;
    send(&producer, &topic, b"this is not json").await;
    send_event(&producer, &topic, "second").await;

    let recorder = Recorder::default();
    let (stop, task) = spawn_consumer(settings(&topic, &unique_topic("group")), recorder.clone());
    let both = eventually(Duration::from_secs(30), || recorder.applied().len() >= 2).await;
    stop.cancel();
    task.await.expect("consumer stops");

    assert!(both, "applied: {:?}", recorder.applied());
    assert_eq!(recorder.applied(), ["first", "second"]);
    let dead = read_messages(
        &format!("{topic}.dlq"),
        1,
        Duration::from_secs(20),
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].payload, b"this is not json");
    assert_eq!(dead[0].key.as_deref(), Some("same-key"));
    let reason = dead[0].header("dlq-reason").unwrap_or_default();
    assert!(reason.starts_with("not a CloudEvent"), "{reason}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_handler_is_retried_and_no_later_event_overtakes_it() {
    let topic = unique_topic("consumer");
    let producer = producer();
    send_event(&producer, &topic, "first").await;
    send_event(&producer, &topic, "second").await;

    let recorder = Recorder::default();
    *recorder.failures.lock().expect("recorder") = 3;
    let (stop, task) = spawn_consumer(settings(&topic, &unique_topic("group")), recorder.clone());
    let both = eventually(Duration::from_secs(30), || recorder.applied().len() >= 2).await;
    stop.cancel();
    task.await.expect("consumer stops");

    assert!(both, "applied: {:?}", recorder.applied());
    assert_eq!(recorder.applied(), ["first", "second"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restarted_consumer_resumes_after_what_it_committed() {
    let topic = unique_topic("consumer");
    let group = unique_topic("group");
    let producer = producer();
    send_event(&producer, &topic, "first").await;
    send_event(&producer, &topic, "second").await;

    let before = Recorder::default();
    let (stop, task) = spawn_consumer(settings(&topic, &group), before.clone());
    assert!(eventually(Duration::from_secs(30), || before.applied().len() >= 2).await);
    stop.cancel();
    task.await.expect("consumer stops");

    send_event(&producer, &topic, "third").await;
    let after = Recorder::default();
    let (stop, task) = spawn_consumer(settings(&topic, &group), after.clone());
    assert!(eventually(Duration::from_secs(30), || !after.applied().is_empty()).await);
    // Give a wrongly re-delivered message time to show up before judging.
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.cancel();
    task.await.expect("consumer stops");

    assert_eq!(before.applied(), ["first", "second"]);
    assert_eq!(after.applied(), ["third"]);
}
