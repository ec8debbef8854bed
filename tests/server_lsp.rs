//! `sessionlint server`, end to end: the real binary, spoken to in JSON-RPC over its stdio.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(60);

/// A client: writes framed messages, reads them on a thread.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications read while waiting for something else.
    pending: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(env: &[(&str, &str)]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
            .arg("server")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || loop {
            let mut length = None;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse::<usize>().ok();
                }
            }
            let mut body = vec![0; length.expect("a Content-Length header")];
            stdout.read_exact(&mut body).unwrap();
            if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        });
        Client {
            child,
            stdin,
            incoming,
            pending: Vec::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (result or error), keeping notifications.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self
                .incoming
                .recv_timeout(deadline - Instant::now())
                .unwrap_or_else(|_| panic!("no response to {method}"));
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message;
            }
            if message.get("id").is_some() && message.get("method").is_some() {
                // A request from the server (registerCapability): answer it.
                let id = message["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
            } else {
                self.pending.push(message);
            }
        }
    }

    /// Several messages in one write.
    fn send_all(&mut self, messages: &[Value]) {
        let mut bytes = Vec::new();
        for message in messages {
            let body = message.to_string();
            write!(bytes, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        }
        self.stdin.write_all(&bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next `publishDiagnostics` for `uri` that `accept` takes.
    fn diagnostics(&mut self, uri: &str, accept: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let params = self.diagnostics_with(uri, |p| accept(p["diagnostics"].as_array().unwrap()));
        params["diagnostics"].as_array().unwrap().clone()
    }

    /// The params of the next `publishDiagnostics` for `uri` that `accept` takes.
    fn diagnostics_with(&mut self, uri: &str, mut accept: impl FnMut(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = if self.pending.is_empty() {
                self.incoming
                    .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                    .expect("the expected diagnostics were not published")
            } else {
                self.pending.remove(0)
            };
            if message.get("id").is_some() && message.get("method").is_some() {
                let id = message["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
                continue;
            }
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && accept(&message["params"])
            {
                return message["params"].clone();
            }
        }
    }

    fn initialize(&mut self, root: &Path) -> Value {
        let root_uri = file_uri(root);
        let response = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "ws"}],
                "capabilities": {
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
                },
            }),
        );
        self.notify("initialized", json!({}));
        response
    }
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

fn rules_of(diagnostics: &[Value]) -> Vec<String> {
    let mut rules: Vec<String> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    rules
}

const TILES: &str = "import Foundation

final class MapTiles {
    let session = URLSession(configuration: .default)

    func tile(_ url: URL) {
        session.dataTask(with: url).resume()
    }

    func ping(_ url: URL) {
        let probe = URLSession(configuration: .ephemeral)
        probe.dataTask(with: url).resume()
    }
}
";

const SHUTDOWN: &str = "import Foundation

extension MapTiles {
    func shutdown() {
        session.invalidateAndCancel()
    }
}
";

const FETCH: &str = "import Foundation

func fetch(_ url: URL) {
    let session = URLSession(configuration: .ephemeral)
    guard let host = url.host else { return }
    print(host)
    session.dataTask(with: url).resume()
    session.finishTasksAndInvalidate()
}
";

