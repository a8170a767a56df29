/** The chat webview's HTML: a strict CSP with a per-load nonce; the script and CSS come from dist/ and media/. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(18).toString('hex');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'chat.css'));
  const csp = [
    `default-src 'none'`,
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}">
<title>Pinpoint</title>
</head>
<body>
<header id="bar">
  <span id="status" role="status"></span>
  <button id="new-chat" type="button" class="secondary" title="Start a new conversation">New chat</button>
</header>
<main id="log" aria-live="polite"></main>
<form id="composer">
  <textarea id="q" rows="3" aria-label="Question" placeholder="Ask about this codebase (Enter to send, Shift+Enter for a new line, Esc to stop)"></textarea>
  <div class="actions">
    <button id="send" type="submit">Send</button>
    <button id="stop" type="button" class="secondary" hidden>Stop</button>
  </div>
</form>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
