//! Kafka clients that heal, against the real broker: a relay whose producer failed for good,
//! a consumer replaced mid-stream, the watchdog's judgement, and a service that gives up.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use kit::{
    app::Service,
    consumer::{self, Assignment, ConsumerSettings, EventHandler, StartFrom},
    context::RequestContext,
    events::CloudEvent,
    outbox::{Outbox, OutboxStore as _, Relay, postgres::PgOutbox},
    settings::{HttpSettings, KafkaSettings},
    testing::{
        TestDatabase, eventually, force_fatal_error, kafka_brokers, read_events, unique_topic,
    },
    watchdog::{Watchdog, WatchdogSettings},
};
use rdkafka::producer::{FutureRecord, Producer as _};
use tokio_util::sync::CancellationToken;

fn kafka() -> KafkaSettings {
    KafkaSettings {
        sweep_interval_ms: 100,
        ..KafkaSettings::new(kafka_brokers())
    }
}

/// A watchdog that looks every 100 ms, rebuilds after 1 s and gives up 1 s later.
fn quick() -> WatchdogSettings {
    WatchdogSettings {
        stall: Duration::from_secs(1),
        grace: Duration::from_secs(1),
        check_every: Duration::from_millis(100),
    }
}

fn event(subject: &str) -> CloudEvent {
    CloudEvent::new(
        "test",
        "pms.test.recorded.v1",
        subject,
        serde_json::json!({}),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_relay_whose_producer_failed_for_good_gets_a_new_one_and_loses_nothing() {
    let db = TestDatabase::postgres().await;
    let pool = sqlx::PgPool::connect(&db.url).await.expect("connect");
    PgOutbox(pool.clone())
        .ensure_schema()
        .await
        .expect("outbox table");
    let topic = unique_topic("watchdog-relay");
    let outbox = Outbox::new(topic.clone());
    let record = |subjects: &'static [&'static str]| {
        let (pool, outbox) = (pool.clone(), outbox.clone());
        async move {
            let mut conn = pool.acquire().await.expect("connection");
            for subject in subjects {
                outbox
                    .record(&mut *conn, &event(subject), &RequestContext::default())
                    .await
                    .expect("record");
            }
            outbox.wake();
        }
    };
    let pending = || {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")
                .fetch_one(&pool)
                .await
                .expect("count")
        }
    };

    record(&["one", "two", "three"]).await;
    let relay = Relay::new(
        PgOutbox(pool.clone()),
        &kafka(),
        &outbox,
        Duration::from_millis(100),
    )
    .expect("relay");
    let producer = relay.producer();
    let stop = CancellationToken::new();
    let running = tokio::spawn(relay.run(stop.clone()));
    for _ in 0..300 {
        if pending().await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(pending().await, 0, "the first three are published");

    let fenced = producer.get();
    force_fatal_error(fenced.client());
    let refused = fenced
        .send(
            FutureRecord::to(&topic).key("k").payload("x"),
            Duration::from_secs(5),
        )
        .await;
    assert!(refused.is_err(), "a fenced producer sends nothing");
    record(&["four", "five", "six"]).await;

    let events = read_events(&topic, 6, Duration::from_secs(30), Duration::from_secs(1)).await;
    stop.cancel();
    running.await.expect("relay stops");
    let mut subjects: Vec<&str> = events.iter().map(|event| event.subject.as_str()).collect();
    subjects.sort_unstable();
    assert_eq!(
        subjects,
        ["five", "four", "one", "six", "three", "two"],
        "every event once"
    );
    assert!(
        kit::kafka::fatal_error(&producer.get()).is_none(),
        "the relay publishes with a new producer"
    );
    assert_eq!(pending().await, 0);
}

/// Records what it applied.
#[derive(Default, Clone)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn applied(&self) -> Vec<String> {
        self.0.lock().expect("recorder").clone()
    }
}

