//! A fuzz test of the `DynamicValue` decoders with a fixed budget, run by `cargo test`: random
//! bytes and mutations of valid encodings, decoded against every resource and data source
//! schema, must give a value or an error and never panic, hang or exhaust memory.

use super::codec::{from_json, from_msgpack, to_msgpack};
use super::types::Type;
use super::value::Value;
use crate::framework::Provider;
use crate::provider::AcpProvider;

/// A small deterministic generator (xorshift64*), so a failure replays from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn schema_types() -> Vec<Type> {
    let provider = AcpProvider;
    let mut types = vec![provider.schema().value_type()];
    types.extend(provider.resources().iter().map(|r| r.schema().value_type()));
    types.extend(
        provider
            .data_sources()
            .iter()
            .map(|d| d.schema().value_type()),
    );
    types
}

/// A value of type `ty` with random content, nulls and unknowns.
fn random_value(rng: &mut Rng, ty: &Type, depth: usize) -> Value {
    match rng.below(10) {
        0 => return Value::Null,
        1 => return Value::Unknown,
        _ => {}
    }
    match ty {
        Type::Bool => Value::Bool(rng.below(2) == 0),
        Type::Number => Value::from(rng.next() as i64),
        Type::String => {
            let len = rng.below(20);
            Value::String(
                (0..len)
                    .map(|_| char::from(b' ' + rng.below(94) as u8))
                    .collect(),
            )
        }
        Type::List(elem) | Type::Set(elem) if depth < 4 => {
            let items = (0..rng.below(4))
                .map(|_| random_value(rng, elem, depth + 1))
                .collect();
            if matches!(ty, Type::List(_)) {
                Value::List(items)
            } else {
                Value::Set(items)
            }
        }
        Type::Map(elem) if depth < 4 => Value::Map(
            (0..rng.below(4))
                .map(|i| (format!("k{i}"), random_value(rng, elem, depth + 1)))
                .collect(),
        ),
        Type::Object(attrs) => Value::Object(
            attrs
                .iter()
                .map(|(k, t)| (k.clone(), random_value(rng, t, depth + 1)))
                .collect(),
        ),
        _ => Value::Null,
    }
}

fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    match rng.below(4) {
        0 if !bytes.is_empty() => {
            let i = rng.below(bytes.len());
            bytes[i] ^= 1 << rng.below(8);
        }
        1 if !bytes.is_empty() => bytes.truncate(rng.below(bytes.len())),
        2 => {
            let i = rng.below(bytes.len() + 1);
            bytes.insert(i, rng.next() as u8);
        }
        _ if !bytes.is_empty() => {
            let i = rng.below(bytes.len());
            bytes[i] = rng.next() as u8;
        }
        _ => bytes.push(rng.next() as u8),
    }
}

#[test]
fn decoding_arbitrary_bytes_never_panics() {
    const SEED: u64 = 0x5eed_acb0_0000_0001;
    const ROUNDS: usize = 20_000;
    let types = schema_types();
    let mut rng = Rng(SEED);
    for round in 0..ROUNDS {
        let ty = &types[rng.below(types.len())];
        let value = random_value(&mut rng, ty, 0);
        let valid = to_msgpack(&value, ty);
        // A valid encoding decodes to what was encoded.
        let back = from_msgpack(&valid, ty)
            .unwrap_or_else(|e| panic!("round {round} (seed {SEED:#x}): valid value refused: {e}"));
        assert_eq!(back, value, "round {round} (seed {SEED:#x})");
        // A mutated one decodes or is refused; it must not panic.
        let mut bytes = valid;
        for _ in 0..=rng.below(3) {
            mutate(&mut rng, &mut bytes);
        }
        let _ = from_msgpack(&bytes, ty);
        let _ = from_json(&bytes, ty);
        // Pure noise, including markers that announce huge lengths.
        let noise: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
        let _ = from_msgpack(&noise, ty);
    }
}

#[test]
fn huge_announced_lengths_are_refused_without_allocating_them() {
    let ty = Type::List(Box::new(Type::String));
    // array32 / map32 / str32 / bin32 headers announcing about four billion items or bytes.
    for header in [0xdd_u8, 0xdf, 0xdb, 0xc6] {
        let bytes = [header, 0xff, 0xff, 0xff, 0xff];
        assert!(from_msgpack(&bytes, &ty).is_err(), "header {header:#x}");
    }
}
