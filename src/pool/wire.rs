//! The pipe protocol between the parent and a worker: explicit [`Request`] / [`Response`]
//! enums, each sent as one frame (`u32` little-endian payload length, then a `bincode` 2
//! payload in its standard configuration). A length over the limit is refused before any
//! allocation; a stream that ends inside a frame is torn, told apart from a clean end.

use std::io::{self, Read, Write};
use std::os::fd::AsFd;

use bincode::config::{self, Config};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Bytes of the length prefix.
pub const HEADER_BYTES: usize = 4;
/// Default size limit of one frame's payload.
pub const DEFAULT_MAX_FRAME_BYTES: u32 = 64 << 20;

/// Parent to worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request<T> {
    /// Run the job on `item`.
    Task { index: u64, attempt: u32, item: T },
}

/// What the job did with one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply<R> {
    /// It returned `Ok`.
    Ok(R),
    /// It returned `Err`, with the error's `Display` text.
    Err(String),
    /// It panicked, with the location and message.
    Panic(String),
}

/// Worker to parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response<R> {
    /// The current task finished.
    Done {
        index: u64,
        reply: Reply<R>,
        wall_ns: u64,
        peak_rss_bytes: Option<u64>,
    },
    /// An allocation failed during the current task; the worker exits next.
    OutOfMemory,
    /// The worker exits cleanly between tasks: requests not answered were never started.
    Bye,
}

/// A frame could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("frame of {len} bytes exceeds the limit of {max} bytes")]
    TooLarge { len: u64, max: u32 },
    #[error("torn frame: the stream ended after {got} of {expected} bytes")]
    Torn { got: usize, expected: usize },
    #[error("cannot decode frame")]
    Decode(#[source] bincode::error::DecodeError),
    #[error("cannot encode frame")]
    Encode(#[source] bincode::error::EncodeError),
    #[error("frame has {0} bytes after its message")]
    Trailing(usize),
    #[error("pipe i/o failed")]
    Io(#[source] io::Error),
}

impl WireError {
    /// The message with its causes, `"cannot decode frame: <bincode's reason>"`.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(e) = source {
            text.push_str(": ");
            text.push_str(&e.to_string());
            source = e.source();
        }
        text
    }
}

/// Decoding runs with a byte limit, so a garbage length inside a payload (a string claiming
/// 2^60 bytes) is refused instead of allocated. bincode's limit is a constant: the smallest
/// of these brackets at or above the frame limit is used.
const SMALL_LIMIT: usize = DEFAULT_MAX_FRAME_BYTES as usize;
const LARGE_LIMIT: usize = u32::MAX as usize;

/// Appends one frame holding `msg` to `out`. On error `out` is left as it was.
pub fn encode_frame<M: Serialize>(msg: &M, out: &mut Vec<u8>, max: u32) -> Result<(), WireError> {
    let start = out.len();
    out.extend_from_slice(&[0; HEADER_BYTES]);
    if let Err(e) = bincode::serde::encode_into_std_write(msg, out, config::standard()) {
        out.truncate(start);
        return Err(WireError::Encode(e));
    }
    let len = out.len() - start - HEADER_BYTES;
    if len > max as usize {
        out.truncate(start);
        return Err(WireError::TooLarge {
            len: len as u64,
            max,
        });
    }
    out[start..start + HEADER_BYTES].copy_from_slice(&(len as u32).to_le_bytes());
    Ok(())
}

/// Decodes one payload (without its header); it must be consumed exactly.
pub fn decode_payload<M: DeserializeOwned>(payload: &[u8], max: u32) -> Result<M, WireError> {
    fn go<M: DeserializeOwned, C: Config>(payload: &[u8], cfg: C) -> Result<M, WireError> {
        let (msg, used) =
            bincode::serde::decode_from_slice(payload, cfg).map_err(WireError::Decode)?;
        if used != payload.len() {
            return Err(WireError::Trailing(payload.len() - used));
        }
        Ok(msg)
    }
    if max as usize <= SMALL_LIMIT {
        go(payload, config::standard().with_limit::<SMALL_LIMIT>())
    } else {
        go(payload, config::standard().with_limit::<LARGE_LIMIT>())
    }
}

