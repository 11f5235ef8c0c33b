//! Property test: any valid spec survives `parse_model(spec.display())` and a bincode round
//! trip unchanged (floats keep every bit through Python-style repr formatting).

use fitpool::models::{build_spec, kinds, ModelSpec, ParamType, Value};
use fitpool::spec::parse_model;
use proptest::prelude::*;

fn value_for(ty: ParamType) -> BoxedStrategy<Value> {
    let float = prop_oneof![
        any::<f64>(),
        0.0..1.0f64,
        (0.0..1e6f64),
        (-20i32..20).prop_map(|e| 10f64.powi(e)),
        Just(5e-324),
        Just(1e16),
        Just(1.0),
    ];
    match ty {
        ParamType::Int { min, max } => (min..=max.min(min.saturating_add(1 << 40)))
            .prop_map(Value::Int)
            .boxed(),
        ParamType::OptInt { min, max } => prop_oneof![
            Just(Value::None),
            (min..=max.min(min.saturating_add(1 << 40))).prop_map(Value::Int)
        ]
        .boxed(),
        ParamType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        ParamType::Estimator => proptest::sample::select(vec![
            Value::None,
            Value::Model(Box::new(
                build_spec("Ridge", &[("alpha".into(), Value::Float(2.0))]).unwrap(),
            )),
            Value::Model(Box::new(
                build_spec(
                    "DecisionTreeRegressor",
                    &[("max_depth".into(), Value::Int(3))],
                )
                .unwrap(),
            )),
        ])
        .boxed(),
        ParamType::CountOrFraction { none } => {
            let mut specials = vec![Value::Int(1), Value::Int(7), Value::Float(0.5)];
            if none {
                specials.push(Value::None);
            }
            prop_oneof![
                (1i64..1000).prop_map(Value::Int),
                (0.01..1.0f64).prop_map(Value::Float),
                proptest::sample::select(specials)
            ]
            .boxed()
        }
        ParamType::BoolOrCount => prop_oneof![
            any::<bool>().prop_map(Value::Bool),
            (1i64..1 << 40).prop_map(Value::Int)
        ]
        .boxed(),
        ParamType::CountOrInf => prop_oneof![
            (0i64..1 << 40).prop_map(Value::Int),
            Just(Value::Float(f64::INFINITY))
        ]
        .boxed(),
        ParamType::ExtendedFloat => prop_oneof![
            float.prop_map(Value::Float),
            Just(Value::Float(f64::INFINITY)),
            Just(Value::Float(f64::NEG_INFINITY))
        ]
        .boxed(),
        ParamType::Text { none, examples } => {
            let mut values: Vec<Value> = examples.iter().map(|s| Value::Str((*s).into())).collect();
            if none {
                values.push(Value::None);
            }
            proptest::sample::select(values).boxed()
        }
        ParamType::Choice(options) => proptest::sample::select(options)
            .prop_map(|s| Value::Str(s.into()))
            .boxed(),
        ParamType::OneOf { none, bool, strs } => {
            let mut values: Vec<Value> = strs.iter().map(|s| Value::Str((*s).into())).collect();
            if bool {
                values.extend([Value::Bool(true), Value::Bool(false)]);
            }
            if none {
                values.push(Value::None);
            }
            proptest::sample::select(values).boxed()
        }
        ParamType::AutoOrCount => prop_oneof![
            Just(Value::Str("auto".into())),
            (1i64..1 << 40).prop_map(Value::Int)
        ]
        .boxed(),
        ParamType::Counts { max } => proptest::collection::vec(1..=max.min(1000), 1..4)
            .prop_map(Value::Ints)
            .boxed(),
        ParamType::Floats { .. } => proptest::collection::vec(float, 1..4)
            .prop_map(Value::Floats)
            .boxed(),
        ParamType::Float { .. }
        | ParamType::OptFloat { .. }
        | ParamType::Gamma
        | ParamType::MaxFeatures => {
            let specials = match ty {
                ParamType::OptFloat { .. } => vec![Value::None],
                ParamType::Gamma => vec![Value::Str("scale".into()), Value::Str("auto".into())],
                ParamType::MaxFeatures => vec![
                    Value::None,
                    Value::Str("sqrt".into()),
                    Value::Str("log2".into()),
                    Value::Int(3),
                ],
                _ => vec![],
            };
            let floats = float.prop_map(Value::Float);
            if specials.is_empty() {
                floats.boxed()
            } else {
                prop_oneof![floats, proptest::sample::select(specials)].boxed()
            }
        }
    }
}

fn any_spec() -> impl Strategy<Value = ModelSpec> {
    (0..kinds().len()).prop_flat_map(|k| {
        let def = &kinds()[k];
        let params: Vec<_> = def
            .params
            .iter()
            // each has one supported value; the others are refused by design (and
            // TransformedTargetRegressor's func and inverse_func come in pairs)
            .filter(|p| !["bootstrap", "warm_start", "func", "inverse_func"].contains(&p.name))
            .map(|p| {
                let name = p.name.to_string();
                let ty = p.ty;
                proptest::option::of(value_for(ty)).prop_map(move |v| {
                    // an out-of-range draw falls back to leaving the parameter out
                    v.filter(|v| ty.check(v).is_some())
                        .map(|v| (name.clone(), v))
                })
            })
            .collect();
        params.prop_map(move |ps| {
            let ps: Vec<(String, Value)> = ps.into_iter().flatten().collect();
            build_spec(def.name, &ps).expect("valid parameters build")
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn display_and_bincode_round_trip(spec in any_spec()) {
        let text = spec.display();
        let back = parse_model(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&back, &spec, "{}", text);
        let bytes = bincode::serde::encode_to_vec(&spec, bincode::config::standard()).unwrap();
        let (decoded, _): (ModelSpec, usize) =
            bincode::serde::decode_from_slice(&bytes, bincode::config::standard()).unwrap();
        prop_assert_eq!(decoded, spec);
    }
}
