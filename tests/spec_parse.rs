//! The spec parser and lineup files: every kind and alias, repr round trips, errors that list
//! what is accepted with a position, and TOML grid expansion (count and order).

use fitpool::models::{
    catalogue, kinds, ElasticNetParams, ForestParams, MaxFeatures, ModelSpec, NuSvrParams,
    SvrParams,
};
use fitpool::spec::{
    default_lineup, load_lineup, parse_lineup_lines, parse_lineup_toml, parse_model, SpecError,
};

fn err(text: &str) -> String {
    parse_model(text).unwrap_err().to_string()
}

#[test]
fn every_kind_parses_by_name_and_alias_with_defaults() {
    for k in kinds() {
        let by_name = parse_model(k.name).unwrap();
        assert_eq!(by_name.kind_name(), k.name);
        assert_eq!(by_name.display(), format!("{}()", k.name));
        assert_eq!(parse_model(&format!("{}()", k.name)).unwrap(), by_name);
        assert_eq!(parse_model(&k.name.to_lowercase()).unwrap(), by_name);
        assert!(!k.aliases.is_empty());
        for alias in k.aliases {
            assert_eq!(parse_model(alias).unwrap(), by_name, "{alias}");
            assert_eq!(parse_model(&format!("{alias}( )")).unwrap(), by_name);
        }
    }
    for (alias, kind) in [
        ("rf", "RandomForestRegressor"),
        ("et", "ExtraTreesRegressor"),
        ("tree", "DecisionTreeRegressor"),
        ("dt", "DecisionTreeRegressor"),
        ("nusvr", "NuSVR"),
        ("svr", "SVR"),
        ("ridge", "Ridge"),
        ("lasso", "Lasso"),
        ("enet", "ElasticNet"),
        ("ols", "LinearRegression"),
        ("lr", "LinearRegression"),
        ("knn", "KNeighborsRegressor"),
        ("gbr", "GradientBoostingRegressor"),
    ] {
        assert_eq!(parse_model(alias).unwrap().kind_name(), kind);
    }
}

#[test]
fn scikit_learn_defaults_are_mapped() {
    let ModelSpec::RandomForest(rf) = parse_model("rf").unwrap() else {
        panic!()
    };
    assert_eq!(
        rf,
        ForestParams {
            n_estimators: 100,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: MaxFeatures::Fraction(1.0),
            bootstrap: true,
            random_state: None,
        }
    );
    let ModelSpec::ExtraTrees(et) = parse_model("et").unwrap() else {
        panic!()
    };
    assert!(!et.bootstrap);
    assert_eq!(
        parse_model("ElasticNet").unwrap(),
        ModelSpec::ElasticNet(ElasticNetParams {
            alpha: 1.0,
            l1_ratio: 0.5,
            fit_intercept: true,
            max_iter: 1000,
            tol: 1e-4
        })
    );
    let nusvr = parse_model("NuSVR").unwrap();
    let ModelSpec::NuSvr(NuSvrParams { nu, svm }) = &nusvr else {
        panic!()
    };
    assert_eq!(
        (*nu, svm.c, svm.degree, svm.tol, svm.max_iter),
        (0.5, 1.0, 3, 1e-3, -1)
    );
}