/// Writes one frame to a blocking writer.
pub fn write_frame<M: Serialize, W: Write>(w: &mut W, msg: &M, max: u32) -> Result<(), WireError> {
    let mut buf = Vec::new();
    encode_frame(msg, &mut buf, max)?;
    w.write_all(&buf).map_err(WireError::Io)
}

/// Reads one frame from a blocking reader: `Ok(None)` on a clean end of stream (no byte of a
/// new frame), [`WireError::Torn`] when it ends inside one. Allocates at most `max` bytes.
pub fn read_frame<M: DeserializeOwned, R: Read>(
    r: &mut R,
    max: u32,
) -> Result<Option<M>, WireError> {
    let mut header = [0u8; HEADER_BYTES];
    let got = read_full(r, &mut header)?;
    if got == 0 {
        return Ok(None);
    }
    if got < HEADER_BYTES {
        return Err(WireError::Torn {
            got,
            expected: HEADER_BYTES,
        });
    }
    let len = u32::from_le_bytes(header);
    if len > max {
        return Err(WireError::TooLarge {
            len: len.into(),
            max,
        });
    }
    let mut payload = vec![0u8; len as usize];
    let got = read_full(r, &mut payload)?;
    if got < payload.len() {
        return Err(WireError::Torn {
            got: HEADER_BYTES + got,
            expected: HEADER_BYTES + payload.len(),
        });
    }
    decode_payload(&payload, max).map(Some)
}

fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> Result<usize, WireError> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(WireError::Io(e)),
        }
    }
    Ok(got)
}

/// A receive buffer for a non-blocking pipe: bytes are read in large chunks and whole
/// frames are cut out of it, so one `read` can bring many frames. The storage is zeroed
/// once when it grows, not on every read.
#[derive(Debug, Default)]
pub struct FrameBuf {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

/// What [`FrameBuf::fill_from`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// This many new bytes.
    Data(usize),
    /// Nothing to read now.
    WouldBlock,
    /// The writer closed its end.
    Eof,
}

/// Bytes asked for by one read of [`FrameBuf::fill_from`] (at least).
pub const READ_CHUNK: usize = 64 << 10;

impl FrameBuf {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes received and not yet cut into frames.
    pub fn pending(&self) -> usize {
        self.end - self.start
    }

    /// Appends bytes (for tests and in-memory streams).
    pub fn extend(&mut self, bytes: &[u8]) {
        self.make_room(bytes.len());
        self.buf[self.end..self.end + bytes.len()].copy_from_slice(bytes);
        self.end += bytes.len();
    }

