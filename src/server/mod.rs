//! `sessionlint server`: a language server over stdin/stdout.
//!
//! The main thread reads messages and answers requests from the last lint's results; a
//! worker thread lints, debounced: edits arriving in a burst make one lint, run once the
//! burst has been quiet for [`DEBOUNCE`]. Each lint covers the whole workspace with the open
//! buffers in place of their files (owner rules see every file), and publishes diagnostics
//! for the open buffers. A panic while handling one message is caught: a request gets an
//! error response, a lint a log message; the server keeps running.

mod lint;

use lint::{Document, DocumentResult};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, InitializeParams, PublishDiagnosticsParams, Range,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url, WorkspaceEdit,
};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long edits must pause before a lint starts.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Open buffers and the last lint's results.
#[derive(Default)]
struct State {
    documents: HashMap<Url, Document>,
    results: HashMap<Url, DocumentResult>,
    /// The last config problem told to the user (told once, not at every keystroke).
    config_error: Option<String>,
}

type Shared = Arc<Mutex<State>>;

fn lock(state: &Shared) -> MutexGuard<'_, State> {
    // A panic elsewhere while holding the lock leaves the state usable: buffers are replaced
    // whole, results are replaced whole.
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs the server on stdin/stdout until the client says `exit`.
pub fn run() -> Result<u8, String> {
    let (connection, io_threads) = Connection::stdio();
    serve(connection)?;
    io_threads.join().map_err(|e| format!("server I/O: {e}"))?;
    Ok(0)
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// Serves one client on `connection`: initialize, messages, shutdown.
pub fn serve(connection: Connection) -> Result<(), String> {
    let protocol = |e: lsp_server::ProtocolError| format!("language server protocol: {e}");
    let (id, params) = connection.initialize_start().map_err(protocol)?;
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "sessionlint", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result).map_err(protocol)?;
    let root = workspace_root(&init);
    if watches_files(&init) {
        register_watchers(&connection);
    }

    let state: Shared = Arc::default();
    let (lint_tx, lint_rx) = mpsc::channel::<()>();
    let worker = {
        let state = state.clone();
        let sender = connection.sender.clone();
        std::thread::Builder::new()
            .name("sessionlint-lint".into())
            .spawn(move || lint_worker(root, state, lint_rx, sender))
            .map_err(|e| format!("cannot start the lint thread: {e}"))?
    };

    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request).map_err(protocol)? {
                    break;
                }
                let id = request.id.clone();
                let response = catch_unwind(AssertUnwindSafe(|| handle_request(&state, request)))
                    .unwrap_or_else(|panic| {
                        Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            format!(
                                "sessionlint: internal error (please report it): {}",
                                crate::run::panic_message(&*panic)
                            ),
                        )
                    });
                let _ = connection.sender.send(response.into());
            }
            Message::Notification(n) => {
                let handled = catch_unwind(AssertUnwindSafe(|| {
                    handle_notification(&state, &connection, n)
                }));
                match handled {
                    Ok(true) => {
                        let _ = lint_tx.send(());
                    }
                    Ok(false) => {}
                    Err(panic) => log(
                        &connection.sender,
                        &format!(
                            "internal error (please report it): {}",
                            crate::run::panic_message(&*panic)
                        ),
                    ),
                }
            }
            Message::Response(_) => {}
        }
    }
    drop(lint_tx);
    let _ = worker.join();
    Ok(())
}

/// The folder linted for context: the first workspace folder, else the root URI.
#[allow(deprecated)] // `root_uri` / `root_path`: older clients send only these.
fn workspace_root(init: &InitializeParams) -> Option<PathBuf> {
    let folder = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone());
    folder
        .or_else(|| init.root_uri.clone())
        .and_then(|uri| uri.to_file_path().ok())
        .or_else(|| init.root_path.as_ref().map(PathBuf::from))
}

fn watches_files(init: &InitializeParams) -> bool {
    init.capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false)
}

/// Asks the client to tell us when the config or a source file changes on disk.
fn register_watchers(connection: &Connection) {
    let watchers: Vec<serde_json::Value> = [
        "**/sessionlint.toml",
        "**/.sessionlint.toml",
        "**/*.{swift,m,mm,h,rs}",
    ]
    .iter()
    .map(|glob| serde_json::json!({ "globPattern": glob }))
    .collect();
    let params = serde_json::json!({
        "registrations": [{
            "id": "sessionlint-watch",
            "method": notif::DidChangeWatchedFiles::METHOD,
            "registerOptions": { "watchers": watchers },
        }]
    });
    let request = Request::new(
        "sessionlint-register".to_string().into(),
        req::RegisterCapability::METHOD.into(),
        params,
    );
    let _ = connection.sender.send(request.into());
}

/// Updates the state; true when the workspace should be linted again.
fn handle_notification(state: &Shared, connection: &Connection, n: Notification) -> bool {
    match n.method.as_str() {
        notif::DidOpenTextDocument::METHOD => {
            let Ok(p) = n.extract::<lsp_types::DidOpenTextDocumentParams>(
                notif::DidOpenTextDocument::METHOD,
            ) else {
                return false;
            };
            let doc = Document {
                version: p.text_document.version,
                text: Arc::from(p.text_document.text),
            };
            lock(state).documents.insert(p.text_document.uri, doc);
            true
        }
        notif::DidChangeTextDocument::METHOD => {
            let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                notif::DidChangeTextDocument::METHOD,
            ) else {
                return false;
            };
            // Full sync: the last change holds the whole text.
            let Some(change) = p.content_changes.into_iter().last() else {
                return false;
            };
            let doc = Document {
                version: p.text_document.version,
                text: Arc::from(change.text),
            };
            lock(state).documents.insert(p.text_document.uri, doc);
            true
        }
        notif::DidSaveTextDocument::METHOD => true,
        notif::DidCloseTextDocument::METHOD => {
            let Ok(p) = n.extract::<lsp_types::DidCloseTextDocumentParams>(
                notif::DidCloseTextDocument::METHOD,
            ) else {
                return false;
            };
            let uri = p.text_document.uri;
            {
                let mut st = lock(state);
                st.documents.remove(&uri);
                st.results.remove(&uri);
            }
            publish(&connection.sender, uri, Vec::new(), None);
            true
        }
        notif::DidChangeWatchedFiles::METHOD | notif::DidChangeConfiguration::METHOD => true,
        _ => false,
    }
}

