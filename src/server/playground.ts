// A small self-contained page for trying the API from a browser: no CDN, no external request,
// so it works behind firewalls. It posts the query with the key given on the page.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Pulse GraphQL</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; display: grid; grid-template-rows: auto 1fr; height: 100vh; }
  header { padding: 8px 12px; background: #1f2937; color: #fff; display: flex; gap: 12px; align-items: center; }
  header input { flex: 1; font: inherit; padding: 4px 6px; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; padding: 8px; min-height: 0; }
  textarea, pre { font: 13px ui-monospace, monospace; margin: 0; padding: 8px; border: 1px solid #ccc; overflow: auto; }
  .left { display: grid; grid-template-rows: 2fr 1fr auto; gap: 8px; min-height: 0; }
</style>
</head>
<body>
<header><strong>Pulse</strong><label for="key">API key</label>
<input id="key" placeholder="pulse_…" autocomplete="off"><button id="run">Run ▶</button></header>
<main>
<div class="left">
<textarea id="query" aria-label="Query">query Customers {
  customers(first: 5) {
    totalCount
    edges { node { id externalId name email summary { totalSpent orderCount } } }
  }
}</textarea>
<textarea id="variables" aria-label="Variables">{}</textarea>
</div>
<pre id="result" aria-label="Result"></pre>
</main>
<script>
const $ = (id) => document.getElementById(id);
$('key').value = localStorage.getItem('pulse-key') || '';
$('run').onclick = async () => {
  localStorage.setItem('pulse-key', $('key').value);
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + $('key').value },
    body: JSON.stringify({ query: $('query').value, variables: JSON.parse($('variables').value || '{}') }),
  });
  $('result').textContent = JSON.stringify(await response.json(), null, 2);
};
</script>
</body>
</html>`;

export function playgroundPage(): string {
  return PAGE;
}
