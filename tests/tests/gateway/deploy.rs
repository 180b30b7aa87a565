//! Issue 12 item 8: the deployment files. No container runtime here, so what can be checked is:
//! every manifest parses, the parts are wired to each other (probes, budgets, autoscaler,
//! network policy, Redis with Sentinel, the compose services), and `eidas-node check` accepts
//! the configuration they carry with keys, secrets and trust anchors laid out where they mount.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::harness::*;
use crate::ops::run_node;

fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy")
}

/// Every YAML document of `files`, parsed by PyYAML (as `kubectl` and compose would read them).
fn parse_yaml(files: &[PathBuf]) -> BTreeMap<String, Vec<Value>> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import json,sys,yaml\n\
             print(json.dumps({f: [d for d in yaml.safe_load_all(open(f)) if d is not None] \
             for f in sys.argv[1:]}))",
        )
        .args(files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "a manifest does not parse: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: BTreeMap<String, Vec<Value>> = serde_json::from_slice(&out.stdout).unwrap();
    parsed
        .into_iter()
        .map(|(f, docs)| {
            let name = Path::new(&f)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, docs)
        })
        .collect()
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .filter_map(|x| x.as_str().map(str::to_owned))
        .collect()
}

#[test]
fn kubernetes_and_compose_files_parse_and_fit_together() {
    let k8s = deploy_dir().join("kubernetes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&k8s)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.push(deploy_dir().join("compose.yaml"));
    let parsed = parse_yaml(&files);

    // Kustomize: every resource exists, the config is generated from the shipped file.
    let kz = &parsed["kustomization.yaml"][0];
    for r in strs(&kz["resources"]) {
        assert!(parsed.contains_key(&r), "kustomization names {r}, absent");
    }
    assert_eq!(kz["configMapGenerator"][0]["name"], "eidas-node-config");
    assert_eq!(
        strs(&kz["configMapGenerator"][0]["files"]),
        vec!["eidas-node.toml"]
    );
    let docs: Vec<Value> = strs(&kz["resources"])
        .iter()
        .flat_map(|r| parsed[r].clone())
        .collect();

    let config: toml::Table = std::fs::read_to_string(k8s.join("eidas-node.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let dep = find(&docs, "Deployment", "eidas-node");
    let spec = &dep["spec"]["template"]["spec"];
    assert_eq!(dep["spec"]["replicas"], 3);
    assert_eq!(
        dep["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"],
        0
    );
    let c = &spec["containers"][0];
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(c["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    // SIGTERM: drain, then bounded shutdown, within the grace period.
    let server = &config["server"];
    let needed = server["drain_seconds"].as_integer().unwrap()
        + server["shutdown_timeout_seconds"].as_integer().unwrap();
    assert!(spec["terminationGracePeriodSeconds"].as_i64().unwrap() > needed);
    // The listeners the config opens are the ports the pod declares.
    let ports: Vec<i64> = c["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["containerPort"].as_i64().unwrap())
        .collect();
    for listen in [
        server["listen"].as_str().unwrap(),
        config["admin"]["listen"].as_str().unwrap(),
    ] {
        let port: i64 = listen.rsplit(':').next().unwrap().parse().unwrap();
        assert!(ports.contains(&port), "{listen} not among {ports:?}");
    }
    // Config from the generated ConfigMap, keys and secrets from Secrets.
    let volumes: BTreeMap<String, Value> = spec["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["name"].as_str().unwrap().to_owned(), v.clone()))
        .collect();
    assert_eq!(volumes["config"]["configMap"]["name"], "eidas-node-config");
    assert_eq!(volumes["keys"]["secret"]["secretName"], "eidas-node-keys");
    assert_eq!(
        volumes["secrets"]["secret"]["secretName"],
        "eidas-node-secrets"
    );
    let mounts: Vec<String> = c["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mountPath"].as_str().unwrap().to_owned())
        .collect();
    assert!(mounts.contains(&"/etc/eidas-node/config".to_owned()));
    assert!(c["args"]
        .to_string()
        .contains("/etc/eidas-node/config/eidas-node.toml"));
    // Every absolute path the config names lies under a mount.
    let text = std::fs::read_to_string(k8s.join("eidas-node.toml")).unwrap();
    for path in text
        .split('"')
        .filter(|s| s.starts_with("/etc/") || s.starts_with("/var/"))
    {
        assert!(
            mounts.iter().any(|m| path.starts_with(m.as_str())),
            "{path} is not under a volume mount"
        );
    }
    // Secrets the Deployment mounts are described in secrets.example.yaml with the names the
    // config reads.
    let examples = &parsed["secrets.example.yaml"];
    let keys = find(examples, "Secret", "eidas-node-keys");
    let secrets = find(examples, "Secret", "eidas-node-secrets");
    for path in text.split('"') {
        for (dir, secret) in [
            ("/etc/eidas-node/keys/", keys),
            ("/etc/eidas-node/secrets/", secrets),
        ] {
            if let Some(name) = path.strip_prefix(dir) {
                assert!(
                    secret["stringData"].get(name).is_some(),
                    "{path}: no {name} in the example Secret"
                );
            }
        }
    }

    let selector = &dep["spec"]["selector"]["matchLabels"];
    let pdb = find(&docs, "PodDisruptionBudget", "eidas-node");
    assert_eq!(&pdb["spec"]["selector"]["matchLabels"], selector);
    assert!(pdb["spec"]["minAvailable"].as_i64().unwrap() >= 2);
    let hpa = find(&docs, "HorizontalPodAutoscaler", "eidas-node");
    assert_eq!(hpa["spec"]["scaleTargetRef"]["name"], "eidas-node");
    assert!(hpa["spec"]["minReplicas"].as_i64().unwrap() >= 3);
    let np = find(&docs, "NetworkPolicy", "eidas-node");
    assert_eq!(&np["spec"]["podSelector"]["matchLabels"], selector);
    let ingress_ports = np["spec"]["ingress"].to_string();
    assert!(ingress_ports.contains("8080") && ingress_ports.contains("9090"));
    assert!(np["spec"]["egress"].to_string().contains("26379"));
    find(&docs, "NetworkPolicy", "default-deny");
    // Redis with Sentinel: three pods, each a server and a sentinel.
    let redis = find(&docs, "StatefulSet", "redis");
    assert_eq!(redis["spec"]["replicas"], 3);
    let names: Vec<String> = redis["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, vec!["redis", "sentinel"]);
    let scripts = find(&docs, "ConfigMap", "redis-scripts");
    assert!(scripts["data"]["sentinel.sh"]
        .as_str()
        .unwrap()
        .contains("sentinel monitor eidas"));
    // Every shell script, in the ConfigMap and for compose, is valid `sh`.
    let dir = TempDir::new("deploy-sh");
    let mut sh_files: Vec<PathBuf> = ["redis.sh", "sentinel.sh"]
        .iter()
        .map(|name| {
            let path = dir.path().join(name);
            std::fs::write(&path, scripts["data"][name].as_str().unwrap()).unwrap();
            path
        })
        .collect();
    sh_files.extend(["redis.sh", "sentinel.sh"].map(|n| deploy_dir().join("compose").join(n)));
    for f in &sh_files {
        let out = Command::new("sh").arg("-n").arg(f).output().unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        // No password on a command line (it would show in the process list).
        let text = std::fs::read_to_string(f).unwrap();
        assert!(!text.contains("--requirepass"), "{}", f.display());
        assert!(!text.contains(" -a "), "{}: redis-cli -a", f.display());
    }
    // The gateways' sentinel URL names the master the sentinels monitor.
    assert!(secrets["stringData"]["redis-url"]
        .as_str()
        .unwrap()
        .ends_with("/eidas"));

    // Compose: Redis, three sentinels, two gateways on the same config, nginx in front.
    let compose = &parsed["compose.yaml"][0];
    let services = compose["services"].as_object().unwrap();
    for s in [
        "redis-a",
        "redis-b",
        "sentinel-1",
        "sentinel-2",
        "sentinel-3",
        "gateway-1",
        "gateway-2",
        "nginx",
    ] {
        assert!(services.contains_key(s), "no compose service {s}");
    }
    for g in ["gateway-1", "gateway-2"] {
        let v = services[g]["volumes"].to_string();
        assert!(
            v.contains("./kubernetes/eidas-node.toml:/etc/eidas-node/config/eidas-node.toml"),
            "{g}: {v}"
        );
        for m in &mounts {
            if m.starts_with("/etc/") {
                assert!(v.contains(&format!(":{m}")), "{g} does not mount {m}");
            }
        }
        assert!(services[g]["command"]
            .to_string()
            .contains("/etc/eidas-node/config/eidas-node.toml"));
    }
    for s in ["sentinel-1", "sentinel-2", "sentinel-3"] {
        assert!(services[s]["command"].to_string().contains("sentinel.sh"));
    }
    let compose_dir = deploy_dir().join("compose");
    for f in ["redis.sh", "sentinel.sh", "nginx.conf"] {
        assert!(compose_dir.join(f).exists(), "deploy/compose/{f}");
    }
    let nginx = std::fs::read_to_string(compose_dir.join("nginx.conf")).unwrap();
    assert!(nginx.contains("server gateway-1:8080") && nginx.contains("server gateway-2:8080"));
    let sentinel = std::fs::read_to_string(compose_dir.join("sentinel.sh")).unwrap();
    assert!(sentinel.contains("sentinel monitor eidas redis-a 6379 2"));
}

/// The config the manifests carry, with keys (`keys generate`), secrets and a trust anchor
/// written where the pod mounts them (under a temporary root), passes `eidas-node check` in
/// everything but reaching the example country, whose `.example` host cannot resolve.
#[tokio::test]
async fn check_accepts_the_shipped_config_with_secrets_where_they_mount() {
    let dir = TempDir::new("deploy-check");
    let root = dir.path();
    let mount = |p: &str| root.join(p.trim_start_matches('/'));
    // Keys as `kubectl create secret generic eidas-node-keys --from-file=./keys` mounts them.
    let keys = mount("/etc/eidas-node/keys");
    let out = run_node(&["keys", "generate", "--out", keys.to_str().unwrap()], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Redis: the suite's, or a private one.
    let private;
    let redis_url = match std::env::var("TEST_REDIS_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            if !crate::redis::have_redis_server() {
                eprintln!("SKIPPED check_accepts_the_shipped_config: no Redis");
                return;
            }
            let port = free_port();
            private = crate::redis::Redis::with_args(port, root, &[]);
            let _ = &private;
            format!("redis://127.0.0.1:{port}")
        }
    };
    let secrets = mount("/etc/eidas-node/secrets");
    std::fs::create_dir_all(&secrets).unwrap();
    std::fs::write(secrets.join("redis-url"), &redis_url).unwrap();
    std::fs::write(secrets.join("prometheus.token"), "t".repeat(40)).unwrap();
    std::fs::write(secrets.join("audit-subject.key"), "cd".repeat(32)).unwrap();
    let trust = mount("/etc/eidas-node/trust");
    std::fs::create_dir_all(&trust).unwrap();
    std::fs::copy(
        keys_dir().join("sim/xa-signing.crt"),
        trust.join("de-metadata-signer.pem"),
    )
    .unwrap();
    let shipped = std::fs::read_to_string(deploy_dir().join("kubernetes/eidas-node.toml")).unwrap();
    let rooted = shipped
        .replace(
            "\"/etc/eidas-node/",
            &format!("\"{}/etc/eidas-node/", root.display()),
        )
        .replace(
            "\"/var/cache/eidas-node/",
            &format!("\"{}/var/cache/eidas-node/", root.display()),
        );
    assert_ne!(rooted, shipped);
    let config = mount("/etc/eidas-node/config/eidas-node.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, rooted).unwrap();
    // The listeners are not opened by `check`.
    let out = run_node(&["check", "--config", config.to_str().unwrap()], &[]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("syntax ok"), "{text}");
    assert!(text.contains("keys, clients and store: ok"), "{text}");
    assert!(text.contains("state store: reachable"), "{text}");
    assert!(
        text.contains("(0 in keys, clients and store; 1 in trust)"),
        "{text}"
    );
    for line in text.lines().filter(|l| l.starts_with("problem:")) {
        assert!(line.starts_with("problem: country DE:"), "{line}\n{text}");
    }
}

fn keys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../keys-example")
}