#[test]
fn diagnostics_fixes_suppressions_and_config_over_json_rpc() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let tiles = root.join("Tiles.swift");
    std::fs::write(&tiles, TILES).unwrap();
    std::fs::write(root.join("Tiles+Shutdown.swift"), SHUTDOWN).unwrap();
    // Without the workspace, the stored session looks never invalidated (SL003): the server
    // must see the extension in the other file, which is not open.
    let alone = Command::new(env!("CARGO_BIN_EXE_sessionlint"))
        .args(["check", "--format", "json", "--no-project-context"])
        .arg(&tiles)
        .output()
        .unwrap();
    let alone: Value = serde_json::from_slice(&alone.stdout).unwrap();
    assert!(alone["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["rule"] == "SL003"));

    let mut client = Client::start(&[("SESSIONLINT_DEBUG_PANIC", "1")]);
    let init = client.initialize(&root);
    assert_eq!(init["result"]["serverInfo"]["name"], "sessionlint");
    assert_eq!(
        init["result"]["capabilities"]["textDocumentSync"]["change"],
        1
    );

    let uri = file_uri(&tiles);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "swift", "version": 1, "text": TILES}}),
    );
    let diagnostics = client.diagnostics(&uri, |d| !d.is_empty());
    assert_eq!(rules_of(&diagnostics), ["SL001"], "{diagnostics:#?}");
    let d = &diagnostics[0];
    // `URLSession(configuration: .ephemeral)` on line 11 (0-based 10), from column 20.
    assert_eq!(d["range"]["start"], json!({"line": 10, "character": 20}));
    assert_eq!(d["range"]["end"], json!({"line": 10, "character": 57}));
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "sessionlint");
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("#sl001-session-not-invalidated"));

    // A finding's secondary labels are its related information: SL002 names the early exit.
    let fetch = root.join("Fetch.swift");
    let fetch_uri = file_uri(&fetch);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": fetch_uri, "languageId": "swift", "version": 1, "text": FETCH}}),
    );
    let early = client.diagnostics(&fetch_uri, |d| !d.is_empty());
    assert_eq!(rules_of(&early), ["SL002"], "{early:#?}");
    let related = early[0]["relatedInformation"].as_array().unwrap();
    assert_eq!(related[0]["location"]["uri"], fetch_uri);
    assert_eq!(related[0]["location"]["range"]["start"]["line"], 4);
    assert!(related[0]["message"].as_str().unwrap().contains("exit"));
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": fetch_uri}}),
    );
    let closed = client.diagnostics(&fetch_uri, |d| d.is_empty());
    assert!(closed.is_empty());

    // Code actions on the finding: the safe fix first, then the suppression.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": d["range"],
            "context": {"diagnostics": [d]},
        }),
    );
    let actions = actions["result"].as_array().unwrap();
    assert_eq!(actions.len(), 2, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    let fix = &actions[0]["edit"]["changes"][&uri][0];
    assert_eq!(fix["range"]["start"], json!({"line": 10, "character": 57}));
    assert_eq!(
        fix["newText"],
        "\n        defer { probe.finishTasksAndInvalidate() }"
    );
    assert_eq!(actions[1]["title"], "Suppress SL001 on this line");
    let suppress = &actions[1]["edit"]["changes"][&uri][0];
    assert_eq!(
        suppress["range"]["start"],
        json!({"line": 10, "character": 0})
    );
    assert_eq!(
        suppress["newText"],
        "        // sessionlint:disable-next-line SL001\n"
    );

    // An edit that invalidates the probe: its diagnostic goes; one that adds an SL006 shows it.
    let fixed = TILES.replace(
        "probe.dataTask(with: url).resume()\n",
        "probe.dataTask(with: url).resume()\n        probe.finishTasksAndInvalidate()\n        URLSession.shared.invalidateAndCancel()\n",
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let diagnostics = client.diagnostics(&uri, |d| rules_of(d) == ["SL006"]);
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 13);
    assert_eq!(diagnostics[0]["severity"], 3, "SL006 is a note by default");

    // A burst of edits makes one lint, of the last version: nothing is published for the
    // versions in between (they arrive in one write, well within the debounce).
    let burst: Vec<Value> = (3..=6)
        .map(|version| {
            let text = format!("{fixed}\n// edit {version}\n");
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text}]}})
        })
        .collect();
    client.send_all(&burst);
    let mut versions = Vec::new();
    client.diagnostics_with(&uri, |params| {
        versions.push(params["version"].as_i64().unwrap());
        params["version"] == 6
    });
    assert_eq!(
        versions.iter().filter(|v| (3..=5).contains(*v)).count(),
        0,
        "{versions:?}"
    );

    // The workspace config is read again when it changes: SL006 becomes an error.
    std::fs::write(
        root.join("sessionlint.toml"),
        "[severity]\nSL006 = \"error\"\n",
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&root.join("sessionlint.toml")), "type": 1}]}),
    );
    let diagnostics = client.diagnostics(&uri, |d| d.len() == 1 && d[0]["severity"] == 1);
    assert_eq!(diagnostics[0]["code"], "SL006");

    // A panic while handling a request is an error response; the server carries on.
    let panicked = client.request("sessionlint/debugPanic", json!({}));
    assert_eq!(panicked["error"]["code"], -32603);
    assert!(panicked["error"]["message"]
        .as_str()
        .unwrap()
        .contains("internal error"));
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": diagnostics[0]["range"],
            "context": {"diagnostics": []},
        }),
    );
    let titles: Vec<&str> = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Remove the call: invalidating the shared session does nothing (SL006)",
            "Suppress SL006 on this line"
        ]
    );

    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}