#[test]
fn examples_from_the_design_parse() {
    for (text, display) in [
        (
            "RandomForestRegressor(n_estimators=300, max_depth=12)",
            "RandomForestRegressor(max_depth=12, n_estimators=300)",
        ),
        ("rf", "RandomForestRegressor()"),
        (
            "rf(n_estimators=50)",
            "RandomForestRegressor(n_estimators=50)",
        ),
        ("Ridge(alpha=0.5)", "Ridge(alpha=0.5)"),
        (
            "NuSVR(kernel='linear', C=10)",
            "NuSVR(C=10.0, kernel='linear')",
        ),
        ("SVR(gamma=0.1)", "SVR(gamma=0.1)"),
        (
            "SVR(gamma=\"auto\", epsilon=0)",
            "SVR(epsilon=0.0, gamma='auto')",
        ),
        (
            "ElasticNet(alpha=0.1, l1_ratio=0.7)",
            "ElasticNet(alpha=0.1, l1_ratio=0.7)",
        ),
        (
            "Lasso(tol=1e-5, max_iter=5000)",
            "Lasso(max_iter=5000, tol=1e-05)",
        ),
        (
            "rf(max_depth=None, random_state=7,)",
            "RandomForestRegressor(random_state=7)",
        ),
        (
            "rf(max_features='sqrt')",
            "RandomForestRegressor(max_features='sqrt')",
        ),
        (
            "rf(max_features=None)",
            "RandomForestRegressor(max_features=None)",
        ),
        (
            "rf(max_features=0.33)",
            "RandomForestRegressor(max_features=0.33)",
        ),
        (
            "rf(max_features=3)",
            "RandomForestRegressor(max_features=3)",
        ),
        (
            "knn(weights='distance', p=1)",
            "KNeighborsRegressor(p=1, weights='distance')",
        ),
        (
            "LinearRegression(fit_intercept=False)",
            "LinearRegression(fit_intercept=False)",
        ),
        (
            "gbr(learning_rate=.05, subsample=0.8)",
            "GradientBoostingRegressor(learning_rate=0.05, subsample=0.8)",
        ),
        ("  ridge ( alpha = 2 ) ", "Ridge(alpha=2.0)"),
        (
            "GradientBoostingRegressor(learning_rate=0.05, max_depth=4,\n    n_estimators=200)",
            "GradientBoostingRegressor(learning_rate=0.05, max_depth=4, n_estimators=200)",
        ),
    ] {
        let spec = parse_model(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(spec.display(), display, "{text}");
        assert_eq!(
            parse_model(&spec.display()).unwrap(),
            spec,
            "round trip of {text}"
        );
        assert_eq!(spec.to_string(), display);
    }
}

#[test]
fn repr_round_trips_for_many_specs() {
    let texts = [
        "NuSVR(C=100, nu=0.1, kernel='poly', degree=2, gamma=0.5, coef0=1, shrinking=False, tol=1e-6, cache_size=1000, max_iter=500)",
        "SVR(C=0.001, epsilon=2.5e-7, kernel='sigmoid', gamma='auto')",
        "ExtraTreesRegressor(n_estimators=7, max_depth=3, min_samples_split=4, min_samples_leaf=2, max_features='log2', random_state=0)",
        "DecisionTreeRegressor(max_depth=1, min_samples_leaf=5)",
        "Ridge(alpha=0, fit_intercept=False)",
        "ElasticNet(alpha=1e-300, l1_ratio=0)",
        "KNeighborsRegressor(n_neighbors=1, p=3)",
        "GradientBoostingRegressor(n_estimators=1, max_depth=10, min_samples_leaf=3, random_state=12345678901)",
    ];
    for text in texts {
        let spec = parse_model(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(
            parse_model(&spec.display()).unwrap(),
            spec,
            "{text} -> {}",
            spec.display()
        );
        // and through bincode, as it travels to a worker
        let bytes = bincode::serde::encode_to_vec(&spec, bincode::config::standard()).unwrap();
        let (back, _): (ModelSpec, usize) =
            bincode::serde::decode_from_slice(&bytes, bincode::config::standard()).unwrap();
        assert_eq!(back, spec);
    }
}

#[test]
fn unknown_kind_lists_kinds_and_suggests() {
    let e = err("RandomForestRegresor(n_estimators=3)");
    assert!(
        e.starts_with("column 1: unknown model kind 'RandomForestRegresor'"),
        "{e}"
    );
    assert!(e.contains("did you mean 'RandomForestRegressor'"), "{e}");
    for k in kinds() {
        assert!(e.contains(k.name), "{e} lacks {}", k.name);
    }
    assert!(e.contains("rf") && e.contains("enet") && e.contains("knn"));
}

#[test]
fn unknown_param_lists_params_with_types() {
    let e = err("rf(n_estimator=5)");
    assert!(
        e.starts_with("column 4: RandomForestRegressor has no parameter 'n_estimator'"),
        "{e}"
    );
    assert!(e.contains("did you mean 'n_estimators'"), "{e}");
    assert!(e.contains("n_estimators (int in [1, 100000])"), "{e}");
    assert!(e.contains("max_depth (None or int"), "{e}");
    let e = err("Ridge(alpha=1, l1_ratio=0.5)");
    assert!(
        e.contains("column 16")
            && e.contains("accepted: alpha (float >= 0.0), fit_intercept (bool"),
        "{e}"
    );
    let e = err("LinearRegression(alpha=1)");
    assert!(e.contains("fit_intercept"), "{e}");
}

#[test]
fn wrong_types_and_ranges_are_rejected_with_what_is_accepted() {
    for (text, needle) in [
        (
            "rf(n_estimators=0)",
            "n_estimators=0 (int) is not accepted; n_estimators must be int in [1, 100000]",
        ),
        (
            "rf(n_estimators=1.5)",
            "n_estimators must be int in [1, 100000]",
        ),
        ("rf(n_estimators='many')", "n_estimators='many' (str)"),
        ("NuSVR(nu=1.5)", "nu must be float in (0.0, 1.0]"),
        ("NuSVR(nu=0)", "nu must be float in (0.0, 1.0]"),
        ("Ridge(alpha=-1)", "alpha must be float >= 0.0"),
        ("Lasso(alpha=-0.1)", "alpha must be float >= 0.0"),
        ("enet(l1_ratio=1.1)", "l1_ratio must be float in [0.0, 1.0]"),
        (
            "SVR(kernel='gaussian')",
            "kernel must be 'rbf' | 'linear' | 'poly' | 'sigmoid'",
        ),
        (
            "SVR(gamma='scaled')",
            "gamma must be 'scale' | 'auto' | float > 0",
        ),
        ("SVR(gamma=0)", "gamma must be 'scale' | 'auto' | float > 0"),
        ("SVR(C=0)", "C must be float > 0.0"),
        ("SVR(shrinking=1)", "shrinking must be bool"),
        ("SVR(max_iter=-2)", "max_iter must be int >= -1"),
        (
            "knn(weights='linear')",
            "weights must be 'uniform' | 'distance'",
        ),
        ("knn(n_neighbors=None)", "n_neighbors must be int >= 1"),
        (
            "rf(max_features=1.5)",
            "max_features must be None | 'sqrt' | 'log2'",
        ),
        (
            "rf(max_depth=0)",
            "max_depth must be None or int in [1, 65534]",
        ),
        ("gbr(subsample=0)", "subsample must be float in (0.0, 1.0]"),
        ("rf(bootstrap=1)", "bootstrap must be bool"),
        ("Ridge(alpha=1, alpha=2)", "parameter 'alpha' given twice"),
    ] {
        let e = err(text);
        assert!(e.contains(needle), "{text}: {e}");
        assert!(e.starts_with("column "), "{text}: {e}");
    }
    // the position is the parameter's
    assert!(err("rf(max_depth=3, n_estimators=0)").starts_with("column 17:"));
}

#[test]
fn syntax_errors_have_positions() {
    for (text, needle) in [
        ("", "empty model spec"),
        ("Ridge(0.5)", "column 7: positional arguments are not accepted"),
        ("Ridge(alpha)", "column 12: expected '=' after 'alpha'"),
        ("Ridge(alpha=)", "column 13: expected a value"),
        ("SVR(kernel=linear)", "column 12: expected a value (None, True, False, a number or a quoted string), found 'linear'; strings need quotes"),
        ("SVR(kernel='linear)", "column 12: unterminated string"),
        ("Ridge(alpha=0.5", "column 16: expected ',' or ')'"),
        ("Ridge(alpha=0.5) x", "column 18: unexpected 'x'"),
        ("Ridge(alpha=1e)", "column 13: '1e' is not a number"),
        ("(alpha=1)", "column 1: expected a model name"),
    ] {
        let e = parse_model(text).unwrap_err();
        assert!(matches!(e, SpecError::Syntax { .. }), "{text}: {e:?}");
        assert!(e.to_string().contains(needle), "{text}: {e}");
    }
}

#[test]
fn numbers_and_literals() {
    let spec = parse_model("SVR(C=1e3, epsilon=+0.5, coef0=-2, tol=1E-2)").unwrap();
    let ModelSpec::Svr(SvrParams { epsilon, svm }) = spec else {
        panic!()
    };
    assert_eq!(
        (svm.c, epsilon, svm.coef0, svm.tol),
        (1000.0, 0.5, -2.0, 0.01)
    );
    let spec = parse_model("rf(n_estimators=1_000, random_state=None)").unwrap();
    let ModelSpec::RandomForest(p) = spec else {
        panic!()
    };
    assert_eq!((p.n_estimators, p.random_state), (1000, None));
}

#[test]
fn default_lineup_is_the_articles_four() {
    let names: Vec<String> = default_lineup().iter().map(|s| s.display()).collect();
    assert_eq!(
        names,
        [
            "RandomForestRegressor()",
            "NuSVR()",
            "Ridge()",
            "ElasticNet()"
        ]
    );
}

#[test]
fn toml_grid_expands_in_parameter_grid_order() {
    let text = r#"
[[model]]
kind = "RandomForestRegressor"
n_estimators = [100, 300]
max_depth = [8, 12]
"#;
    let specs: Vec<String> = parse_lineup_toml(text, "grid.toml")
        .unwrap()
        .iter()
        .map(|s| s.display())
        .collect();
    // sklearn's ParameterGrid: keys sorted, last fastest.
    assert_eq!(
        specs,
        [
            "RandomForestRegressor(max_depth=8)",
            "RandomForestRegressor(max_depth=8, n_estimators=300)",
            "RandomForestRegressor(max_depth=12)",
            "RandomForestRegressor(max_depth=12, n_estimators=300)",
        ]
    );
}

#[test]
fn toml_mixes_repr_strings_tables_none_and_scalars() {
    let text = r#"
models = ["NuSVR(C=10)", "ridge"]

[[model]]
kind = "knn"
n_neighbors = 3

[[model]]
kind = "ElasticNet"
alpha = [0.01, 0.1, 1]
l1_ratio = 0.2

[[model]]
kind = "rf"
max_depth = ["None", 4]
bootstrap = true
"#;
    let specs: Vec<String> = parse_lineup_toml(text, "mix.toml")
        .unwrap()
        .iter()
        .map(|s| s.display())
        .collect();
    assert_eq!(
        specs,
        [
            "NuSVR(C=10.0)",
            "Ridge()",
            "KNeighborsRegressor(n_neighbors=3)",
            "ElasticNet(alpha=0.01, l1_ratio=0.2)",
            "ElasticNet(alpha=0.1, l1_ratio=0.2)",
            "ElasticNet(l1_ratio=0.2)",
            "RandomForestRegressor()",
            "RandomForestRegressor(max_depth=4)",
        ]
    );
}

#[test]
fn toml_errors_point_into_the_file() {
    let cases = [
        (
            "[[model]]\nkind = \"rf\"\nn_estimators = [10, 0]\n",
            "f.toml:3:16",
            "n_estimators must be int in [1, 100000]",
        ),
        (
            "[[model]]\nkind = \"rf\"\nn_estimater = 5\n",
            "f.toml:3:1",
            "did you mean 'n_estimators'",
        ),
        (
            "[[model]]\nkind = \"forest\"\n",
            "f.toml:2:8",
            "unknown model kind 'forest'",
        ),
        (
            "[[model]]\nn_estimators = 5\n",
            "f.toml:1:1",
            "has no `kind",
        ),
        (
            "[[model]]\nkind = \"rf\"\nmax_depth = []\n",
            "f.toml:3:13",
            "empty list",
        ),
        (
            "[[model]]\nkind = \"rf\"\nmax_depth = [[1]]\n",
            "f.toml:3:13",
            "nested lists",
        ),
        (
            "models = [\"Ridge(alpha=-1)\"]\n",
            "f.toml:1:18",
            "alpha must be float >= 0.0",
        ),
        ("modles = [\"Ridge()\"]\n", "f.toml:1:1", "unknown field"),
        ("models = [\"Ridge()\"\n", "f.toml:", "a lineup has"),
    ];
    for (text, at, needle) in cases {
        let e = parse_lineup_toml(text, "f.toml").unwrap_err().to_string();
        assert!(e.starts_with(at), "{text:?}: {e}");
        assert!(e.contains(needle), "{text:?}: {e}");
    }
    assert!(matches!(
        parse_lineup_toml("", "e.toml"),
        Err(SpecError::Empty { .. })
    ));
}

#[test]
fn line_lineups_and_the_example_file() {
    let specs = parse_lineup_lines(
        "# comment\nrf(n_estimators=5)  # five\n\nRidge(alpha=2)\n",
        "l.txt",
    )
    .unwrap();
    assert_eq!(specs.len(), 2);
    let e = parse_lineup_lines("rf\nRidge(alpha=-2)\n", "l.txt")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("l.txt:2:7:"), "{e}");

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/lineup.toml");
    let specs = load_lineup(&path).unwrap();
    assert_eq!(specs.len(), 17);
    assert_eq!(specs[..4], default_lineup()[..]);
    assert!(matches!(
        load_lineup(std::path::Path::new("/nonexistent.toml")),
        Err(SpecError::Io { .. })
    ));
}

#[test]
fn catalogue_lists_every_kind_with_defaults() {
    let cat = catalogue();
    assert_eq!(cat.len(), 43);
    let rf = cat
        .iter()
        .find(|k| k.name == "RandomForestRegressor")
        .unwrap();
    assert!(rf.aliases.contains(&"rf"));
    let get = |k: &str, p: &str| {
        cat.iter()
            .find(|c| c.name == k)
            .unwrap()
            .params
            .iter()
            .find(|x| x.name == p)
            .unwrap()
            .default
            .clone()
    };
    assert_eq!(get("RandomForestRegressor", "n_estimators"), "100");
    assert_eq!(get("RandomForestRegressor", "max_features"), "1.0");
    assert_eq!(get("RandomForestRegressor", "max_depth"), "None");
    assert_eq!(get("NuSVR", "kernel"), "'rbf'");
    assert_eq!(get("NuSVR", "gamma"), "'scale'");
    assert_eq!(get("SVR", "epsilon"), "0.1");
    assert_eq!(get("SVR", "tol"), "0.001");
    assert_eq!(get("Lasso", "tol"), "0.0001");
    assert_eq!(get("ElasticNet", "l1_ratio"), "0.5");
    assert_eq!(get("KNeighborsRegressor", "weights"), "'uniform'");
    assert_eq!(get("GradientBoostingRegressor", "learning_rate"), "0.1");
}

#[test]
fn parameters_without_effect_are_accepted_and_dropped() {
    for (text, same_as) in [
        ("RandomForestRegressor(n_jobs=-1, verbose=0)", "rf"),
        ("ExtraTreesRegressor(n_jobs=4)", "et"),
        ("LinearRegression(copy_X=False, n_jobs=None)", "ols"),
        ("Ridge(copy_X=True)", "ridge"),
        (
            "KNeighborsRegressor(algorithm='kd_tree', leaf_size=10, n_jobs=2)",
            "knn",
        ),
        ("SVR(verbose=True)", "svr"),
        ("GradientBoostingRegressor(verbose=1)", "gbr"),
    ] {
        let spec = parse_model(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(spec, parse_model(same_as).unwrap(), "{text}");
        assert!(!spec.display().contains("n_jobs"));
    }
    // still type-checked, still once
    assert!(err("rf(n_jobs='all')").contains("n_jobs must be None or int"));
    assert!(err("knn(algorithm='lsh')").contains("'auto' | 'ball_tree' | 'kd_tree' | 'brute'"));
    assert!(err("rf(n_jobs=1, n_jobs=2)").contains("given twice"));
    assert!(err("DecisionTreeRegressor(n_jobs=1)").contains("has no parameter 'n_jobs'"));
}

#[test]
fn module_paths_are_accepted() {
    assert_eq!(
        parse_model("sklearn.ensemble.RandomForestRegressor(max_depth=3)").unwrap(),
        parse_model("rf(max_depth=3)").unwrap()
    );
    assert_eq!(
        parse_model("linear_model.Ridge").unwrap(),
        parse_model("ridge").unwrap()
    );
    assert!(err("sklearn.").contains("column 9: expected a class name after '.'"));
    assert!(err("Ridge(True)").starts_with("column 7: positional arguments"));
}
