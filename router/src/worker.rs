//! The stack of the router's worker threads, sized so that no WebSocket message can
//! overflow it.
//!
//! Hive Router decodes each `graphql-transport-ws` message from the client with sonic-rs
//! before any plugin sees it, and sonic-rs recurses once per nesting level with no limit of
//! its own: a `subscribe` whose variables nested 20,000 levels (40 KB of `[`) overflowed a
//! release router's 2 MiB worker stack, after which ntex's SIGSEGV handler left the worker
//! spinning for good. What bounds the depth is the message size: ntex takes WebSocket frames
//! of at most [`LARGEST_WEBSOCKET_FRAME`] bytes and Hive Router reads only whole text frames
//! (it ignores continuations), so no message nests deeper than that many levels. The workers
//! get [`STACK_BYTES`], twice what decoding and dropping the deepest such message takes
//! (the test below), reserved as address space and touched only as deep as a message goes.
//!
//! Debug builds compile Hive Router and sonic-rs optimised (the workspace's
//! `[profile.dev.package]`): unoptimised, sonic-rs took over 8 MiB for 1,000 levels.
//! Over HTTP the `limits` plugin refuses deep nesting before anything is decoded.

/// Each worker thread's stack.
pub const STACK_BYTES: usize = 64 << 20;

/// The largest WebSocket frame ntex accepts (`ntex::ws::Codec`'s default, which Hive Router
/// keeps): the bound [`STACK_BYTES`] is sized for, checked by the tests.
#[cfg_attr(not(test), allow(dead_code))]
pub const LARGEST_WEBSOCKET_FRAME: usize = 65_536;

#[cfg(test)]
mod tests {
    use hive_router::{
        executor::executors::graphql_transport_ws::ClientMessage,
        ntex::{codec::Decoder as _, util::BytesMut, ws},
        sonic_rs,
    };

    use super::*;

    /// A `subscribe` message of exactly [`LARGEST_WEBSOCKET_FRAME`] bytes whose variables
    /// nest `[` as deep as the rest of the frame allows (closed when `balanced`).
    fn deepest_message(balanced: bool) -> String {
        let head = r#"{"type":"subscribe","id":"1","payload":{"query":"subscription { x }","variables":{"v":"#;
        let tail = "}}}";
        let room = LARGEST_WEBSOCKET_FRAME - head.len() - tail.len();
        let body = if balanced {
            let depth = room / 2;
            format!(
                "{}{}{}",
                "[".repeat(depth),
                "]".repeat(depth),
                " ".repeat(room % 2)
            )
        } else {
            "[".repeat(room)
        };
        let message = format!("{head}{body}{tail}");
        assert_eq!(message.len(), LARGEST_WEBSOCKET_FRAME);
        message
    }

    /// A masked client text frame carrying `payload`.
    fn client_frame(payload: &[u8]) -> BytesMut {
        let mut frame = BytesMut::new();
        frame.extend_from_slice(&[0x81, 0xFF]);
        frame.extend_from_slice(&(payload.len() as u64).to_be_bytes());
        frame.extend_from_slice(&[0, 0, 0, 0]);
        frame.extend_from_slice(payload);
        frame
    }

    #[test]
    fn ntex_refuses_a_frame_larger_than_the_bound() {
        let codec = ws::Codec::new();
        let largest = "x".repeat(LARGEST_WEBSOCKET_FRAME);
        let decoded = codec.decode(&mut client_frame(largest.as_bytes()));
        assert!(
            matches!(decoded, Ok(Some(ws::Frame::Text(ref text))) if text.len() == LARGEST_WEBSOCKET_FRAME),
            "{decoded:?}"
        );
        let larger = "x".repeat(LARGEST_WEBSOCKET_FRAME + 1);
        let decoded = ws::Codec::new().decode(&mut client_frame(larger.as_bytes()));
        assert!(decoded.is_err(), "{decoded:?}");
    }

    #[test]
    fn the_deepest_message_decodes_in_half_a_worker_stack() {
        for balanced in [true, false] {
            let message = deepest_message(balanced);
            let decoded = std::thread::Builder::new()
                .stack_size(STACK_BYTES / 2)
                .spawn(move || {
                    // Decoded and dropped (drop recurses too) inside the thread.
                    sonic_rs::from_str::<ClientMessage>(&message).is_ok()
                })
                .expect("thread")
                .join()
                .expect("no panic");
            // Valid JSON decodes (Hive Router then refuses its variables); an unclosed one is
            // an error (Hive Router closes the connection). Either way the thread lives.
            assert_eq!(decoded, balanced, "balanced: {balanced}");
        }
    }
}