fn handle_request(state: &Shared, request: Request) -> Response {
    let id = request.id.clone();
    match request.method.as_str() {
        req::CodeActionRequest::METHOD => {
            match request.extract::<CodeActionParams>(req::CodeActionRequest::METHOD) {
                Ok((id, params)) => Response::new_ok(id, code_actions(state, &params)),
                Err(e) => Response::new_err(
                    id,
                    ErrorCode::InvalidParams as i32,
                    format!("invalid code action request: {e:?}"),
                ),
            }
        }
        // For the end-to-end test of the panic guard only; unknown otherwise.
        "sessionlint/debugPanic" if std::env::var_os("SESSIONLINT_DEBUG_PANIC").is_some() => {
            panic!("a panic requested by sessionlint/debugPanic")
        }
        _ => Response::new_err(
            id,
            ErrorCode::MethodNotFound as i32,
            format!("unknown request {}", request.method),
        ),
    }
}

/// The quick fixes for the findings the range touches: the safe fix, and a suppression
/// comment. Only for the buffer version that was linted: edits against another version
/// would land in the wrong place.
fn code_actions(state: &Shared, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let st = lock(state);
    let uri = &params.text_document.uri;
    let (Some(doc), Some(result)) = (st.documents.get(uri), st.results.get(uri)) else {
        return Vec::new();
    };
    if doc.version != result.version {
        return Vec::new();
    }
    let action = |title: String, finding: &lint::EditorFinding, edits, preferred| {
        CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![finding.diagnostic.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            }),
            is_preferred: Some(preferred),
            ..Default::default()
        })
    };
    let mut out = Vec::new();
    for finding in result
        .findings
        .iter()
        .filter(|f| touches(&f.diagnostic.range, &params.range))
    {
        if let Some((title, edits)) = &finding.fix {
            out.push(action(
                format!("{title} ({})", finding.rule),
                finding,
                edits.clone(),
                true,
            ));
        }
        out.push(action(
            format!("Suppress {} on this line", finding.rule),
            finding,
            vec![finding.suppression.clone()],
            false,
        ));
    }
    out
}

fn touches(a: &Range, b: &Range) -> bool {
    let key = |p: &lsp_types::Position| (p.line, p.character);
    key(&a.start) <= key(&b.end) && key(&b.start) <= key(&a.end)
}

/// Lints whenever asked, once the requests have paused for [`DEBOUNCE`].
fn lint_worker(
    root: Option<PathBuf>,
    state: Shared,
    requests: mpsc::Receiver<()>,
    sender: crossbeam_channel::Sender<Message>,
) {
    while requests.recv().is_ok() {
        loop {
            match requests.recv_timeout(DEBOUNCE) {
                Ok(()) => continue,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let documents = lock(&state).documents.clone();
        let linted = catch_unwind(AssertUnwindSafe(|| lint::lint(root.as_deref(), &documents)));
        let linted = match linted {
            Ok(linted) => linted,
            Err(panic) => {
                log(
                    &sender,
                    &format!(
                        "internal error while linting (please report it): {}",
                        crate::run::panic_message(&*panic)
                    ),
                );
                continue;
            }
        };
        let mut st = lock(&state);
        if linted.config_error.is_some() && linted.config_error != st.config_error {
            show(&sender, linted.config_error.as_deref().unwrap_or_default());
        }
        st.config_error = linted.config_error;
        for (uri, result) in linted.documents {
            // A buffer closed while it was linted gets nothing.
            if !st.documents.contains_key(&uri) {
                continue;
            }
            let diagnostics = result
                .findings
                .iter()
                .map(|f| f.diagnostic.clone())
                .collect();
            publish(&sender, uri.clone(), diagnostics, Some(result.version));
            st.results.insert(uri, result);
        }
    }
}

fn publish(
    sender: &crossbeam_channel::Sender<Message>,
    uri: Url,
    diagnostics: Vec<lsp_types::Diagnostic>,
    version: Option<i32>,
) {
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version,
    };
    let n = Notification::new(notif::PublishDiagnostics::METHOD.into(), params);
    let _ = sender.send(n.into());
}

fn log(sender: &crossbeam_channel::Sender<Message>, message: &str) {
    let params = lsp_types::LogMessageParams {
        typ: lsp_types::MessageType::ERROR,
        message: format!("sessionlint: {message}"),
    };
    let n = Notification::new(notif::LogMessage::METHOD.into(), params);
    let _ = sender.send(n.into());
}

fn show(sender: &crossbeam_channel::Sender<Message>, message: &str) {
    let params = lsp_types::ShowMessageParams {
        typ: lsp_types::MessageType::WARNING,
        message: format!("sessionlint: {message}"),
    };
    let n = Notification::new(notif::ShowMessage::METHOD.into(), params);
    let _ = sender.send(n.into());
}