impl EventHandler for Recorder {
    async fn handle(&self, _topic: &str, event: CloudEvent) -> anyhow::Result<()> {
        self.0.lock().expect("recorder").push(event.subject);
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_consumer_replaced_mid_stream_goes_on_without_losing_or_repeating_an_event() {
    let topic = unique_topic("watchdog-consumer");
    let producer = kit::kafka::idempotent_producer(&kafka()).expect("producer");
    let send = |subject: &'static str| {
        let (producer, topic) = (producer.clone(), topic.clone());
        async move {
            let payload = serde_json::to_vec(&event(subject)).expect("json");
            producer
                .send(
                    FutureRecord::to(&topic).key("same-key").payload(&payload),
                    Duration::from_secs(10),
                )
                .await
                .expect("sent");
        }
    };
    let recorder = Recorder::default();
    let (progress, _unwatched) = Watchdog::new(&kafka(), quick()).watch("test consumer");
    let stop = CancellationToken::new();
    let running = {
        let (recorder, progress, stop) = (recorder.clone(), progress.clone(), stop.clone());
        let settings = ConsumerSettings {
            group_id: unique_topic("group"),
            topics: vec![topic.clone()],
            start_from: StartFrom::Earliest,
        };
        tokio::spawn(async move {
            consumer::run(
                &kafka(),
                &settings,
                &recorder,
                &Assignment::default(),
                &progress,
                stop,
            )
            .await
            .expect("consumer runs");
        })
    };

    for subject in ["one", "two", "three"] {
        send(subject).await;
    }
    assert!(eventually(Duration::from_secs(30), || recorder.applied().len() == 3).await);
    // Idle now: librdkafka's statistics (every second) show the group steady.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        progress.stalled_for() < Duration::from_secs(2),
        "a steady group is progress: {:?} without",
        progress.stalled_for()
    );
    progress.request_rebuild();
    assert!(
        eventually(Duration::from_secs(30), || progress.rebuilds() == 1).await,
        "the consumer replaced itself"
    );
    for subject in ["four", "five", "six"] {
        send(subject).await;
    }
    assert!(eventually(Duration::from_secs(30), || recorder.applied().len() >= 6).await);
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.cancel();
    running.await.expect("consumer stops");
    assert_eq!(
        recorder.applied(),
        ["one", "two", "three", "four", "five", "six"],
        "in order, each once"
    );
    drop(producer.flush(Duration::from_secs(1)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_stuck_while_the_broker_answers_is_rebuilt_then_given_up_on() {
    let watchdog = Watchdog::new(&kafka(), quick());
    let liveness = watchdog.liveness();
    let (progress, watch) = watchdog.watch("stuck client");
    let stop = CancellationToken::new();
    let watching = tokio::spawn(watch(stop.clone()));

    tokio::time::timeout(Duration::from_secs(10), progress.rebuild_requested())
        .await
        .expect("a rebuild is asked for");
    assert!(liveness.check().is_ok(), "not given up before the grace");
    tokio::time::timeout(Duration::from_secs(10), liveness.failed())
        .await
        .expect("given up after the grace");
    let reason = liveness.check().expect_err("failing");
    assert!(reason.starts_with("stuck client: no progress"), "{reason}");
    watching.await.expect("the watchdog ends");
    stop.cancel();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_recovers_after_its_rebuild_is_not_given_up_on() {
    let watchdog = Watchdog::new(&kafka(), quick());
    let liveness = watchdog.liveness();
    let (progress, watch) = watchdog.watch("recovering client");
    let stop = CancellationToken::new();
    let watching = tokio::spawn(watch(stop.clone()));

    progress.rebuild_requested().await;
    let beating = {
        let progress = progress.clone();
        tokio::spawn(async move {
            loop {
                progress.advanced();
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(liveness.check().is_ok(), "{:?}", liveness.check());
    beating.abort();
    stop.cancel();
    watching.await.expect("the watchdog stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broker_that_does_not_answer_is_an_outage_not_a_stuck_client() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let nowhere = listener.local_addr().expect("address").to_string();
    drop(listener);
    let watchdog = Watchdog::new(&KafkaSettings::new(nowhere), quick());
    let liveness = watchdog.liveness();
    let (progress, watch) = watchdog.watch("client during an outage");
    let stop = CancellationToken::new();
    let watching = tokio::spawn(watch(stop.clone()));

    let asked = tokio::time::timeout(Duration::from_secs(4), progress.rebuild_requested()).await;
    assert!(asked.is_err(), "nothing to rebuild while no broker answers");
    assert!(liveness.check().is_ok());
    stop.cancel();
    watching.await.expect("the watchdog stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_given_up_on_stops_and_says_why() {
    let watchdog = Watchdog::new(&kafka(), quick());
    let liveness = watchdog.liveness();
    let service = Service::bind(
        "watchdog-test",
        &HttpSettings::loopback(),
        axum::Router::new(),
    )
    .await
    .expect("bind")
    .with_liveness(watchdog.liveness());
    let health = format!("http://127.0.0.1:{}/health", service.port());
    let running = tokio::spawn(service.run_until(CancellationToken::new()));
    let answer = reqwest::get(&health).await.expect("health answers");
    assert_eq!(answer.status(), 200);

    liveness.fail("consumer test: no progress for 120 s".to_owned());
    let ended = tokio::time::timeout(Duration::from_secs(15), running)
        .await
        .expect("the service stops")
        .expect("no panic");
    let error = ended.expect_err("it fails, so main exits non-zero");
    assert!(
        error.to_string().contains("consumer test: no progress"),
        "{error}"
    );
}
