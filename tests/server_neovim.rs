//! `sessionlint server` driven by a real editor: headless Neovim's built-in LSP client opens
//! a file, shows the diagnostic, asks for code actions and applies the preferred one, and
//! the diagnostic goes. Skipped (with a note) when `nvim` is not installed.

use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Neovim 0.7 (Debian's) has `vim.lsp.start_client`; `vim.lsp.start` came in 0.8.
const SCRIPT: &str = r#"
local bin, root, file, out = os.getenv("SL_BIN"), os.getenv("SL_ROOT"), os.getenv("SL_FILE"), os.getenv("SL_OUT")
local result = {}
local function finish()
  local f = io.open(out, "w")
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qa!")
end
local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = "sessionlint", cmd = { bin, "server" }, root_dir = root })
  vim.lsp.buf_attach_client(buf, id)
  vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  local diagnostics = vim.diagnostic.get(buf)
  result.diagnostics = {}
  for _, d in ipairs(diagnostics) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(result.diagnostics, { code = d.code or lsp.code, lnum = d.lnum, col = d.col, source = d.source })
  end
  local d = diagnostics[1]
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 30000)
  result.titles = {}
  for _, response in pairs(responses or {}) do
    for _, action in ipairs(response.result or {}) do
      table.insert(result.titles, action.title)
      if action.isPreferred then
        vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
      end
    end
  end
  result.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  -- The edit is sent to the server as a change; the diagnostic goes.
  result.cleared = vim.wait(30000, function() return #vim.diagnostic.get(buf) == 0 end, 50)
  vim.lsp.stop_client(id)
end)
if not ok then result.error = tostring(err) end
finish()
"#;

const LEAK: &str = "import Foundation

func ping(_ url: URL) {
    let session = URLSession(configuration: .default)
    session.dataTask(with: url).resume()
}
";

#[test]
fn neovim_shows_the_diagnostic_and_applies_the_fix() {
    let nvim = Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .status();
    if !nvim.is_ok_and(|s| s.success()) {
        eprintln!("skipped: nvim is not installed (apt-get install neovim)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let file = root.join("Ping.swift");
    std::fs::write(&file, LEAK).unwrap();
    let script = root.join("test.lua");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = root.join("result.json");
    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("SL_BIN", env!("CARGO_BIN_EXE_sessionlint"))
        .env("SL_ROOT", &root)
        .env("SL_FILE", &file)
        .env("SL_OUT", &out)
        .env("HOME", &root)
        .env("XDG_STATE_HOME", &root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let result: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(result.get("error").is_none(), "{result:#}");
    let diagnostics = result["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{result:#}");
    assert_eq!(diagnostics[0]["code"], "SL001");
    assert_eq!(diagnostics[0]["lnum"], 3);
    assert_eq!(diagnostics[0]["col"], 18);
    assert_eq!(diagnostics[0]["source"], "sessionlint");
    assert_eq!(
        result["titles"],
        serde_json::json!([
            "Invalidate `session` when its scope ends (`finishTasksAndInvalidate`) (SL001)",
            "Suppress SL001 on this line"
        ])
    );
    assert_eq!(
        result["text"],
        LEAK.replace(
            "(configuration: .default)\n",
            "(configuration: .default)\n    defer { session.finishTasksAndInvalidate() }\n"
        )
        .trim_end()
    );
    assert_eq!(result["cleared"], true, "{result:#}");
}