    /// Ensures `want` free bytes after `end`, compacting or growing.
    fn make_room(&mut self, want: usize) {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        if self.buf.len() - self.end >= want {
            return;
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < want {
            self.buf.resize(self.end + want, 0);
        }
    }

    /// The payload of the next whole frame, if one is buffered. A length over `max` is an
    /// error before anything is allocated for it.
    pub fn next_frame(&mut self, max: u32) -> Result<Option<&[u8]>, WireError> {
        let avail = &self.buf[self.start..self.end];
        if avail.len() < HEADER_BYTES {
            return Ok(None);
        }
        let len = u32::from_le_bytes([avail[0], avail[1], avail[2], avail[3]]);
        if len > max {
            return Err(WireError::TooLarge {
                len: len.into(),
                max,
            });
        }
        let total = HEADER_BYTES + len as usize;
        if avail.len() < total {
            // Make sure the rest of this frame fits in one go (bounded by `max`).
            self.make_room(total - avail.len());
            return Ok(None);
        }
        let from = self.start + HEADER_BYTES;
        self.start += total;
        Ok(Some(&self.buf[from..from + len as usize]))
    }

    /// The error for a stream that ended now: `None` when it ended between frames.
    pub fn torn_at_eof(&self) -> Option<WireError> {
        let avail = &self.buf[self.start..self.end];
        if avail.is_empty() {
            return None;
        }
        let expected = if avail.len() >= HEADER_BYTES {
            HEADER_BYTES + u32::from_le_bytes([avail[0], avail[1], avail[2], avail[3]]) as usize
        } else {
            HEADER_BYTES
        };
        Some(WireError::Torn {
            got: avail.len(),
            expected,
        })
    }

    /// One `read(2)` from a non-blocking descriptor into the buffer.
    pub fn fill_from<Fd: AsFd>(&mut self, fd: Fd) -> Result<Fill, WireError> {
        if self.buf.len() - self.end < READ_CHUNK / 4 {
            self.make_room(READ_CHUNK);
        }
        loop {
            match nix::unistd::read(fd.as_fd(), &mut self.buf[self.end..]) {
                Ok(0) => return Ok(Fill::Eof),
                Ok(n) => {
                    self.end += n;
                    return Ok(Fill::Data(n));
                }
                Err(nix::errno::Errno::EINTR) => continue,
                Err(nix::errno::Errno::EAGAIN) => return Ok(Fill::WouldBlock),
                Err(e) => return Err(WireError::Io(e.into())),
            }
        }
    }

    /// Free bytes the next read may fill.
    pub fn room(&self) -> usize {
        self.buf.len() - self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    type Req = Request<Vec<f64>>;
    type Resp = Response<String>;

    fn frame<M: Serialize>(m: &M) -> Vec<u8> {
        let mut v = Vec::new();
        encode_frame(m, &mut v, DEFAULT_MAX_FRAME_BYTES).unwrap();
        v
    }

    #[test]
    fn request_round_trips_through_a_stream() {
        let req: Req = Request::Task {
            index: 3,
            attempt: 2,
            item: vec![1.5, -2.0],
        };
        let mut c = Cursor::new(frame(&req));
        assert_eq!(read_frame::<Req, _>(&mut c, 1 << 20).unwrap(), Some(req));
        assert!(read_frame::<Req, _>(&mut c, 1 << 20).unwrap().is_none());
    }

    #[test]
    fn torn_payload_is_an_error_not_a_clean_end() {
        let bytes = frame(&Response::<String>::Done {
            index: 1,
            reply: Reply::Ok("hello world".into()),
            wall_ns: 5,
            peak_rss_bytes: None,
        });
        for cut in 1..bytes.len() {
            let mut c = Cursor::new(bytes[..cut].to_vec());
            let err = read_frame::<Resp, _>(&mut c, 1 << 20).unwrap_err();
            assert!(
                matches!(err, WireError::Torn { got, .. } if got == cut),
                "cut {cut}: {err}"
            );
            let mut fb = FrameBuf::new();
            fb.extend(&bytes[..cut]);
            assert!(fb.next_frame(1 << 20).unwrap().is_none());
            assert!(fb.torn_at_eof().is_some());
        }
    }

    #[test]
    fn oversized_length_is_refused_before_allocation() {
        let mut bytes = u32::MAX.to_le_bytes().to_vec();
        bytes.extend_from_slice(b"garbage");
        let err = read_frame::<Resp, _>(&mut Cursor::new(bytes.clone()), 1024).unwrap_err();
        assert!(matches!(err, WireError::TooLarge { len, max: 1024 } if len == u32::MAX as u64));
        let mut fb = FrameBuf::new();
        fb.extend(&bytes);
        assert!(matches!(
            fb.next_frame(1024),
            Err(WireError::TooLarge { .. })
        ));
    }

    #[test]
    fn encoding_over_the_limit_fails_and_leaves_the_buffer_alone() {
        let mut out = vec![9u8];
        let big = Request::Task {
            index: 0,
            attempt: 1,
            item: vec![0u8; 2000],
        };
        let err = encode_frame(&big, &mut out, 1000).unwrap_err();
        assert!(matches!(err, WireError::TooLarge { max: 1000, .. }));
        assert_eq!(out, vec![9u8]);
    }

    #[test]
    fn garbage_inside_a_frame_is_a_decode_error_without_huge_allocation() {
        // A string whose varint length claims u64::MAX bytes.
        let mut payload = vec![
            0u8, /* variant Done */
            1,   /* index */
            0,   /* Reply::Ok */
        ];
        payload.push(255);
        payload.extend_from_slice(&u64::MAX.to_le_bytes());
        let mut bytes = (payload.len() as u32).to_le_bytes().to_vec();
        bytes.extend_from_slice(&payload);
        let err = read_frame::<Resp, _>(&mut Cursor::new(bytes), 1 << 20).unwrap_err();
        assert!(matches!(err, WireError::Decode(_)), "{err}");
    }

    #[test]
    fn limits_above_the_default_use_the_large_bracket() {
        let big_max = 200 << 20;
        let msg = Response::<String>::Done {
            index: 9,
            reply: Reply::Err("x".repeat(1000)),
            wall_ns: 3,
            peak_rss_bytes: Some(4),
        };
        let mut bytes = Vec::new();
        encode_frame(&msg, &mut bytes, big_max).unwrap();
        let got: Resp = read_frame(&mut Cursor::new(bytes), big_max)
            .unwrap()
            .unwrap();
        assert_eq!(got, msg);
    }

    #[test]
    fn trailing_bytes_are_an_error() {
        let mut bytes = frame(&Response::<String>::Bye);
        bytes[0] += 1;
        bytes.push(0);
        let err = read_frame::<Resp, _>(&mut Cursor::new(bytes), 1 << 20).unwrap_err();
        assert!(matches!(err, WireError::Trailing(1)));
    }

    #[test]
    fn frame_buf_cuts_many_frames_from_one_chunk() {
        let mut fb = FrameBuf::new();
        for i in 0..100u64 {
            fb.extend(&frame(&Request::Task {
                index: i,
                attempt: 1,
                item: vec![i as f64],
            }));
        }
        for i in 0..100u64 {
            let p = fb.next_frame(1 << 20).unwrap().unwrap().to_vec();
            let Request::Task { index, .. } = decode_payload::<Req>(&p, 1 << 20).unwrap();
            assert_eq!(index, i);
        }
        assert!(fb.next_frame(1 << 20).unwrap().is_none());
        assert!(fb.torn_at_eof().is_none());
    }

    #[test]
    fn frame_buf_reads_a_pipe_and_sees_eof() {
        let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_NONBLOCK).unwrap();
        let mut fb = FrameBuf::new();
        assert_eq!(fb.fill_from(&r).unwrap(), Fill::WouldBlock);
        let bytes = frame(&Response::<String>::Bye);
        nix::unistd::write(&w, &bytes[..3]).unwrap();
        assert_eq!(fb.fill_from(&r).unwrap(), Fill::Data(3));
        assert!(fb.next_frame(100).unwrap().is_none());
        drop(w);
        assert_eq!(fb.fill_from(&r).unwrap(), Fill::Eof);
        assert!(matches!(
            fb.torn_at_eof(),
            Some(WireError::Torn {
                got: 3,
                expected: 4
            })
        ));
    }

    #[test]
    fn frame_buf_reads_frames_larger_than_a_read_from_a_pipe() {
        let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_NONBLOCK).unwrap();
        let msgs: Vec<Response<Vec<u8>>> = (0..5u8)
            .map(|i| Response::Done {
                index: i.into(),
                reply: Reply::Ok(vec![i; 100_000 * usize::from(i % 3) + 7]),
                wall_ns: 1,
                peak_rss_bytes: Some(2),
            })
            .collect();
        let mut stream = Vec::new();
        for m in &msgs {
            encode_frame(m, &mut stream, 1 << 20).unwrap();
        }
        let writer = std::thread::spawn(move || {
            let w = std::fs::File::from(w);
            nix::fcntl::fcntl(
                &w,
                nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::empty()),
            )
            .unwrap();
            let mut w = w;
            for chunk in stream.chunks(33_333) {
                w.write_all(chunk).unwrap();
            }
        });
        let mut fb = FrameBuf::new();
        let mut got = Vec::new();
        loop {
            while let Some(p) = fb.next_frame(1 << 20).unwrap() {
                let p = p.to_vec();
                got.push(decode_payload::<Response<Vec<u8>>>(&p, 1 << 20).unwrap());
            }
            match fb.fill_from(&r).unwrap() {
                Fill::Data(_) => {}
                Fill::WouldBlock => std::thread::sleep(std::time::Duration::from_millis(1)),
                Fill::Eof => break,
            }
        }
        writer.join().unwrap();
        assert!(fb.torn_at_eof().is_none());
        assert_eq!(got, msgs);
    }

    #[test]
    fn large_legit_frames_decode() {
        let item: Vec<u64> = vec![0; 3_000_000];
        let bytes = frame(&Request::Task {
            index: 0,
            attempt: 1,
            item: item.clone(),
        });
        let got: Request<Vec<u64>> = read_frame(&mut Cursor::new(bytes), DEFAULT_MAX_FRAME_BYTES)
            .unwrap()
            .unwrap();
        assert_eq!(
            got,
            Request::Task {
                index: 0,
                attempt: 1,
                item
            }
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn reply() -> impl Strategy<Value = Reply<Vec<i64>>> {
            prop_oneof![
                proptest::collection::vec(any::<i64>(), 0..50).prop_map(Reply::Ok),
                ".*".prop_map(Reply::Err),
                ".*".prop_map(Reply::Panic),
            ]
        }

        fn response() -> impl Strategy<Value = Response<Vec<i64>>> {
            prop_oneof![
                (any::<u64>(), reply(), any::<u64>(), any::<Option<u64>>()).prop_map(
                    |(index, reply, wall_ns, peak_rss_bytes)| Response::Done {
                        index,
                        reply,
                        wall_ns,
                        peak_rss_bytes
                    }
                ),
                Just(Response::OutOfMemory),
                Just(Response::Bye),
            ]
        }

        proptest! {
            #[test]
            fn responses_round_trip(msgs in proptest::collection::vec(response(), 1..20)) {
                let mut stream = Vec::new();
                for m in &msgs {
                    encode_frame(m, &mut stream, 1 << 20).unwrap();
                }
                let mut c = Cursor::new(stream.clone());
                for m in &msgs {
                    let got: Response<Vec<i64>> = read_frame(&mut c, 1 << 20).unwrap().unwrap();
                    prop_assert_eq!(&got, m);
                }
                prop_assert!(read_frame::<Response<Vec<i64>>, _>(&mut c, 1 << 20).unwrap().is_none());
                let mut fb = FrameBuf::new();
                fb.extend(&stream);
                for m in &msgs {
                    let p = fb.next_frame(1 << 20).unwrap().unwrap().to_vec();
                    prop_assert_eq!(&decode_payload::<Response<Vec<i64>>>(&p, 1 << 20).unwrap(), m);
                }
            }

            #[test]
            fn frame_buf_reassembles_any_chunking(
                msgs in proptest::collection::vec(response(), 1..30),
                cuts in proptest::collection::vec(1usize..300, 1..60),
            ) {
                let mut stream = Vec::new();
                for m in &msgs {
                    encode_frame(m, &mut stream, 1 << 20).unwrap();
                }
                let mut fb = FrameBuf::new();
                let mut got = Vec::new();
                let mut pos = 0;
                let mut i = 0;
                while pos < stream.len() {
                    let n = cuts[i % cuts.len()].min(stream.len() - pos);
                    i += 1;
                    fb.extend(&stream[pos..pos + n]);
                    pos += n;
                    while let Some(p) = fb.next_frame(1 << 20).unwrap() {
                        let p = p.to_vec();
                        got.push(decode_payload::<Response<Vec<i64>>>(&p, 1 << 20).unwrap());
                    }
                }
                prop_assert_eq!(&got, &msgs);
                prop_assert_eq!(fb.pending(), 0);
                prop_assert!(fb.torn_at_eof().is_none());
            }

            #[test]
            fn requests_round_trip(index in any::<u64>(), attempt in any::<u32>(), item in ".*") {
                let req = Request::Task { index, attempt, item };
                let mut c = Cursor::new(frame(&req));
                prop_assert_eq!(read_frame::<Request<String>, _>(&mut c, 1 << 20).unwrap(), Some(req));
            }

            #[test]
            fn any_cut_of_a_stream_is_torn_or_clean(msgs in proptest::collection::vec(response(), 1..5), cut_frac in 0.0f64..1.0) {
                let mut stream = Vec::new();
                let mut bounds = vec![0];
                for m in &msgs {
                    encode_frame(m, &mut stream, 1 << 20).unwrap();
                    bounds.push(stream.len());
                }
                let cut = (stream.len() as f64 * cut_frac) as usize;
                let mut c = Cursor::new(stream[..cut].to_vec());
                let mut n = 0;
                loop {
                    match read_frame::<Response<Vec<i64>>, _>(&mut c, 1 << 20) {
                        Ok(Some(_)) => n += 1,
                        Ok(None) => { prop_assert!(bounds.contains(&cut)); break; }
                        Err(WireError::Torn { .. }) => { prop_assert!(!bounds.contains(&cut)); break; }
                        Err(e) => prop_assert!(false, "unexpected {}", e),
                    }
                }
                prop_assert_eq!(n, bounds.iter().filter(|&&b| b > 0 && b <= cut).count());
            }
        }
    }
}
